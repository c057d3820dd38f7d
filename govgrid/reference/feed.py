"""How reference tables follow the appointments topic: one consumer per service for all its tables.

A service that keeps tables fed from the appointments topic reads the whole topic for itself, in one
consumer group ``<consumer_name>-reference``, and records what it applied to each table under that
table's projection name. One consumer for all of them, not one per table: every consumer fetches the
whole topic five times a second and applies each batch in a transaction of its own, so each more
consumer paid the service's cost per event again for the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

import asyncpg

from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic
from govgrid.projection.apply_once import Applier
from govgrid.projection.feed import BatchApplier
from govgrid.projection.feed import TopicFeed
from govgrid.projection.feed import one_by_one


@dataclass(frozen=True)
class ReferenceTable:
    """A table (or a few kept together) fed from the appointments topic."""

    projection: str  # its name in applied_events
    applier: Applier
    event_types: frozenset[str]
    batch_applier: BatchApplier | None = None  # a batch in few statements (see TopicFeed)

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        await (self.batch_applier or one_by_one(self.applier))(conn, envelopes)


class ReferenceFeed(TopicFeed):
    """Keeps ``tables`` in step with the appointments topic with one consumer; run it as a background
    task. Each event type feeds one of the tables (an event recorded under two projections would need
    two rows in applied_events, which the feed does not write)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        consumer_name: str,
        tables: Sequence[ReferenceTable],
        topic: str = events_topic("appointments"),
    ) -> None:
        self._table_of = {event_type: table for table in tables for event_type in table.event_types}
        if len(self._table_of) != sum(len(table.event_types) for table in tables):
            raise ValueError("an event type feeds one table of a reference feed, not several")
        super().__init__(
            pool,
            bootstrap_servers,
            group_id=f"{consumer_name}-reference",
            topic=topic,
            projection=lambda envelope: self._table_of[envelope.event_type].projection,
            event_types=frozenset(self._table_of),
            batch_applier=self._apply_batch,
        )

    async def _apply_batch(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        """In topic order: each run of one table's events with that table's batch applier."""
        for table, run in groupby(envelopes, key=lambda e: self._table_of[e.event_type]):
            await table.apply(conn, list(run))
