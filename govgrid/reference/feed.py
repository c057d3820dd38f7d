"""How reference tables follow the appointments topic: one consumer per service for all its tables.

A service that keeps reference tables reads the whole topic for itself, in its own consumer group
``<consumer_name>-<feed's group>``, and records what it applied to each table under that table's
projection name. One consumer for the organisation and people tables, not one each: every consumer
fetches the whole topic several times a second and applies each batch in a transaction, so a second
one doubled a service's cost per event for the same work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

import asyncpg

from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic
from govgrid.projection.apply_once import Applier
from govgrid.projection.feed import BatchApplier, TopicFeed


@dataclass(frozen=True)
class ReferenceTable:
    projection: str  # its name in applied_events
    applier: Applier
    event_types: frozenset[str]
    batch_applier: BatchApplier | None = None  # a batch in few statements (see TopicFeed)

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        if self.batch_applier is not None:
            await self.batch_applier(conn, envelopes)
        else:
            for envelope in envelopes:
                await self.applier(conn, envelope)


class ReferenceFeed(TopicFeed):
    """Keeps ``tables`` in step with the appointments topic; run it as a background task."""

    group: ClassVar[str]  # the tail of the consumer group
    tables: ClassVar[tuple[ReferenceTable, ...]]

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        consumer_name: str,
        topic: str = events_topic("appointments"),
    ) -> None:
        self._table_of = {event_type: table for table in self.tables for event_type in table.event_types}
        super().__init__(
            pool,
            bootstrap_servers,
            group_id=f"{consumer_name}-{self.group}",
            topic=topic,
            projection=lambda envelope: self._table_of[envelope.event_type].projection,
            applier=self._apply_one,
            event_types=frozenset(self._table_of),
            batch_applier=self._apply_batch,
        )

    async def _apply_one(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        await self._table_of[envelope.event_type].applier(conn, envelope)

    async def _apply_batch(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        """In topic order: each run of one table's events with that table's batch applier."""
        for table, run in groupby(envelopes, key=lambda e: self._table_of[e.event_type]):
            await table.apply(conn, list(run))
