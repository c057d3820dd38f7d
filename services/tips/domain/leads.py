"""Leads (线索) from residents: received -> triaged (priority) -> assigned to an officer -> verified or
dismissed -> outcome(s) recorded -> closed; the informant's contact is sealed outside the stream and
revealed only to the handler or a city admin, then destroyed once the retention after closing ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from enum import StrEnum

from govgrid.auth.principal import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import InformantContactRevealed
from govgrid.catalogue.tips import InformantContactShredded
from govgrid.catalogue.tips import InformantRevealRefused
from govgrid.catalogue.tips import LeadAssigned
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadOutcome
from govgrid.catalogue.tips import LeadOutcomeRecorded
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.catalogue.tips import RevealRefusal
from govgrid.china_time import china_day
from govgrid.envelope import StreamNaming
from govgrid.officers import Officer
from govgrid.officers import OfficerMustBeKnown
from govgrid.rules import BusinessRule
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import telling
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.tips.domain.timing import CLOCK_SKEW


class LeadStatus(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    VERIFIED = "verified"
    DISMISSED = "dismissed"
    OUTCOME_RECORDED = "outcome_recorded"
    CLOSED = "closed"


AWAITING_DECISION = frozenset({LeadStatus.RECEIVED, LeadStatus.TRIAGED, LeadStatus.ASSIGNED})
DECIDED = frozenset({LeadStatus.VERIFIED, LeadStatus.OUTCOME_RECORDED, LeadStatus.DISMISSED})


class ContactStatus(StrEnum):
    """What is left of the informant's contact: never the contact itself."""

    NONE = "none"  # anonymous lead
    SEALED = "sealed"
    SHREDDED = "shredded"


stream_id = StreamNaming("lead")


@dataclass(frozen=True)
class Deadlines:
    """How long a lead may wait: for triage after receipt, and for a decision (verified or dismissed)
    after receipt, by priority. Both clocks start when the lead was received."""

    triage: timedelta
    decision: Mapping[LeadPriority, timedelta]

    def triage_due(self, received_at: datetime) -> datetime:
        return received_at + self.triage

    def decision_due(self, received_at: datetime, priority: LeadPriority) -> datetime:
        return received_at + self.decision[priority]


@dataclass(frozen=True)
class Outcome:
    outcome: LeadOutcome
    case_number: str | None
    outcome_on: date


@dataclass(frozen=True)
class Lead:
    lead_id: str
    channel: LeadChannel
    category: LeadCategory
    village_code: str
    grid_code: str | None
    station_code: str
    description: str
    anonymous: bool
    informant_ref: str | None
    informant_contact: ContactStatus
    received_at: datetime
    triage_due_at: datetime
    status: LeadStatus = LeadStatus.RECEIVED
    priority: LeadPriority | None = None
    due_at: datetime | None = None  # the decision deadline, once triaged
    triaged_at: datetime | None = None  # the latest triage
    handler: str | None = None  # the assigned officer's person id
    assigned_at: datetime | None = None  # the latest assignment
    verified_on: date | None = None
    dismissed_on: date | None = None
    dismissal_reason: DismissalReason | None = None
    outcomes: tuple[Outcome, ...] = ()
    closed_on: date | None = None
    informant_contact_shred_on: date | None = None
    reveals: int = 0
    refused_reveals: int = 0

    @property
    def received_on(self) -> date:
        return china_day(self.received_at)

    @property
    def pending_deadline(self) -> datetime | None:
        """The deadline the lead is waiting on: triage, then a decision; None once decided."""
        if self.status is LeadStatus.RECEIVED:
            return self.triage_due_at
        if self.status in AWAITING_DECISION:
            return self.due_at
        return None

    @property
    def last_moment(self) -> datetime:
        """The latest of its timed acts (receipt, triage, assignment): a later one cannot predate it."""
        return max(m for m in (self.received_at, self.triaged_at, self.assigned_at) if m is not None)

    @property
    def last_day(self) -> date:
        """The latest day the lead's history mentions: later acts cannot predate it."""
        days = [
            china_day(self.last_moment),
            self.verified_on,
            self.dismissed_on,
            *(o.outcome_on for o in self.outcomes),
        ]
        return max(d for d in days if d is not None)


