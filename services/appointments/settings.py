"""Settings of the appointments service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from pydantic import Field

from govgrid.service.settings import ServiceSettings


class AppointmentsSettings(ServiceSettings):
    service_name: str = "appointments"
    database_schema: str = "appointments"
    http_port: int = 8101
    certificate_prefix: str = Field(default="DZ", description="任命证书 numbers look like DZ-2023-0042.")
