"""Settings of the outreach service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from govgrid.service.settings import ServiceSettings


class OutreachSettings(ServiceSettings):
    service_name: str = "outreach"
    database_schema: str = "outreach"
    http_port: int = 8105
