"""A dispute (矛盾纠纷) and its mediation: registered -> mediators assigned -> sessions held ->
agreement reached, or mediation failed -> escalated (township, court) -> closed; follow-up visits
after an agreement.

Parties are pseudonymous labels ("party-A"); officials are person ids.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import ClassVar

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputePartiesAdded
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import FollowUpVisitRecorded
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartySatisfaction
from govgrid.envelope import StreamNaming
from govgrid.rules import BusinessRule
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import Rule
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by

LEVELS = tuple(MediationLevel)  # lowest first


class DisputeStatus(StrEnum):
    REGISTERED = "registered"  # no mediators yet
    IN_MEDIATION = "in_mediation"
    AGREEMENT_REACHED = "agreement_reached"
    MEDIATION_FAILED = "mediation_failed"  # at the current level: escalation is due
    REFERRED_TO_COURT = "referred_to_court"
    CLOSED = "closed"


# Where mediation goes on: parties may be added, sessions held, an outcome recorded.
OPEN = frozenset({DisputeStatus.REGISTERED, DisputeStatus.IN_MEDIATION})


class PersonRole(StrEnum):
    """What the appointments service registered a person as (the local people reference)."""

    POLICE_OFFICER = "police_officer"
    VILLAGE_CADRE = "village_cadre"


@dataclass(frozen=True)
class KnownPerson:
    person_id: str
    role: PersonRole
    active: bool


stream_id = StreamNaming("dispute")


def referral_dispute_id(lead_id: str) -> str:
    """A referred lead's dispute id: the same lead always names the same dispute."""
    return f"lead-{lead_id}"


@dataclass(frozen=True)
class Mediators:
    officer_person_id: str
    cadre_person_id: str
    assigned_on: date
    suggested_officer_person_id: str | None
    suggested_cadre_person_id: str | None
    follows_suggestion: bool


@dataclass(frozen=True)
class Session:
    number: int
    level: MediationLevel
    held_on: date
    parties_present: tuple[str, ...]
    officials_present: tuple[str, ...]
    others_present: int
    summary: str


@dataclass(frozen=True)
class Agreement:
    level: MediationLevel
    reached_on: date
    terms: str


@dataclass(frozen=True)
class Failure:
    level: MediationLevel
    failed_on: date
    reason: str


@dataclass(frozen=True)
class Escalation:
    from_level: MediationLevel
    to_level: MediationLevel
    escalated_on: date
    note: str


@dataclass(frozen=True)
class Closure:
    outcome: CloseOutcome
    closed_on: date
    note: str


@dataclass(frozen=True)
class FollowUp:
    visited_on: date
    agreement_holds: bool
    satisfaction: tuple[PartySatisfaction, ...]
    note: str


@dataclass(frozen=True)
class Registration:
    """What a dispute's registration says (a registration command, or a lead referred by tips)."""

    dispute_id: str
    source: DisputeSource
    source_reference: str | None
    village_code: str
    grid_code: str | None
    category: DisputeCategory
    parties: tuple[Party, ...]
    running_since: date | None
    description: str
    registered_on: date


@dataclass(frozen=True)
class Dispute(Registration):
    """A dispute: the facts of its registration (with the parties added since), and what happened to it."""

    status: DisputeStatus = DisputeStatus.REGISTERED
    level: MediationLevel = MediationLevel.VILLAGE
    level_started_on: date = date.min  # when mediation at the current level began
    last_act_on: date = date.min  # the latest date the history mentions: later acts cannot predate it
    mediators: Mediators | None = None
    sessions: tuple[Session, ...] = ()
    agreement: Agreement | None = None
    failures: tuple[Failure, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    closure: Closure | None = None
    follow_ups: tuple[FollowUp, ...] = ()

    @property
    def sessions_at_level(self) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.level is self.level)

    @property
    def party_labels(self) -> frozenset[str]:
        return frozenset(p.label for p in self.parties)


