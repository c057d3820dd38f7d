"""Settings of the projections (worker and read API)."""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings
from govgrid.kafka import events_topic


class ProjectionsSettings(GovgridSettings):
    service_name: str = "projections"
    database_schema: str = Field(default="projections", description="The read models' schema.")
    http_port: int = 8100
    app_id: str = Field(
        default="govgrid-projections", description="The faust app id, i.e. the consumer group."
    )
    source_topics: dict[str, str] = Field(
        default_factory=dict,
        description="Topic of a write service when not govgrid.<service>.events (tests).",
    )

    max_ready_lag: int = Field(
        default=1000, ge=0, description="/readyz fails when a read model is further behind."
    )

    lead_suppression_threshold: int = Field(
        default=3,
        ge=1,
        le=100,
        description="Lead counts below this, below station level, are shown as '<n' to roles below city"
        " level (services/projections/queries/small_counts.py).",
    )

    def topic_of(self, service: str) -> str:
        return self.source_topics.get(service, events_topic(service))
