"""The escalation ladder: when a dispute is due to go up, and why."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import MediationLevel
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.ladder import DueReason
from services.mediation.domain.ladder import EscalationDue
from services.mediation.domain.ladder import EscalationLadder
from services.mediation.domain.ladder import LevelLimit
from services.mediation.settings import MediationSettings
from services.mediation.tests.unit.scenario import agreed
from services.mediation.tests.unit.scenario import closed
from services.mediation.tests.unit.scenario import dispute
from services.mediation.tests.unit.scenario import escalated
from services.mediation.tests.unit.scenario import failed
from services.mediation.tests.unit.scenario import in_mediation
from services.mediation.tests.unit.scenario import session_held

VILLAGE, TOWNSHIP, COURT = MediationLevel.VILLAGE, MediationLevel.TOWNSHIP, MediationLevel.COURT
# Three sessions or thirty days at the village, then thirty days at the township.
LADDER = EscalationLadder(
    {VILLAGE: LevelLimit(max_sessions=3, max_days=30), TOWNSHIP: LevelLimit(max_days=30)}
)


def test_a_new_dispute_is_due_when_the_village_time_runs_out() -> None:
    assert LADDER.due(dispute()) == EscalationDue(date(2024, 3, 31), DueReason.DAYS)


def test_the_third_session_without_agreement_makes_it_due_at_once() -> None:
    three = in_mediation(*(session_held(n, date(2024, 3, n * 2)) for n in (1, 2, 3)))
    assert LADDER.due(three) == EscalationDue(date(2024, 3, 6), DueReason.SESSIONS)


def test_two_sessions_leave_the_time_limit() -> None:
    two = in_mediation(session_held(1, date(2024, 3, 2)), session_held(2, date(2024, 3, 4)))
    assert LADDER.due(two) == EscalationDue(date(2024, 3, 31), DueReason.DAYS)


def test_whichever_limit_comes_first_counts() -> None:
    days = (date(2024, 3, 20), date(2024, 3, 30), date(2024, 4, 2))
    late_sessions = in_mediation(*(session_held(n, day) for n, day in enumerate(days, start=1)))
    assert LADDER.due(late_sessions) == EscalationDue(date(2024, 3, 31), DueReason.DAYS)


def test_a_failed_mediation_is_due_on_the_day_it_failed() -> None:
    assert LADDER.due(in_mediation(failed())) == EscalationDue(date(2024, 3, 25), DueReason.MEDIATION_FAILED)


def test_the_township_clock_starts_at_the_escalation_and_counts_its_own_sessions() -> None:
    village_sessions = [session_held(n, date(2024, 3, 2 + n)) for n in (1, 2, 3)]
    at_township = in_mediation(*village_sessions, failed(), escalated())
    assert LADDER.due(at_township) == EscalationDue(date(2024, 4, 25), DueReason.DAYS)


@pytest.mark.parametrize(
    "state",
    [
        agreed(),
        agreed(closed()),
        in_mediation(failed(), closed(outcome=CloseOutcome.WITHDRAWN)),
        in_mediation(failed(), escalated(to_level=COURT)),
    ],
    ids=["agreement", "closed", "withdrawn", "at the court"],
)
def test_nothing_is_due_once_mediation_has_an_outcome(state: Dispute) -> None:
    assert LADDER.due(state) is None


def test_a_level_without_limit_is_never_due() -> None:
    assert EscalationLadder({TOWNSHIP: LevelLimit(max_days=30)}).due(dispute()) is None
    assert EscalationLadder({VILLAGE: LevelLimit(max_sessions=3)}).due(dispute()) is None


def test_limits_are_positive_and_the_court_has_none() -> None:
    with pytest.raises(ValueError, match="max_days"):
        LevelLimit(max_days=0)
    with pytest.raises(ValueError, match="court"):
        EscalationLadder({COURT: LevelLimit(max_days=30)})


def test_the_default_ladder_is_three_sessions_or_thirty_days_then_thirty_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ESCALATION_LADDER", raising=False)
    assert MediationSettings().ladder() == LADDER


def test_the_ladder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALATION_LADDER", '{"village": {"max_sessions": 2}, "township": {"max_days": 60}}')
    ladder = MediationSettings().ladder()
    assert ladder.limits == {VILLAGE: LevelLimit(max_sessions=2), TOWNSHIP: LevelLimit(max_days=60)}


def test_a_ladder_limiting_the_court_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALATION_LADDER", '{"court": {"max_days": 30}}')
    with pytest.raises(ValidationError, match="court"):
        MediationSettings()