def evolve(state: Dispute | None, event: DomainEvent) -> Dispute:
    match event:
        case DisputeRegistered():
            day = event.registered_on
            return told_by(Dispute, event, level_started_on=day, last_act_on=day)
        case DisputePartiesAdded() if state is not None:
            # Its day does not bound later acts: an old event's day is only the day it was recorded.
            return replace(state, parties=state.parties + event.parties)
        case MediatorsAssigned() if state is not None:
            mediators = told_by(
                Mediators,
                event,
                follows_suggestion=(event.officer_person_id, event.cadre_person_id)
                == (event.suggested_officer_person_id, event.suggested_cadre_person_id),
            )
            return replace(
                state, status=DisputeStatus.IN_MEDIATION, mediators=mediators, last_act_on=event.assigned_on
            )
        case MediationSessionHeld() if state is not None:
            session = told_by(Session, event, number=event.session_number)
            return replace(state, sessions=(*state.sessions, session), last_act_on=event.held_on)
        case AgreementReached() if state is not None:
            return replace(
                state,
                status=DisputeStatus.AGREEMENT_REACHED,
                agreement=told_by(Agreement, event),
                last_act_on=event.reached_on,
            )
        case MediationFailed() if state is not None:
            return replace(
                state,
                status=DisputeStatus.MEDIATION_FAILED,
                failures=(*state.failures, told_by(Failure, event)),
                last_act_on=event.failed_on,
            )
        case DisputeEscalated() if state is not None:
            if event.to_level is MediationLevel.COURT:
                status = DisputeStatus.REFERRED_TO_COURT
            else:  # the pair stays on the dispute at the new level unless another is assigned
                status = DisputeStatus.IN_MEDIATION if state.mediators else DisputeStatus.REGISTERED
            escalation = told_by(Escalation, event)
            return replace(
                state,
                status=status,
                level=event.to_level,
                level_started_on=event.escalated_on,
                escalations=(*state.escalations, escalation),
                last_act_on=event.escalated_on,
            )
        case DisputeClosed() if state is not None:
            return replace(
                state,
                status=DisputeStatus.CLOSED,
                closure=told_by(Closure, event),
                last_act_on=event.closed_on,
            )
        case FollowUpVisitRecorded() if state is not None:
            follow_up = told_by(FollowUp, event)
            return replace(state, follow_ups=(*state.follow_ups, follow_up), last_act_on=event.visited_on)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if("dispute_already_registered", "dispute {existing.dispute_id} is already registered")
def DisputeMustBeNew(existing: Dispute | None) -> bool:
    """A dispute id names one dispute; a referred lead opens one dispute, however often it arrives."""
    return existing is not None


@broken_if("grid_not_in_village", "grid {grid_code} is not a grid of {village_code}")
def GridMustBeInTheVillage(grid_code: str, grid_parent_code: str | None, village_code: str) -> bool:
    return grid_parent_code != village_code


class NothingChangesAfterClosing(BusinessRule):
    code = "dispute_closed"
    dispute: Dispute

    def is_broken(self) -> bool:
        return self.dispute.status is DisputeStatus.CLOSED

    def message(self) -> str:
        closure = self.dispute.closure
        assert closure is not None
        return (
            f"dispute {self.dispute.dispute_id} was closed on {closure.closed_on} ({closure.outcome.value})"
        )


@broken_if(
    "mediation_not_in_progress",
    "dispute {dispute.dispute_id} is {dispute.status.value}: mediation is not in progress",
)
def MediationMustBeOpen(dispute: Dispute) -> bool:
    """Parties, mediators, sessions and outcomes belong to a mediation still going on: not after an
    agreement, a failure (escalate first) or a referral to the court."""
    return dispute.status not in OPEN


@broken_if("mediators_not_assigned", "dispute {dispute.dispute_id} has no mediators assigned yet")
def MediatorsMustBeAssigned(dispute: Dispute) -> bool:
    return dispute.mediators is None


class PartiesMustBeIdentified(BusinessRule):
    """A mediation hears two sides at least: a referral may arrive without parties, they are added
    before the first session."""

    code = "parties_not_identified"
    dispute: Dispute

    def is_broken(self) -> bool:
        return len(self.dispute.parties) < 2

    def message(self) -> str:
        return f"dispute {self.dispute.dispute_id} has {len(self.dispute.parties)} parties recorded, needs 2"


class _PartyLabels(BusinessRule):
    """A rule about the party labels a command names, against the dispute's parties: broken by the
    labels ``breaking`` finds, which its message lists after ``called``."""

    called: ClassVar[str]
    dispute: Dispute
    labels: tuple[str, ...]

    @abstractmethod
    def breaking(self) -> set[str]: ...

    def is_broken(self) -> bool:
        return bool(self.breaking())

    def message(self) -> str:
        return f"{self.called} {self.dispute.dispute_id}: {', '.join(sorted(self.breaking()))}"


class PartiesMustBeKnown(_PartyLabels):
    code = "unknown_party"
    called = "not a party to dispute"

    def breaking(self) -> set[str]:
        return set(self.labels) - self.dispute.party_labels


class PartiesMustBeNew(_PartyLabels):
    code = "party_already_recorded"
    called = "already parties to dispute"

    def breaking(self) -> set[str]:
        return set(self.labels) & self.dispute.party_labels


class _PersonOfRole(BusinessRule):
    """The pair is a police officer and a village cadre, as the appointments service registered them."""

    role: ClassVar[PersonRole]
    person_id: str
    person: KnownPerson | None

    def is_broken(self) -> bool:
        return self.person is None or self.person.role is not self.role

    def message(self) -> str:
        if self.person is None:
            return f"no {self.role.value} {self.person_id} is registered"
        return f"{self.person_id} is a {self.person.role.value}, not a {self.role.value}"


