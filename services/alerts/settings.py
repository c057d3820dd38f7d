"""Settings of the alerts process: where it keeps its tables, whom it tells, and its clocks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from pydantic import Field
from pydantic import HttpUrl

from govgrid.config import GovgridSettings
from govgrid.envelope import Jurisdiction

Format = Literal["wecom", "dingtalk", "json"]


class Receiver(BaseModel):
    """A webhook: a WeChat Work group robot, a DingTalk group robot, or any service taking JSON.
    ``jurisdiction``: org codes, as a token's (an item is sent when one of its codes is one of
    them); empty for the whole city."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    url: HttpUrl
    format: Format
    jurisdiction: list[str] = Field(default_factory=list)

    def sees(self, j: Jurisdiction) -> bool:
        # The rule of govgrid.auth.Principal.can_see: no codes is the city's view.
        return not self.jurisdiction or not j.codes().isdisjoint(self.jurisdiction)


class AlertsSettings(GovgridSettings):
    service_name: str = "alerts"
    database_schema: str = "alerts"
    alert_receivers: list[Receiver] = Field(
        default_factory=list, description="JSON list of receivers (ALERT_RECEIVERS)."
    )
    dispute_due_days: int = Field(
        default=30, ge=1, description="A dispute not settled this many days after registration is overdue."
    )
    alert_lookback_days: int = Field(
        default=7,
        ge=0,
        description="An event or deadline older than this when first seen is history, not news: no alert.",
    )
    alert_sweep_seconds: float = Field(default=30.0, gt=0, description="How often deadlines are checked.")
    alert_send_seconds: float = Field(default=2.0, gt=0, description="How often undelivered alerts are sent.")
    alert_send_timeout_seconds: float = Field(default=10.0, gt=0)
    alert_retry_seconds: float = Field(
        default=30.0, gt=0, description="Wait after a receiver's first failure; doubled at each further one."
    )
    alert_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="The longest wait between two attempts at a failing receiver."
    )
