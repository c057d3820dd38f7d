"""Read model "disputes": disputes received, in mediation, resolved and escalated (矛盾纠纷调处), per
city / township / station / village over any range of days, and the ageing backlog. Only dates,
levels, categories and places reach it: no party (not even a pseudonym), official, or free text."""

from __future__ import annotations

from datetime import date
from typing import Any

from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import First
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import keeping_registry

DISPUTES_TABLE = Table("rm_disputes", ("dispute_id",), "dispute")
STEPS = Table("rm_dispute_steps", ("event_id",), "dispute step")


def registered(c: Changes, e: EventEnvelope, event: DisputeRegistered) -> None:
    c.insert(
        DISPUTES_TABLE,
        **fields_of(
            event, "dispute_id", "category", "source", "village_code", "registered_on", "running_since"
        ),
        township_code=e.jurisdiction.township,
        station_code=e.jurisdiction.station,
        level=MediationLevel.VILLAGE.value,
    )


def mediators_assigned(c: Changes, e: EventEnvelope, event: MediatorsAssigned) -> None:
    # A replaced pair keeps the first day: mediation began then. Who they are is not this model's.
    _update(c, e, event.dispute_id, mediators_on=First(event.assigned_on))


def session_held(c: Changes, e: EventEnvelope, event: MediationSessionHeld) -> None:
    # Only its place matters here: the dispute follows its village's station with each act.
    _update(c, e, event.dispute_id)


def agreement_reached(c: Changes, e: EventEnvelope, event: AgreementReached) -> None:
    _update(c, e, event.dispute_id, agreement_on=event.reached_on)


def failed(c: Changes, e: EventEnvelope, event: MediationFailed) -> None:
    _update(c, e, event.dispute_id)
    _step(c, e, event.dispute_id, "failed", event.level, event.failed_on)


def escalated(c: Changes, e: EventEnvelope, event: DisputeEscalated) -> None:
    at_court = {"court_on": event.escalated_on} if event.to_level is MediationLevel.COURT else {}
    _update(c, e, event.dispute_id, level=event.to_level.value, **at_court)
    _step(c, e, event.dispute_id, "escalated", event.to_level, event.escalated_on)


def closed(c: Changes, e: EventEnvelope, event: DisputeClosed) -> None:
    _update(c, e, event.dispute_id, closed_on=event.closed_on, close_outcome=event.outcome.value)


def _update(c: Changes, e: EventEnvelope, dispute_id: str, **columns: Any) -> None:
    """Set ``columns`` and the event's station and township on the dispute."""
    c.update(
        DISPUTES_TABLE,
        dispute_id,
        township_code=e.jurisdiction.township,
        station_code=e.jurisdiction.station,
        **columns,
    )


def _step(c: Changes, e: EventEnvelope, dispute_id: str, step: str, level: MediationLevel, day: date) -> None:
    c.insert(STEPS, event_id=e.event_id, dispute_id=dispute_id, step=step, level=level.value, day=day)


DISPUTES = keeping_registry(
    "disputes",
    {"mediation"},
    by_event(
        registered,
        mediators_assigned,
        session_held,
        agreement_reached,
        failed,
        escalated,
        closed,
    ),
)
