"""A dispute's clocks follow its stages: registration starts the assignment's, the pair's assignment
stops it and starts the level's mediation, an escalation moves to the next level's (none at court),
an agreement, a failure or the closing stops what still runs."""

from __future__ import annotations

from datetime import date

from govgrid.auth.principal import Role
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import DisputeClockStarted
from govgrid.catalogue.clocks import DisputeClockStopped
from govgrid.catalogue.mediation import MediationLevel
from govgrid.china_time import occurred_on
from govgrid.clocks import NO_CLOCKS
from govgrid.clocks import Clocks
from govgrid.working_days import china_working_days
from services.mediation.domain.clock import follow
from services.mediation.tests.unit.scenario import closed
from services.mediation.tests.unit.scenario import escalated
from services.mediation.tests.unit.scenario import mediators_assigned
from services.mediation.tests.unit.scenario import registered

CALENDAR = china_working_days()
VILLAGE, TOWNSHIP, COURT = MediationLevel.VILLAGE, MediationLevel.TOWNSHIP, MediationLevel.COURT


def after(*events: ClockChanged) -> Clocks:
    state = NO_CLOCKS
    for event in events:
        state = state.evolve(event)
    return state


def started(stage: str, on: date, due_on: date, owner: Role, working_days: int) -> DisputeClockStarted:
    return DisputeClockStarted(
        stage=stage, at=occurred_on(on), due_on=due_on, owner_role=owner, working_days=working_days
    )


# Registered Friday 1 March 2024: a pair within 3 working days, by Wednesday the 6th.
REGISTRATION = follow(NO_CLOCKS, [registered()], level=VILLAGE, calendar=CALENDAR)
# Assigned Saturday 2 March: 20 working days of village mediation, to Friday the 29th.
ASSIGNMENT = follow(after(*REGISTRATION), [mediators_assigned()], level=VILLAGE, calendar=CALENDAR)


def test_registration_and_assignment() -> None:
    assert [
        started("assignment", date(2024, 3, 1), date(2024, 3, 6), Role.STATION_OFFICER, 3)
    ] == REGISTRATION
    assert [
        DisputeClockStopped(
            stage="assignment",
            at=occurred_on(date(2024, 3, 2)),
            due_on=date(2024, 3, 6),
            running_seconds=86400,
        ),
        started("village_mediation", date(2024, 3, 2), date(2024, 3, 29), Role.STATION_OFFICER, 20),
    ] == ASSIGNMENT
    # Another pair later: the level's clock runs on.
    clocks = after(*REGISTRATION, *ASSIGNMENT)
    assert follow(clocks, [mediators_assigned(date(2024, 3, 9))], level=VILLAGE, calendar=CALENDAR) == []


def test_escalation_moves_to_the_townships_clock_and_the_court_has_none() -> None:
    clocks = after(*REGISTRATION, *ASSIGNMENT)
    up = follow(clocks, [escalated()], level=VILLAGE, calendar=CALENDAR)
    assert [(type(e).__name__, e.stage) for e in up] == [
        ("DisputeClockStopped", "village_mediation"),
        ("DisputeClockStarted", "township_mediation"),
    ]
    assert up[1] == started(
        "township_mediation", date(2024, 3, 26), date(2024, 4, 23), Role.TOWNSHIP_OFFICER, 20
    )
    to_court = escalated(date(2024, 4, 20), to_level=COURT, from_level=TOWNSHIP)
    court = follow(after(*REGISTRATION, *ASSIGNMENT, *up), [to_court], level=TOWNSHIP, calendar=CALENDAR)
    assert [(type(e).__name__, e.stage) for e in court] == [("DisputeClockStopped", "township_mediation")]


def test_closing_stops_every_clock_still_running() -> None:
    stopped = follow(after(*REGISTRATION), [closed()], level=VILLAGE, calendar=CALENDAR)
    assert [(type(e).__name__, e.stage) for e in stopped] == [("DisputeClockStopped", "assignment")]
    assert after(*REGISTRATION, *stopped).running() == ()
