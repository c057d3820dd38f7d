"""A lead's clocks follow its stages: receipt starts triage's, triage stops it and starts the
decision's (working days by priority), a verification or dismissal stops what still runs."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from govgrid.auth.principal import Role
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import LeadClockStarted
from govgrid.catalogue.clocks import LeadClockStopped
from govgrid.catalogue.tips import LeadPriority
from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import occurred_on
from govgrid.clocks import NO_CLOCKS
from govgrid.clocks import Clocks
from govgrid.working_days import china_working_days
from services.tips.domain.clock import follow
from services.tips.tests.unit.scenario import RECEIVED_AT
from services.tips.tests.unit.scenario import dismissed
from services.tips.tests.unit.scenario import received
from services.tips.tests.unit.scenario import then_events
from services.tips.tests.unit.scenario import triaged
from services.tips.tests.unit.scenario import verified

CALENDAR = china_working_days()


def after(*events: ClockChanged) -> Clocks:
    """The clocks after these clock events."""
    state = NO_CLOCKS
    for event in events:
        state = state.evolve(event)
    return state


TRIAGED_AT = datetime(2023, 11, 2, 15, 0, tzinfo=CHINA_STANDARD_TIME)  # a Thursday
RECEIPT_CLOCKS = follow(NO_CLOCKS, [received()], at=RECEIVED_AT, calendar=CALENDAR)
TRIAGE_CLOCKS = follow(after(*RECEIPT_CLOCKS), [triaged()], at=TRIAGED_AT, calendar=CALENDAR)


def test_receipt_starts_the_triage_clock() -> None:
    then_events(
        follow(NO_CLOCKS, [received()], at=RECEIVED_AT, calendar=CALENDAR),
        [
            LeadClockStarted(
                stage="triage",
                at=RECEIVED_AT,
                due_on=date(2023, 11, 3),
                owner_role=Role.STATION_OFFICER,
                working_days=1,
            )
        ],
    )


def test_triage_stops_its_clock_and_starts_the_decisions_by_priority() -> None:
    clocks = after(*RECEIPT_CLOCKS)
    then_events(
        follow(clocks, [triaged(LeadPriority.HIGH)], at=TRIAGED_AT, calendar=CALENDAR),
        [
            LeadClockStopped(
                stage="triage", at=TRIAGED_AT, due_on=date(2023, 11, 3), running_seconds=5 * 3600 + 1800
            ),
            LeadClockStarted(
                stage="decision",
                at=TRIAGED_AT,
                due_on=date(2023, 11, 7),  # Friday, Monday, Tuesday
                owner_role=Role.STATION_OFFICER,
                working_days=3,
            ),
        ],
    )


def test_a_new_priority_leaves_the_decisions_clock_running() -> None:
    clocks = after(*RECEIPT_CLOCKS, *TRIAGE_CLOCKS)
    assert follow(clocks, [triaged(LeadPriority.LOW)], at=TRIAGED_AT, calendar=CALENDAR) == []


def test_a_decision_stops_every_clock_still_running() -> None:
    # Dismissed untriaged: the triage clock stops; verified after triage: the decision's stops.
    stopped = follow(
        after(*RECEIPT_CLOCKS), [dismissed()], at=occurred_on(date(2023, 11, 3)), calendar=CALENDAR
    )
    assert [(e.stage, type(e).__name__) for e in stopped] == [("triage", "LeadClockStopped")]
    clocks = after(*RECEIPT_CLOCKS, *TRIAGE_CLOCKS)
    stopped = follow(clocks, [verified()], at=occurred_on(date(2023, 11, 3)), calendar=CALENDAR)
    assert [(e.stage, type(e).__name__) for e in stopped] == [("decision", "LeadClockStopped")]
    assert (
        follow(
            after(*RECEIPT_CLOCKS, *TRIAGE_CLOCKS, *stopped),
            [verified()],
            at=TRIAGED_AT,
            calendar=CALENDAR,
        )
        == []
    )
