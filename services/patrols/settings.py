"""Settings of the patrols service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from govgrid.service.settings import ServiceSettings


class PatrolsSettings(ServiceSettings):
    service_name: str = "patrols"
    database_schema: str = "patrols"
    http_port: int = 8102