def evolve(state: Lead | None, event: DomainEvent) -> Lead:
    match event:
        case LeadReceived():
            contact = ContactStatus.NONE if event.anonymous else ContactStatus.SEALED
            return told_by(Lead, event, informant_contact=contact)
        case LeadTriaged() if state is not None:
            triaged = LeadStatus.TRIAGED if state.status is LeadStatus.RECEIVED else state.status
            return updated_by(state, event, status=triaged)
        case LeadAssigned() if state is not None:
            assigned = LeadStatus.ASSIGNED if state.status is LeadStatus.TRIAGED else state.status
            return updated_by(state, event, status=assigned, handler=event.officer_person_id)
        case LeadVerified() if state is not None:
            return updated_by(state, event, status=LeadStatus.VERIFIED)
        case LeadDismissed() if state is not None:
            return updated_by(state, event, status=LeadStatus.DISMISSED, dismissal_reason=event.reason)
        case LeadOutcomeRecorded() if state is not None:
            outcome = told_by(Outcome, event)
            return replace(state, status=LeadStatus.OUTCOME_RECORDED, outcomes=(*state.outcomes, outcome))
        case LeadReferredToMediation() if state is not None:
            return state  # the outcome is on the LeadOutcomeRecorded before it; this one is for the mediators
        case LeadClosed() if state is not None:
            return updated_by(state, event, status=LeadStatus.CLOSED)
        case InformantContactRevealed() if state is not None:
            return replace(state, reveals=state.reveals + 1)
        case InformantRevealRefused() if state is not None:
            return replace(state, refused_reveals=state.refused_reveals + 1)
        case InformantContactShredded() if state is not None:
            return replace(state, informant_contact=ContactStatus.SHREDDED)
    raise CannotApply(event, state)


@dataclass(frozen=True)
class Caller:
    """Who asks to see an informant's contact: the token's subject and role, and whether the token's
    jurisdiction covers the lead."""

    subject: str
    role: Role
    in_jurisdiction: bool


# ---------------------------------------------------------------- rules


@broken_if("village_not_covered", "no police station covers {place_code} on that day")
def PlaceMustHaveAStation(place_code: str, station_code: str | None) -> bool:
    """Every lead is handled by the station covering its village on the day it arrives."""
    return station_code is None


@broken_if("lead_closed", "lead {lead.lead_id} was closed on {lead.closed_on}")
def NothingChangesAfterClosing(lead: Lead) -> bool:
    return lead.status is LeadStatus.CLOSED


@broken_if("lead_already_decided", "lead {lead.lead_id} is already {lead.status.value}")
def MustAwaitDecision(lead: Lead) -> bool:
    """Triage, verification and dismissal happen before the lead is verified or dismissed."""
    return lead.status in DECIDED


@broken_if("priority_unchanged", "lead {lead.lead_id} already has priority {priority.value}")
def PriorityMustChange(lead: Lead, priority: LeadPriority) -> bool:
    return lead.priority is priority


@broken_if("lead_not_triaged", "lead {lead.lead_id} has no priority yet: triage it first")
def MustBeTriaged(lead: Lead) -> bool:
    return lead.status is LeadStatus.RECEIVED


@broken_if("lead_dismissed", "lead {lead.lead_id} was dismissed")
def MustNotBeDismissed(lead: Lead) -> bool:
    return lead.status is LeadStatus.DISMISSED


@broken_if("officer_not_at_station", "officer {officer.person_id} does not serve at {station_code}")
def OfficerMustServeAtStation(officer: Officer, station_code: str) -> bool:
    """A lead is handled by an active officer of its own station."""
    return not officer.serves_at(station_code)


@broken_if("already_assigned_to_officer", "lead {lead.lead_id} is already assigned to {person_id}")
def MustBeANewHandler(lead: Lead, person_id: str) -> bool:
    return lead.handler == person_id


@broken_if("lead_not_assigned", "lead {lead.lead_id} is not assigned to an officer")
def MustBeAssigned(lead: Lead) -> bool:
    """Only a lead someone was assigned to check can be verified."""
    return lead.handler is None


@broken_if("lead_not_verified", "lead {lead.lead_id} is {lead.status.value}, not verified")
def MustBeVerified(lead: Lead) -> bool:
    return lead.status not in (LeadStatus.VERIFIED, LeadStatus.OUTCOME_RECORDED)


class OutcomeOnlyOnce(BusinessRule):
    """The same outcome (with the same case number) is not recorded twice: a second arrest needs its own
    case number, and a lead is referred to mediation once (a second referral would open a second
    dispute at the mediators)."""

    code = "outcome_already_recorded"
    lead: Lead
    outcome: LeadOutcome
    case_number: str | None

    def is_broken(self) -> bool:
        return any((o.outcome, o.case_number) == (self.outcome, self.case_number) for o in self.lead.outcomes)

    def message(self) -> str:
        case = f" (case {self.case_number})" if self.case_number else ""
        return f"lead {self.lead.lead_id} already has the outcome {self.outcome.value}{case}"


