"""Job referrals: a person in difficulty, known only by an opaque reference, is referred to a job
at a registered enterprise; the outcome (hired, not hired) is recorded once."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.outreach import JobReferralOutcome
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import NotHiredReason
from govgrid.envelope import StreamNaming
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.enterprises import EnterpriseMustExist

stream_id = StreamNaming("jobreferral")


@dataclass(frozen=True)
class Referral:
    """What a referral says: who is referred to which job."""

    referral_id: str
    person_ref: str
    enterprise_code: str
    position: str
    referred_on: date


@dataclass(frozen=True)
class JobReferral(Referral):
    """A referral, and its outcome once recorded."""

    outcome: JobReferralOutcome | None = None
    decided_on: date | None = None
    not_hired_reason: NotHiredReason | None = None

    @property
    def is_pending(self) -> bool:
        return self.outcome is None


def evolve(state: JobReferral | None, event: DomainEvent) -> JobReferral:
    match event:
        case JobReferralMade() if state is None:
            return told_by(JobReferral, event)
        case JobReferralOutcomeRecorded() if state is not None:
            return updated_by(state, event)
    raise CannotApply(event, state)


@broken_if(
    "referral_already_pending",
    "this person's referral {pending_referral_id} to {enterprise_code} is still waiting for its outcome",
)
def NoSecondPendingReferral(enterprise_code: str, pending_referral_id: str | None) -> bool:
    """A person waits for one answer per enterprise at a time: a second referral would count twice."""
    return pending_referral_id is not None


@broken_if(
    "referral_outcome_already_recorded",
    "referral {referral.referral_id} ended {referral.outcome} on {referral.decided_on}",
)
def OneOutcomePerReferral(referral: JobReferral) -> bool:
    return not referral.is_pending


def refer(
    referral: Referral, *, enterprise: Enterprise | None, pending_referral_id: str | None, today: date
) -> list[DomainEvent]:
    """``pending_referral_id``: the person's referral to this enterprise still waiting, if any."""
    check(
        EnterpriseMustExist(enterprise, referral.enterprise_code),
        NoSecondPendingReferral(referral.enterprise_code, pending_referral_id),
        NotInTheFuture("the referral", referral.referred_on, today),
    )
    return [JobReferralMade(**asdict(referral))]


def record_outcome(
    referral: JobReferral,
    *,
    outcome: JobReferralOutcome,
    decided_on: date,
    not_hired_reason: NotHiredReason | None,
    today: date,
) -> list[DomainEvent]:
    check(
        OneOutcomePerReferral(referral),
        NotBefore("the outcome", decided_on, referral.referred_on, "the referral"),
        NotInTheFuture("the outcome", decided_on, today),
    )
    return [
        JobReferralOutcomeRecorded(
            referral_id=referral.referral_id,
            outcome=outcome,
            decided_on=decided_on,
            not_hired_reason=not_hired_reason,
        )
    ]
