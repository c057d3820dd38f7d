"""What deserves an alert, decided from one event at a time (pure: no I/O).

- A lead must be triaged by ``triage_due_at`` (LeadReceived), then verified or dismissed by ``due_at``
  (LeadTriaged, again at each re-triage): past either, it is overdue (``overdue_triage``,
  ``overdue_decision``).
- A dispute not settled (agreement or closing) ``dispute_due_days`` after registration is overdue:
  the 30 days of People's Mediation practice by default.
- A dispute escalated to the township or a court: at once (``escalated_to_<level>``).
- An approved deputy party secretary's appointment ended: the village lost its police deputy
  secretary (``deputy_secretary_lost:<appointment>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.china_time import occurred_on
from govgrid.envelope import Jurisdiction

LEAD_OVERDUE, DISPUTE_OVERDUE = "lead_overdue", "dispute_overdue"
DISPUTE_ESCALATED, DEPUTY_SECRETARY_LOST = "dispute_escalated", "deputy_secretary_lost"


@dataclass(frozen=True)
class Alert:
    """``item`` in ``state``: sent once per receiver that sees ``jurisdiction``."""

    item: str
    state: str
    kind: str
    jurisdiction: Jurisdiction
    at: datetime  # when it happened, or when the deadline passed
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Deadline:
    """``item`` becomes ``state`` (an alert of ``kind``) at ``due_at`` unless settled before."""

    item: str
    kind: str
    state: str
    due_at: datetime
    jurisdiction: Jurisdiction
    facts: dict[str, str] = field(default_factory=dict)

    def passed(self) -> Alert:
        return Alert(self.item, self.state, self.kind, self.jurisdiction, self.due_at, self.facts)


@dataclass(frozen=True)
class Settled:
    """``item`` has no deadline any more."""

    item: str


Decision = Alert | Deadline | Settled


def decide(
    event: DomainEvent,
    j: Jurisdiction,
    occurred_at: datetime,
    dispute_due_days: int,
    ended_deputy_secretary: str | None = None,
) -> list[Decision]:
    """The decisions one event calls for. ``ended_deputy_secretary``: for an AppointmentEnded, the
    village of the appointment when it was an approved deputy secretary's (the caller remembers)."""
    match event:
        case LeadReceived():
            facts = {
                "lead_id": event.lead_id,
                "category": event.category.value,
                "village": event.village_code,
            }
            return [
                Deadline(
                    f"lead-{event.lead_id}", LEAD_OVERDUE, "overdue_triage", event.triage_due_at, j, facts
                )
            ]
        case LeadTriaged():
            facts = {"lead_id": event.lead_id, "priority": event.priority.value}
            return [
                Deadline(f"lead-{event.lead_id}", LEAD_OVERDUE, "overdue_decision", event.due_at, j, facts)
            ]
        case LeadVerified() | LeadDismissed() | LeadClosed():
            return [Settled(f"lead-{event.lead_id}")]
        case DisputeRegistered():
            due = occurred_on(event.registered_on + timedelta(days=dispute_due_days))
            facts = {
                "dispute_id": event.dispute_id,
                "category": event.category.value,
                "village": event.village_code,
                "registered_on": event.registered_on.isoformat(),
            }
            return [Deadline(f"dispute-{event.dispute_id}", DISPUTE_OVERDUE, "overdue", due, j, facts)]
        case AgreementReached() | DisputeClosed():
            return [Settled(f"dispute-{event.dispute_id}")]
        case DisputeEscalated():
            facts = {
                "dispute_id": event.dispute_id,
                "from_level": event.from_level.value,
                "to_level": event.to_level.value,
                "escalated_on": event.escalated_on.isoformat(),
            }
            state = f"escalated_to_{event.to_level.value}"
            return [Alert(f"dispute-{event.dispute_id}", state, DISPUTE_ESCALATED, j, occurred_at, facts)]
        case AppointmentEnded() if ended_deputy_secretary is not None:
            facts = {
                "village": ended_deputy_secretary,
                "ended_on": event.ended_on.isoformat(),
                "reason": event.reason.value,
            }
            state = f"deputy_secretary_lost:{event.appointment_id}"
            return [
                Alert(
                    f"village-{ended_deputy_secretary}", state, DEPUTY_SECRETARY_LOST, j, occurred_at, facts
                )
            ]
    return []


DEPUTY_SECRETARY = AppointmentKind.DEPUTY_PARTY_SECRETARY.value
