"""Leads (线索) and safety notices, emitted by the tips service on govgrid.tips.events.

No event carries an informant's identity or contact: only an opaque reference to the sealed store.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from govgrid.catalogue import catalogue
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.organisation import OrgCode
from govgrid.catalogue.registry import DomainEvent

SERVICE = "tips"


@catalogue.event(SERVICE, "LeadReferredToMediation", 1)
class LeadReferredToMediation(DomainEvent):
    """A lead's outcome: it is a dispute for the village's mediators. The mediation service opens one
    dispute per referral (service-to-service flow by events, not calls)."""

    lead_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    village_code: str = OrgCode
    grid_code: str | None = Field(default=None, min_length=1, max_length=32)
    dispute_category: DisputeCategory
    summary: str = Field(
        min_length=1, max_length=1000, description="What the dispute is about; no informant data."
    )
    referred_on: date
