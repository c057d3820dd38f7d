"""Where the five write services answer, for a client of all of them (the demo, the field app).

The defaults are the local platform's ports (deploy/local/supervisor.py); docker-compose.yml and
production set APPOINTMENTS_URL, PATROLS_URL, TIPS_URL, MEDIATION_URL and OUTREACH_URL.
"""

from __future__ import annotations

from pydantic import Field

from govgrid.config import GovgridSettings


class WriteServiceAddresses(GovgridSettings):
    appointments_url: str = Field(default="http://127.0.0.1:8101", description="The appointments service.")
    patrols_url: str = Field(default="http://127.0.0.1:8102", description="The patrols service.")
    tips_url: str = Field(default="http://127.0.0.1:8103", description="The tips service.")
    mediation_url: str = Field(default="http://127.0.0.1:8104", description="The mediation service.")
    outreach_url: str = Field(default="http://127.0.0.1:8105", description="The outreach service.")

    def write_services(self) -> dict[str, str]:
        """Each write service's address, by service name."""
        return {
            "appointments": self.appointments_url,
            "patrols": self.patrols_url,
            "tips": self.tips_url,
            "mediation": self.mediation_url,
            "outreach": self.outreach_url,
        }