class MustBeAPoliceOfficer(_PersonOfRole):
    code = "not_a_police_officer"
    role = PersonRole.POLICE_OFFICER


class MustBeAVillageCadre(_PersonOfRole):
    code = "not_a_village_cadre"
    role = PersonRole.VILLAGE_CADRE


@broken_if("person_not_active", "{person.person_id} has left service")
def PersonMustBeActive(person: KnownPerson | None) -> bool:
    return person is not None and not person.active


@broken_if(
    "no_session_at_level", "no session was held at {dispute.level.value} level for {dispute.dispute_id}"
)
def AgreementNeedsASession(dispute: Dispute) -> bool:
    """An agreement is reached at a session held at the dispute's current level."""
    return not dispute.sessions_at_level


@broken_if(
    "escalation_needs_failure",
    "dispute {dispute.dispute_id} is {dispute.status.value}: record the failed mediation before escalating",
)
def EscalationNeedsAFailure(dispute: Dispute) -> bool:
    """A dispute goes up the ladder once mediation failed at its level (the overdue list tells the
    mediators when to give up)."""
    return dispute.status is not DisputeStatus.MEDIATION_FAILED


@broken_if("escalation_must_go_up", "dispute {dispute.dispute_id} is at {dispute.level.value} level already")
def EscalationMustGoUp(dispute: Dispute, to_level: MediationLevel) -> bool:
    return LEVELS.index(to_level) <= LEVELS.index(dispute.level)


# Which outcome a dispute of each status can be closed with.
CLOSABLE_WITH: dict[CloseOutcome, frozenset[DisputeStatus]] = {
    CloseOutcome.RESOLVED: frozenset({DisputeStatus.AGREEMENT_REACHED}),
    CloseOutcome.REFERRED_TO_COURT: frozenset({DisputeStatus.REFERRED_TO_COURT}),
    CloseOutcome.WITHDRAWN: OPEN | {DisputeStatus.MEDIATION_FAILED},
}


@broken_if(
    "close_outcome_mismatch",
    "dispute {dispute.dispute_id} is {dispute.status.value}: it cannot be closed as {outcome.value}",
)
def OutcomeMustFitTheStatus(dispute: Dispute, outcome: CloseOutcome) -> bool:
    """Resolved needs an agreement, referred_to_court an escalation to the court, withdrawn a
    mediation without an outcome yet."""
    return dispute.status not in CLOSABLE_WITH[outcome]


@broken_if("no_agreement_to_follow_up", "dispute {dispute.dispute_id} reached no agreement to follow up")
def FollowUpNeedsAnAgreement(dispute: Dispute) -> bool:
    return dispute.agreement is None


# ---------------------------------------------------------------- decisions


def _dated(dispute: Dispute, what: str, when: date, today: date) -> tuple[Rule, ...]:
    """An act's date: after everything the dispute's history mentions, and not after today."""
    return (NotBefore(what, when, dispute.last_act_on), NotInTheFuture(what, when, today))


def register(
    existing: Dispute | None,
    registration: Registration,
    *,
    grid_parent_code: str | None,
    today: date,
) -> list[DomainEvent]:
    """``grid_parent_code``: the village of the grid named, looked up by the caller."""
    rules: list[Rule] = [
        DisputeMustBeNew(existing),
        NotInTheFuture("the registration", registration.registered_on, today),
    ]
    if registration.grid_code is not None:
        rules.append(
            GridMustBeInTheVillage(registration.grid_code, grid_parent_code, registration.village_code)
        )
    if registration.running_since is not None:
        rules.append(NotBefore("the registration", registration.registered_on, registration.running_since))
    check(*rules)
    return [_registered(registration)]


def open_referred(existing: Dispute | None, registration: Registration) -> list[DomainEvent]:
    """A lead the tips service referred to mediation. Its facts (village, grid, date) were checked by
    the tips service and are its decision; the one rule here: a lead opens one dispute."""
    check(DisputeMustBeNew(existing))
    return [_registered(registration)]


def _registered(registration: Registration) -> DisputeRegistered:
    return DisputeRegistered(**asdict(registration))


def add_parties(
    dispute: Dispute, parties: tuple[Party, ...], *, added_on: date, today: date
) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosing(dispute),
        MediationMustBeOpen(dispute),
        PartiesMustBeNew(dispute, tuple(p.label for p in parties)),
        *_dated(dispute, "the parties' addition", added_on, today),
    )
    return [DisputePartiesAdded(dispute_id=dispute.dispute_id, parties=parties, added_on=added_on)]


