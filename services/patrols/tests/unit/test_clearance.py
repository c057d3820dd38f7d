"""Clearance operations (清查行动): planned -> carried out -> closed, or cancelled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import ClearanceFinding
from govgrid.catalogue.patrols import ClearanceOperationCancelled
from govgrid.catalogue.patrols import ClearanceOperationCarriedOut
from govgrid.catalogue.patrols import ClearanceOperationClosed
from govgrid.catalogue.patrols import FindingCategory
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.patrols.domain import clearance
from services.patrols.domain.clearance import ClearanceOperation
from services.patrols.domain.clearance import ClearanceStatus
from services.patrols.domain.clearance import Results
from services.patrols.domain.rules import Place
from services.patrols.tests.unit.scenario import GRID
from services.patrols.tests.unit.scenario import IN_COVERAGE
from services.patrols.tests.unit.scenario import OPERATION
from services.patrols.tests.unit.scenario import OPERATION_PLANNED
from services.patrols.tests.unit.scenario import OTHER_STATIONS_GRID
from services.patrols.tests.unit.scenario import PLANNED_ON
from services.patrols.tests.unit.scenario import STATION
from services.patrols.tests.unit.scenario import UNCOVERED_GRID
from services.patrols.tests.unit.scenario import VILLAGE
from services.patrols.tests.unit.scenario import carried_out
from services.patrols.tests.unit.scenario import operation

FINDINGS = (
    ClearanceFinding(category=FindingCategory.SAFETY_HAZARD, count=3, note="电线私拉乱接"),
    ClearanceFinding(category=FindingCategory.UNREGISTERED_RESIDENT, count=5),
)
RESULTS = Results(
    places_checked=40, people_checked=112, officers_deployed=6, volunteers_deployed=12, findings=FINDINGS
)
CLOSED_ON = date(2023, 11, 27)


def plan(*area: Place) -> list[DomainEvent]:
    return clearance.plan(
        operation_id=OPERATION, station_code=STATION, focus="出租屋", planned_on=PLANNED_ON, area=list(area)
    )


# ---------------------------------------------------------------- plan


def test_plan_an_operation_over_places_the_station_covers() -> None:
    then_events(plan(Place(VILLAGE, STATION)), [OPERATION_PLANNED])
    then_events(
        plan(Place(VILLAGE, STATION), IN_COVERAGE),
        [OPERATION_PLANNED.model_copy(update={"area_codes": [VILLAGE, GRID]})],
    )
    assert operation().status is ClearanceStatus.PLANNED


@pytest.mark.parametrize("outside", [OTHER_STATIONS_GRID, UNCOVERED_GRID], ids=["other-station", "uncovered"])
def test_no_operation_outside_the_station_s_coverage(outside: Place) -> None:
    error = then_rule_broken("outside_station_coverage", lambda: plan(IN_COVERAGE, outside))
    assert outside.code in error.message


# ---------------------------------------------------------------- carry out


def test_carry_out_with_what_was_checked_and_found() -> None:
    events = clearance.carry_out(operation(), carried_out_on=PLANNED_ON, results=RESULTS)
    then_events(
        events,
        [
            ClearanceOperationCarriedOut(
                operation_id=OPERATION,
                carried_out_on=PLANNED_ON,
                places_checked=40,
                people_checked=112,
                officers_deployed=6,
                volunteers_deployed=12,
                findings=list(FINDINGS),
            )
        ],
    )
    done = operation(*events)
    assert (done.status, done.carried_out_on, done.results) == (
        ClearanceStatus.CARRIED_OUT,
        PLANNED_ON,
        RESULTS,
    )


def test_not_carried_out_before_the_planned_day() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: clearance.carry_out(operation(), carried_out_on=date(2023, 11, 23), results=RESULTS),
    )


def test_carried_out_once() -> None:
    then_rule_broken(
        "clearance_already_carried_out",
        lambda: clearance.carry_out(
            operation(carried_out()), carried_out_on=date(2023, 11, 25), results=RESULTS
        ),
    )


# ---------------------------------------------------------------- close


def test_close_a_carried_out_operation() -> None:
    events = clearance.close(operation(carried_out()), closed_on=CLOSED_ON, summary="隐患已整改")
    then_events(
        events, [ClearanceOperationClosed(operation_id=OPERATION, closed_on=CLOSED_ON, summary="隐患已整改")]
    )
    assert operation(carried_out(), *events).status is ClearanceStatus.CLOSED


def test_no_closing_before_it_was_carried_out() -> None:
    then_rule_broken("clearance_not_carried_out", lambda: clearance.close(operation(), closed_on=CLOSED_ON))


def test_no_closing_before_the_day_it_was_carried_out() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: clearance.close(operation(carried_out(date(2023, 11, 25))), closed_on=PLANNED_ON),
    )


# ---------------------------------------------------------------- cancel


def test_cancel_a_planned_operation() -> None:
    events = clearance.cancel(operation(), cancelled_on=date(2023, 11, 22), reason="台风")
    then_events(
        events,
        [ClearanceOperationCancelled(operation_id=OPERATION, cancelled_on=date(2023, 11, 22), reason="台风")],
    )
    assert operation(*events).status is ClearanceStatus.CANCELLED


def test_an_operation_carried_out_is_closed_not_cancelled() -> None:
    then_rule_broken(
        "clearance_already_carried_out",
        lambda: clearance.cancel(operation(carried_out()), cancelled_on=CLOSED_ON, reason="x"),
    )


# ---------------------------------------------------------------- nothing changes after closure

CLOSED = (carried_out(), ClearanceOperationClosed(operation_id=OPERATION, closed_on=CLOSED_ON))
CANCELLED = (ClearanceOperationCancelled(operation_id=OPERATION, cancelled_on=PLANNED_ON, reason="台风"),)
LATER = date(2023, 12, 1)
DECISIONS: dict[str, Callable[[ClearanceOperation], object]] = {
    "carry-out": lambda o: clearance.carry_out(o, carried_out_on=LATER, results=RESULTS),
    "close": lambda o: clearance.close(o, closed_on=LATER),
    "cancel": lambda o: clearance.cancel(o, cancelled_on=LATER, reason="x"),
}


@pytest.mark.parametrize("history", [CLOSED, CANCELLED], ids=["closed", "cancelled"])
@pytest.mark.parametrize("decision", DECISIONS.values(), ids=DECISIONS.keys())
def test_nothing_changes_after_closure(
    history: tuple[DomainEvent, ...], decision: Callable[[ClearanceOperation], object]
) -> None:
    over = operation(*history)
    then_rule_broken("clearance_operation_closed", lambda: decision(over))


def test_the_plan_folds_into_a_planned_operation() -> None:
    assert operation() == ClearanceOperation(OPERATION, STATION, "出租屋", PLANNED_ON, (VILLAGE,))
