"""Job referrals: to a registered enterprise, one pending per person and enterprise, one outcome."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import JobReferralOutcome
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import NotHiredReason
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.outreach.domain import referrals
from services.outreach.domain.referrals import Referral
from services.outreach.tests.unit.scenario import ENTERPRISE
from services.outreach.tests.unit.scenario import PERSON_REF
from services.outreach.tests.unit.scenario import REFERRAL
from services.outreach.tests.unit.scenario import REFERRED_ON
from services.outreach.tests.unit.scenario import TODAY
from services.outreach.tests.unit.scenario import enterprise
from services.outreach.tests.unit.scenario import outcome_recorded
from services.outreach.tests.unit.scenario import referral
from services.outreach.tests.unit.scenario import referral_made

REFERRAL_COMMAND = Referral(REFERRAL, PERSON_REF, ENTERPRISE, "包装工", REFERRED_ON)


def refer(pending: str | None = None, today: date = TODAY, known: bool = True) -> list[DomainEvent]:
    return referrals.refer(
        REFERRAL_COMMAND, enterprise=enterprise() if known else None, pending_referral_id=pending, today=today
    )


def decide(
    state: referrals.JobReferral,
    outcome: JobReferralOutcome = JobReferralOutcome.HIRED,
    decided_on: date = date(2023, 10, 20),
    reason: NotHiredReason | None = None,
) -> list[DomainEvent]:
    return referrals.record_outcome(
        state, outcome=outcome, decided_on=decided_on, not_hired_reason=reason, today=TODAY
    )


def test_refer_a_person_to_a_job() -> None:
    then_events(refer(), [referral_made()])
    assert referral().is_pending


def test_no_referral_to_an_enterprise_not_registered() -> None:
    then_rule_broken("unknown_enterprise", lambda: refer(known=False))


def test_one_pending_referral_per_person_and_enterprise() -> None:
    error = then_rule_broken("referral_already_pending", lambda: refer(pending="r-0000"))
    assert PERSON_REF not in error.message  # the reference is not echoed back


def test_no_referral_in_the_future() -> None:
    then_rule_broken("date_in_future", lambda: refer(today=REFERRED_ON - timedelta(days=1)))


def test_hired() -> None:
    then_events(decide(referral()), [outcome_recorded()])
    state = referral(outcome_recorded())
    assert (state.outcome, state.decided_on, state.is_pending) == (
        JobReferralOutcome.HIRED,
        date(2023, 10, 20),
        False,
    )


@pytest.mark.parametrize("reason", [None, NotHiredReason.POSITION_FILLED])
def test_not_hired_with_or_without_a_reason(reason: NotHiredReason | None) -> None:
    (event,) = decide(referral(), JobReferralOutcome.NOT_HIRED, reason=reason)
    assert isinstance(event, JobReferralOutcomeRecorded)
    assert (event.outcome, event.not_hired_reason) == (JobReferralOutcome.NOT_HIRED, reason)


def test_the_outcome_is_recorded_once() -> None:
    then_rule_broken("referral_outcome_already_recorded", lambda: decide(referral(outcome_recorded())))


def test_no_outcome_before_the_referral_or_in_the_future() -> None:
    then_rule_broken(
        "dates_incoherent", lambda: decide(referral(), decided_on=REFERRED_ON - timedelta(days=1))
    )
    then_rule_broken("date_in_future", lambda: decide(referral(), decided_on=TODAY + timedelta(days=1)))
    (event,) = decide(referral(), decided_on=REFERRED_ON)
    assert event == outcome_recorded(decided_on=REFERRED_ON)