@broken_if(
    "lead_not_concluded", "lead {lead.lead_id} is {lead.status.value}: dismiss it or record an outcome first"
)
def MustBeConcluded(lead: Lead) -> bool:
    """A lead closes once dismissed, or verified with at least one outcome."""
    return lead.status not in (LeadStatus.DISMISSED, LeadStatus.OUTCOME_RECORDED)


@broken_if("no_informant_contact", "lead {lead.lead_id} is anonymous: there is no informant contact")
def MustHaveAContact(lead: Lead) -> bool:
    return lead.informant_contact is ContactStatus.NONE


@broken_if("informant_contact_shredded", "the informant contact of lead {lead.lead_id} was destroyed")
def ContactMustNotBeShredded(lead: Lead) -> bool:
    return lead.informant_contact is ContactStatus.SHREDDED


@broken_if("lead_not_closed", "lead {lead.lead_id} is still open")
def MustBeClosed(lead: Lead) -> bool:
    return lead.status is not LeadStatus.CLOSED


@broken_if(
    "retention_not_ended",
    "the informant contact of lead {lead.lead_id} is kept until {lead.informant_contact_shred_on}",
)
def RetentionMustHaveEnded(lead: Lead, today: date) -> bool:
    shred_on = lead.informant_contact_shred_on
    return shred_on is None or today < shred_on


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Submission:
    lead_id: str
    channel: LeadChannel
    category: LeadCategory
    place_code: str  # as given: a village, a community or a grid
    village_code: str
    grid_code: str | None
    station_code: str | None  # covering the village on the day of receipt
    description: str
    informant_ref: str | None
    received_at: datetime


def receive(submission: Submission, *, now: datetime, deadlines: Deadlines) -> list[DomainEvent]:
    s = submission
    check(
        PlaceMustHaveAStation(s.place_code, s.station_code),
        NotInTheFuture("the time of receipt", s.received_at, now + CLOCK_SKEW),
    )
    anonymous = s.informant_ref is None
    return [telling(LeadReceived, s, anonymous=anonymous, triage_due_at=deadlines.triage_due(s.received_at))]


def triage(
    lead: Lead, *, priority: LeadPriority, triaged_at: datetime, now: datetime, deadlines: Deadlines
) -> list[DomainEvent]:
    """Give the lead a priority at ``triaged_at``, or change it while it awaits a decision; the
    deadline follows (counted from receipt, whenever the triage happened)."""
    check(
        NothingChangesAfterClosing(lead),
        MustAwaitDecision(lead),
        PriorityMustChange(lead, priority),
        NotInTheFuture("the triage", triaged_at, now + CLOCK_SKEW),
        NotBefore("the triage", triaged_at, lead.last_moment, "the lead's latest act"),
    )
    return [
        LeadTriaged(
            lead_id=lead.lead_id,
            priority=priority,
            due_at=deadlines.decision_due(lead.received_at, priority),
            triaged_at=triaged_at,
        )
    ]


def assign(
    lead: Lead, *, person_id: str, officer: Officer | None, assigned_at: datetime, now: datetime
) -> list[DomainEvent]:
    """Assign the lead at ``assigned_at``, or hand it to another officer of the station (until it is
    closed)."""
    check(
        NothingChangesAfterClosing(lead),
        MustNotBeDismissed(lead),
        MustBeTriaged(lead),
        OfficerMustBeKnown(officer, person_id),
    )
    assert officer is not None
    check(
        OfficerMustServeAtStation(officer, lead.station_code),
        MustBeANewHandler(lead, person_id),
        NotInTheFuture("the assignment", assigned_at, now + CLOCK_SKEW),
        NotBefore("the assignment", assigned_at, lead.last_moment, "the lead's latest act"),
        NotBefore("the assignment", china_day(assigned_at), lead.last_day, "the lead's latest day"),
    )
    return [LeadAssigned(lead_id=lead.lead_id, officer_person_id=person_id, assigned_at=assigned_at)]


def verify(lead: Lead, *, verified_on: date, today: date) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosing(lead),
        MustAwaitDecision(lead),
        MustBeAssigned(lead),
        NotInTheFuture("the verification", verified_on, today),
        NotBefore("the verification", verified_on, lead.last_day),
    )
    return [LeadVerified(lead_id=lead.lead_id, verified_on=verified_on)]


