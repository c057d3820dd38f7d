"""The demo's settings: where the write services answer (APPOINTMENTS_URL...); its city-admin token
is signed by the development issuer (govgrid.auth.mint), so the services must run in local mode."""

from __future__ import annotations

from govgrid.config import GovgridSettings


class DemoSettings(GovgridSettings):
    # The local platform's ports (deploy/local/supervisor.py); docker-compose.yml sets the service names.
    appointments_url: str = "http://127.0.0.1:8101"
    patrols_url: str = "http://127.0.0.1:8102"
    tips_url: str = "http://127.0.0.1:8103"
    mediation_url: str = "http://127.0.0.1:8104"
    outreach_url: str = "http://127.0.0.1:8105"

    def base_urls(self) -> dict[str, str]:
        """Each write service's address, by service name."""
        return {
            "appointments": self.appointments_url,
            "patrols": self.patrols_url,
            "tips": self.tips_url,
            "mediation": self.mediation_url,
            "outreach": self.outreach_url,
        }
