"""Settings of the outreach service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings
from govgrid.kafka import events_topic


class OutreachSettings(GovgridSettings):
    service_name: str = "outreach"
    database_schema: str = Field(default="outreach", description="Its own schema: its own event store.")
    http_port: int = 8105
    appointments_topic: str = Field(
        default=events_topic("appointments"),
        description="The organisation registry's topic: org units, station coverage and police officers.",
    )