def dismiss(lead: Lead, *, reason: DismissalReason, dismissed_on: date, today: date) -> list[DomainEvent]:
    """Unfounded, a duplicate...: possible from receipt on, until the lead is verified."""
    check(
        NothingChangesAfterClosing(lead),
        MustAwaitDecision(lead),
        NotInTheFuture("the dismissal", dismissed_on, today),
        NotBefore("the dismissal", dismissed_on, lead.last_day),
    )
    return [LeadDismissed(lead_id=lead.lead_id, reason=reason, dismissed_on=dismissed_on)]


@dataclass(frozen=True)
class Referral:
    dispute_category: DisputeCategory
    summary: str


@dataclass(frozen=True)
class OutcomeRecord:
    outcome: LeadOutcome
    outcome_on: date
    case_number: str | None = None
    referral: Referral | None = None  # with referred_to_mediation only


def record_outcome(lead: Lead, record: OutcomeRecord, *, today: date) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosing(lead),
        MustBeVerified(lead),
        OutcomeOnlyOnce(lead, record.outcome, record.case_number),
    )
    assert lead.verified_on is not None
    check(
        NotInTheFuture("the outcome", record.outcome_on, today),
        NotBefore("the outcome", record.outcome_on, lead.verified_on),
    )
    events: list[DomainEvent] = [
        LeadOutcomeRecorded(
            lead_id=lead.lead_id,
            outcome=record.outcome,
            case_number=record.case_number,
            outcome_on=record.outcome_on,
        )
    ]
    if record.referral is not None:
        events.append(
            LeadReferredToMediation(
                lead_id=lead.lead_id,
                village_code=lead.village_code,
                grid_code=lead.grid_code,
                dispute_category=record.referral.dispute_category,
                summary=record.referral.summary,
                referred_on=record.outcome_on,
            )
        )
    return events


def close(lead: Lead, *, closed_on: date, today: date, retention: timedelta) -> list[DomainEvent]:
    """Closing starts the retention of a sealed contact: it is destroyed ``retention`` after closing."""
    check(
        NothingChangesAfterClosing(lead),
        MustBeConcluded(lead),
        NotInTheFuture("the closing", closed_on, today),
        NotBefore("the closing", closed_on, lead.last_day),
    )
    sealed = lead.informant_contact is ContactStatus.SEALED
    return [
        LeadClosed(
            lead_id=lead.lead_id,
            closed_on=closed_on,
            informant_contact_shred_on=closed_on + retention if sealed else None,
        )
    ]


def reveal_refusal(lead: Lead, caller: Caller, handler: Officer | None) -> RevealRefusal | None:
    """Why ``caller`` may not see the informant's contact; None when they may. ``handler``: the lead's
    handler as the registry knows them now (a transferred handler loses the right with the lead)."""
    if caller.role is Role.CITY_ADMIN:
        return None
    if caller.role is not Role.STATION_OFFICER:
        return RevealRefusal.ROLE_NOT_ALLOWED
    if not caller.in_jurisdiction:
        return RevealRefusal.OUTSIDE_JURISDICTION
    if lead.handler is None or caller.subject != lead.handler:
        return RevealRefusal.NOT_THE_HANDLER
    if handler is None or not handler.active or handler.station_code != lead.station_code:
        return RevealRefusal.HANDLER_LEFT_STATION
    return None


def refuse_reveal(lead: Lead, caller: Caller, *, reason: str, refusal: RevealRefusal) -> list[DomainEvent]:
    """A refused attempt is recorded whatever the lead's state: who tried, and why."""
    return [
        InformantRevealRefused(
            lead_id=lead.lead_id, by=caller.subject, role=caller.role.value, reason=reason, refusal=refusal
        )
    ]


def _sealed_contact(lead: Lead) -> str:
    """The reference of the informant's contact a reveal or its destruction acts on: the lead has one,
    and it is not destroyed yet."""
    check(MustHaveAContact(lead), ContactMustNotBeShredded(lead))
    assert lead.informant_ref is not None
    return lead.informant_ref


def reveal(lead: Lead, caller: Caller, *, reason: str) -> list[DomainEvent]:
    """For a caller ``reveal_refusal`` let through: the reveal itself is recorded."""
    informant_ref = _sealed_contact(lead)
    return [
        InformantContactRevealed(
            lead_id=lead.lead_id,
            informant_ref=informant_ref,
            by=caller.subject,
            role=caller.role.value,
            reason=reason,
        )
    ]


def shred(lead: Lead, *, today: date) -> list[DomainEvent]:
    """The retention after closing has ended: the contact's key is destroyed."""
    check(MustBeClosed(lead))
    informant_ref = _sealed_contact(lead)
    check(RetentionMustHaveEnded(lead, today))
    return [InformantContactShredded(lead_id=lead.lead_id, informant_ref=informant_ref, shredded_on=today)]
