"""Settings of the tips service (environment variables, as every govgrid setting)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic import SecretStr

from govgrid.catalogue.tips import LeadPriority
from govgrid.service.settings import ServiceSettings
from services.tips.domain.leads import Deadlines

# Base64 of 32 bytes, for local runs and tests only: set INFORMANT_MASTER_KEY on any real deployment
# (e.g. `python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`).
DEVELOPMENT_MASTER_KEY = "Z292Z3JpZC1sb2NhbC1kZXYtaW5mb3JtYW50LWtleSE="


class TipsSettings(ServiceSettings):
    service_name: str = "tips"
    database_schema: str = "tips"
    http_port: int = 8103

    lead_triage_hours: int = Field(default=24, ge=1, description="A lead is triaged this long after receipt.")
    lead_deadline_urgent_hours: int = Field(default=24, ge=1, description="Verified or dismissed within.")
    lead_deadline_high_hours: int = Field(default=3 * 24, ge=1)
    lead_deadline_normal_hours: int = Field(default=7 * 24, ge=1)
    lead_deadline_low_hours: int = Field(default=14 * 24, ge=1)

    informant_retention_days: int = Field(
        default=180,
        ge=0,
        description="After closing, the informant contact is kept this long, then destroyed.",
    )
    informant_master_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_MASTER_KEY),
        description="Base64 of 32 random bytes: wraps every lead's own key (envelope encryption).",
    )
    informant_master_key_id: str = Field(
        default="local-dev", min_length=1, max_length=40, description="Names the master key in the key rows."
    )
    retention_interval_seconds: float = Field(
        default=3600, gt=0, description="How often the service destroys the keys whose retention ended."
    )

    def deadlines(self) -> Deadlines:
        return Deadlines(
            triage=timedelta(hours=self.lead_triage_hours),
            decision={
                LeadPriority.URGENT: timedelta(hours=self.lead_deadline_urgent_hours),
                LeadPriority.HIGH: timedelta(hours=self.lead_deadline_high_hours),
                LeadPriority.NORMAL: timedelta(hours=self.lead_deadline_normal_hours),
                LeadPriority.LOW: timedelta(hours=self.lead_deadline_low_hours),
            },
        )

    @property
    def informant_retention(self) -> timedelta:
        return timedelta(days=self.informant_retention_days)
