"""Read model "leads" (线索): received by channel and category, verified, dismissed, outcomes and
arrests, per city / township / station / village over any range of days.

Informant protection: the informant reference, the anonymity flag (it says whether someone left a
contact), descriptions, case numbers and handlers never reach it; reveals, refusals and shredding
are not its business (no applier)."""

from __future__ import annotations

from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadOutcomeRecorded
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import keeping_registry

LEADS_TABLE = Table("rm_leads", ("lead_id",), "lead")
OUTCOMES = Table("rm_lead_outcomes", ("event_id",), "lead outcome")


def received(c: Changes, e: EventEnvelope, event: LeadReceived) -> None:
    c.insert(
        LEADS_TABLE,
        **fields_of(
            event,
            "lead_id",
            "channel",
            "category",
            "station_code",
            "village_code",
            "received_at",
            "triage_due_at",
        ),
        township_code=e.jurisdiction.township,
        received_on=china_day(event.received_at),
    )


def triaged(c: Changes, e: EventEnvelope, event: LeadTriaged) -> None:
    c.update(LEADS_TABLE, event.lead_id, triaged_at=event.triaged_at, due_at=event.due_at)


def verified(c: Changes, e: EventEnvelope, event: LeadVerified) -> None:
    c.update(LEADS_TABLE, event.lead_id, verified_on=event.verified_on)


def dismissed(c: Changes, e: EventEnvelope, event: LeadDismissed) -> None:
    c.update(LEADS_TABLE, event.lead_id, dismissed_on=event.dismissed_on, dismissal_reason=event.reason.value)


def outcome_recorded(c: Changes, e: EventEnvelope, event: LeadOutcomeRecorded) -> None:
    c.update(LEADS_TABLE, event.lead_id)  # only requires the lead
    c.insert(OUTCOMES, event_id=e.event_id, **fields_of(event, "lead_id", "outcome", "outcome_on"))


def closed(c: Changes, e: EventEnvelope, event: LeadClosed) -> None:
    c.update(LEADS_TABLE, event.lead_id, closed_on=event.closed_on)


LEADS = keeping_registry(
    "leads",
    {"tips"},
    by_event(
        received,
        triaged,
        verified,
        dismissed,
        outcome_recorded,
        closed,
    ),
)
