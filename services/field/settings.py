"""Settings of the field app: where the services it forwards to answer."""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings


class FieldSettings(GovgridSettings):
    service_name: str = "field"
    http_port: int = 8106
    appointments_url: str = Field(default="http://127.0.0.1:8101", description="The appointments service.")
    patrols_url: str = Field(default="http://127.0.0.1:8102", description="The patrols service.")
    tips_url: str = Field(default="http://127.0.0.1:8103", description="The tips service.")
    mediation_url: str = Field(default="http://127.0.0.1:8104", description="The mediation service.")
    outreach_url: str = Field(default="http://127.0.0.1:8105", description="The outreach service.")
    read_api_url: str = Field(default="http://127.0.0.1:8100", description="The read API (my work).")
    upstream_timeout_seconds: float = Field(default=15.0, gt=0)

    def upstreams(self) -> dict[str, str]:
        """The only services the app forwards to, by the name in ``/api/<name>/...``."""
        return {
            "appointments": self.appointments_url,
            "patrols": self.patrols_url,
            "tips": self.tips_url,
            "mediation": self.mediation_url,
            "outreach": self.outreach_url,
            "read": self.read_api_url,
        }
