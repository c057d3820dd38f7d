"""How a reference table follows the appointments topic: one feed per table and service.

Each service that keeps a reference table reads the whole topic for itself, in its own consumer group
``<consumer_name>-<table's name>``, and records what it applied under the table's projection name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import asyncpg

from govgrid.kafka import events_topic
from govgrid.projection.apply_once import Applier
from govgrid.projection.feed import BatchApplier, TopicFeed


@dataclass(frozen=True)
class ReferenceTable:
    name: str  # the tail of the consumer group
    projection: str  # its name in applied_events
    applier: Applier
    event_types: frozenset[str]
    batch_applier: BatchApplier | None = None  # a batch in few statements (see TopicFeed)


class ReferenceFeed(TopicFeed):
    """Keeps ``table`` in step with the appointments topic; run it as a background task."""

    table: ClassVar[ReferenceTable]

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        consumer_name: str,
        topic: str = events_topic("appointments"),
    ) -> None:
        super().__init__(
            pool,
            bootstrap_servers,
            group_id=f"{consumer_name}-{self.table.name}",
            topic=topic,
            projection=self.table.projection,
            applier=self.table.applier,
            event_types=self.table.event_types,
            batch_applier=self.table.batch_applier,
        )
