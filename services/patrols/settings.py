"""Settings of the patrols service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings
from govgrid.kafka import events_topic


class PatrolsSettings(GovgridSettings):
    service_name: str = "patrols"
    database_schema: str = Field(default="patrols", description="Its own schema: its own event store.")
    http_port: int = 8102
    appointments_topic: str = Field(
        default=events_topic("appointments"),
        description="Where the organisation registry and the officers come from (reference tables).",
    )
