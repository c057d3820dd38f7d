"""Settings every write service has beyond the kernel's: its schema, where the organisation
registry comes from (the appointments service's topic), and how often its event log is checkpointed."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from govgrid.config import GovgridSettings
from govgrid.kafka import events_topic


class ServiceSettings(GovgridSettings):
    database_schema: str = Field(
        description="Its own schema: its own event store; also names its Kafka consumer groups."
    )
    appointments_topic: str = Field(
        default=events_topic("appointments"),
        description="Where the organisation registry and the officers come from (reference tables).",
    )
    event_log_checkpoint_interval_seconds: float = Field(
        default=300,
        gt=0,
        description="How often the service publishes a checkpoint of its event log (a Merkle root over "
        "every stream's head) on its topic, when something was appended since the last one.",
    )

    @property
    def event_log_checkpoint_interval(self) -> timedelta:
        return timedelta(seconds=self.event_log_checkpoint_interval_seconds)
