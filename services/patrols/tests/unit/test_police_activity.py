"""Daily police activity: recorded once per station-day, re-imports change nothing, corrections
carry the full new figures."""

from __future__ import annotations

from datetime import date

from govgrid.catalogue.patrols import PoliceActivityCorrected
from govgrid.catalogue.patrols import PoliceActivityRecorded
from govgrid.testing.scenario import given
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.patrols.domain import police_activity
from services.patrols.domain.police_activity import DailyFigures
from services.patrols.domain.police_activity import PoliceActivity
from services.patrols.tests.unit.scenario import STATION

DAY = date(2023, 11, 20)
TODAY = date(2023, 11, 28)
FIGURES = DailyFigures(calls_for_service=17, criminal_cases=1, public_security_cases=3)
CORRECTED = DailyFigures(calls_for_service=18, criminal_cases=1, public_security_cases=2)

RECORDED = PoliceActivityRecorded(
    station_code=STATION, day=DAY, calls_for_service=17, criminal_cases=1, public_security_cases=3
)


def record(current: PoliceActivity | None, figures: DailyFigures, day: date = DAY) -> list[object]:
    return list(police_activity.record(current, station_code=STATION, day=day, figures=figures, today=TODAY))


def test_the_first_figures_of_a_day_are_recorded() -> None:
    then_events(
        police_activity.record(None, station_code=STATION, day=DAY, figures=FIGURES, today=TODAY), [RECORDED]
    )
    assert given(police_activity.evolve, RECORDED) == PoliceActivity(STATION, DAY, FIGURES)


def test_the_same_figures_again_change_nothing() -> None:
    assert record(given(police_activity.evolve, RECORDED), FIGURES) == []


def test_other_figures_correct_the_day() -> None:
    events = police_activity.record(
        given(police_activity.evolve, RECORDED), station_code=STATION, day=DAY, figures=CORRECTED, today=TODAY
    )
    then_events(
        events,
        [
            PoliceActivityCorrected(
                station_code=STATION, day=DAY, calls_for_service=18, criminal_cases=1, public_security_cases=2
            )
        ],
    )
    corrected = given(police_activity.evolve, RECORDED, *events)
    assert (corrected.figures, corrected.corrections) == (CORRECTED, 1)
    assert record(corrected, CORRECTED) == []  # re-importing the corrected file changes nothing either


def test_today_may_be_recorded_but_not_tomorrow() -> None:
    assert len(record(None, FIGURES, day=TODAY)) == 1
    then_rule_broken("day_in_the_future", lambda: record(None, FIGURES, day=date(2023, 11, 29)))


def test_one_stream_per_station_day() -> None:
    assert police_activity.stream_id(STATION, DAY) == "policeactivity-GANCHONG-HA-2023-11-20"
