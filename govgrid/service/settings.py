"""Settings every write service has beyond the kernel's: its schema, and where the organisation
registry comes from (the appointments service's topic)."""

from __future__ import annotations

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