def assign_mediators(
    dispute: Dispute,
    *,
    officer: KnownPerson | None,
    cadre: KnownPerson | None,
    officer_person_id: str,
    cadre_person_id: str,
    suggested: tuple[str | None, str | None],
    assigned_on: date,
    today: date,
) -> list[DomainEvent]:
    """``officer`` and ``cadre``: the people named, as the local people reference knows them;
    ``suggested``: the village's current (deputy secretary, joint-defence director) on that day."""
    check(
        NothingChangesAfterClosing(dispute),
        MediationMustBeOpen(dispute),
        MustBeAPoliceOfficer(officer_person_id, officer),
        PersonMustBeActive(officer),
        MustBeAVillageCadre(cadre_person_id, cadre),
        PersonMustBeActive(cadre),
        *_dated(dispute, "the assignment", assigned_on, today),
    )
    return [
        MediatorsAssigned(
            dispute_id=dispute.dispute_id,
            officer_person_id=officer_person_id,
            cadre_person_id=cadre_person_id,
            assigned_on=assigned_on,
            suggested_officer_person_id=suggested[0],
            suggested_cadre_person_id=suggested[1],
        )
    ]


def _mediating(dispute: Dispute) -> tuple[Rule, ...]:
    return (
        NothingChangesAfterClosing(dispute),
        MediationMustBeOpen(dispute),
        MediatorsMustBeAssigned(dispute),
    )


def hold_session(
    dispute: Dispute,
    *,
    held_on: date,
    parties_present: tuple[str, ...],
    officials_present: tuple[str, ...],
    others_present: int,
    summary: str,
    today: date,
) -> list[DomainEvent]:
    check(
        *_mediating(dispute),
        PartiesMustBeIdentified(dispute),
        PartiesMustBeKnown(dispute, parties_present),
        *_dated(dispute, "the session", held_on, today),
    )
    return [
        MediationSessionHeld(
            dispute_id=dispute.dispute_id,
            session_number=len(dispute.sessions) + 1,
            level=dispute.level,
            held_on=held_on,
            parties_present=parties_present,
            officials_present=officials_present,
            others_present=others_present,
            summary=summary,
        )
    ]


def reach_agreement(dispute: Dispute, *, reached_on: date, terms: str, today: date) -> list[DomainEvent]:
    check(
        *_mediating(dispute),
        AgreementNeedsASession(dispute),
        *_dated(dispute, "the agreement", reached_on, today),
    )
    return [
        AgreementReached(
            dispute_id=dispute.dispute_id, level=dispute.level, reached_on=reached_on, terms=terms
        )
    ]


def record_failure(dispute: Dispute, *, failed_on: date, reason: str, today: date) -> list[DomainEvent]:
    """No session is needed: parties who refuse to come are a failed mediation too."""
    check(*_mediating(dispute), *_dated(dispute, "the failure", failed_on, today))
    return [
        MediationFailed(
            dispute_id=dispute.dispute_id, level=dispute.level, failed_on=failed_on, reason=reason
        )
    ]


def escalate(
    dispute: Dispute, *, to_level: MediationLevel, escalated_on: date, note: str, today: date
) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosing(dispute),
        EscalationNeedsAFailure(dispute),
        EscalationMustGoUp(dispute, to_level),
        *_dated(dispute, "the escalation", escalated_on, today),
    )
    return [
        DisputeEscalated(
            dispute_id=dispute.dispute_id,
            from_level=dispute.level,
            to_level=to_level,
            escalated_on=escalated_on,
            note=note,
        )
    ]


def close(
    dispute: Dispute, *, outcome: CloseOutcome, closed_on: date, note: str, today: date
) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosing(dispute),
        OutcomeMustFitTheStatus(dispute, outcome),
        *_dated(dispute, "the closing", closed_on, today),
    )
    return [DisputeClosed(dispute_id=dispute.dispute_id, outcome=outcome, closed_on=closed_on, note=note)]


def follow_up(
    dispute: Dispute,
    *,
    visited_on: date,
    agreement_holds: bool,
    satisfaction: tuple[PartySatisfaction, ...],
    note: str,
    today: date,
) -> list[DomainEvent]:
    """Allowed before and after closing: the visit checks an agreement, whatever the file's state."""
    check(
        FollowUpNeedsAnAgreement(dispute),
        PartiesMustBeKnown(dispute, tuple(s.label for s in satisfaction)),
        *_dated(dispute, "the follow-up visit", visited_on, today),
    )
    return [
        FollowUpVisitRecorded(
            dispute_id=dispute.dispute_id,
            visited_on=visited_on,
            agreement_holds=agreement_holds,
            satisfaction=satisfaction,
            note=note,
        )
    ]
