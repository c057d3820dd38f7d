"""Settings of the mediation service (environment variables, as every govgrid setting).

The escalation ladder is JSON in ``ESCALATION_LADDER``, e.g.
``{"village": {"max_sessions": 3, "max_days": 30}, "township": {"max_days": 30}}``.
"""

from __future__ import annotations

from pydantic import Field
from pydantic import field_validator

from govgrid.catalogue.mediation import MediationLevel
from govgrid.kafka import events_topic
from govgrid.service.settings import ServiceSettings
from services.mediation.domain.ladder import EscalationLadder
from services.mediation.domain.ladder import LevelLimit


class MediationSettings(ServiceSettings):
    service_name: str = "mediation"
    database_schema: str = Field(
        default="mediation", description="Also the prefix of its Kafka consumer groups."
    )
    http_port: int = 8104
    tips_topic: str = Field(
        default=events_topic("tips"), description="Read for the leads referred to mediation."
    )
    escalation_ladder: dict[MediationLevel, LevelLimit] = Field(
        default={
            MediationLevel.VILLAGE: LevelLimit(max_sessions=3, max_days=30),
            MediationLevel.TOWNSHIP: LevelLimit(max_days=30),
        },
        description="How long a dispute may stay at each level; the court takes no limit.",
    )

    @field_validator("escalation_ladder")
    @classmethod
    def _a_valid_ladder(cls, limits: dict[MediationLevel, LevelLimit]) -> dict[MediationLevel, LevelLimit]:
        EscalationLadder(limits)  # refuses a limit on the court
        return limits

    def ladder(self) -> EscalationLadder:
        return EscalationLadder(self.escalation_ladder)
