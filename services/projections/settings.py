"""Settings of the projections (worker and read API)."""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings


class ProjectionsSettings(GovgridSettings):
    service_name: str = "projections"
    database_schema: str = Field(default="projections", description="The read models' schema.")
    http_host: str = "127.0.0.1"
    http_port: int = 8100
