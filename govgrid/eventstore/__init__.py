"""The event store port and its adapters (PostgreSQL for real, in-memory for pure unit tests)."""

from pathlib import Path

from govgrid.eventstore.memory import InMemoryEventStore
from govgrid.eventstore.port import EventStore
from govgrid.eventstore.postgres import PostgresEventStore

MIGRATIONS = Path(__file__).parent / "migrations"

__all__ = ["MIGRATIONS", "EventStore", "InMemoryEventStore", "PostgresEventStore"]
