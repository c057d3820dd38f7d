"""School household-registration drives: launch into target schools of the station's area, one record
per school and day within the period, the completion figure, closure."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import RegistrationDriveClosed
from govgrid.catalogue.outreach import RegistrationDriveLaunched
from govgrid.catalogue.outreach import RegistrationDriveTargetsAdded
from govgrid.catalogue.outreach import SchoolVisitCorrected
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.outreach.domain import drives
from services.outreach.domain.drives import Drive
from services.outreach.domain.drives import Launch
from services.outreach.domain.drives import SchoolVisit
from services.outreach.domain.schools import School
from services.outreach.tests.unit.scenario import DRIVE
from services.outreach.tests.unit.scenario import FAR_SCHOOL
from services.outreach.tests.unit.scenario import FAR_SCHOOL_REGISTERED
from services.outreach.tests.unit.scenario import LAUNCHED_ON
from services.outreach.tests.unit.scenario import OTHER_SCHOOL
from services.outreach.tests.unit.scenario import OTHER_SCHOOL_REGISTERED
from services.outreach.tests.unit.scenario import PERIOD_END
from services.outreach.tests.unit.scenario import PERIOD_START
from services.outreach.tests.unit.scenario import SCHOOL
from services.outreach.tests.unit.scenario import STATION
from services.outreach.tests.unit.scenario import TODAY
from services.outreach.tests.unit.scenario import VILLAGE
from services.outreach.tests.unit.scenario import drive
from services.outreach.tests.unit.scenario import drive_closed
from services.outreach.tests.unit.scenario import launched
from services.outreach.tests.unit.scenario import school
from services.outreach.tests.unit.scenario import visited

SCHOOLS: dict[str, School | None] = {
    SCHOOL: school(),
    OTHER_SCHOOL: school(OTHER_SCHOOL_REGISTERED),
    FAR_SCHOOL: school(FAR_SCHOOL_REGISTERED),
}
STATION_AREA = frozenset({VILLAGE})  # 东风派出所 covers 东风社区, not 松林村
ADDED_ON = date(2023, 9, 15)


def launch(
    targets: tuple[str, ...] = (SCHOOL, OTHER_SCHOOL),
    period_start: date = PERIOD_START,
    period_end: date = PERIOD_END,
    covered: frozenset[str] = STATION_AREA,
) -> list[DomainEvent]:
    command = Launch(
        DRIVE, STATION, "2023年秋季户籍窗口进校园", period_start, period_end, targets, LAUNCHED_ON
    )
    return drives.launch(command, schools=SCHOOLS, covered_villages=covered, today=TODAY)


def record(
    state: Drive,
    visited_on: date = date(2023, 9, 5),
    school_code: str = SCHOOL,
    students: int = 120,
    id_cards: int = 80,
    household_changes: int = 15,
) -> list[DomainEvent]:
    return drives.record_visit(
        state, SchoolVisit(school_code, visited_on, students, id_cards, household_changes), today=TODAY
    )


# ---------------------------------------------------------------- launch


def test_a_station_launches_a_drive_into_two_schools_of_its_area() -> None:
    then_events(launch(), [launched()])


def test_a_new_drive_has_served_nothing_yet() -> None:
    state = drive()
    assert (state.target_schools_served, state.completion, state.students_processed) == ((), 0.0, 0)
    assert state.is_open


@pytest.mark.parametrize("period_end", [PERIOD_START - timedelta(days=1), date(2023, 1, 1)], ids=str)
def test_the_period_must_not_end_before_it_starts(period_end: date) -> None:
    then_rule_broken("dates_incoherent", lambda: launch(period_end=period_end))


def test_a_one_day_drive_is_coherent() -> None:
    (event,) = launch(period_end=PERIOD_START)
    assert isinstance(event, RegistrationDriveLaunched) and event.period_end == PERIOD_START


def test_no_drive_into_a_school_not_registered() -> None:
    then_rule_broken("unknown_school", lambda: launch(targets=(SCHOOL, "4646000000")))


def test_no_drive_into_a_school_outside_the_station_area() -> None:
    error = then_rule_broken("school_outside_station_area", lambda: launch(targets=(SCHOOL, FAR_SCHOOL)))
    assert FAR_SCHOOL in error.message


def test_a_station_covering_no_village_on_the_first_day_cannot_launch() -> None:
    then_rule_broken("school_outside_station_area", lambda: launch(covered=frozenset()))


# ---------------------------------------------------------------- visits and the completion figure


def test_record_a_day_at_a_school() -> None:
    then_events(record(drive()), [visited()])


def test_completion_is_distinct_target_schools_served_over_targets() -> None:
    once = drive(visited())
    assert (once.target_schools_served, once.completion) == ((SCHOOL,), 0.5)
    twice = drive(visited(), visited(date(2023, 9, 6)))
    assert twice.completion == 0.5  # the same school again does not count twice
    both = drive(visited(), visited(date(2023, 9, 6)), visited(date(2023, 9, 7), OTHER_SCHOOL, 50, 50, 0))
    assert (both.target_schools_served, both.completion) == ((SCHOOL, OTHER_SCHOOL), 1.0)
    assert (both.students_processed, both.id_cards, both.household_changes) == (290, 210, 30)
    assert both.visits[-1] == SchoolVisit(OTHER_SCHOOL, date(2023, 9, 7), 50, 50, 0)


def test_only_a_target_school_is_visited() -> None:
    then_rule_broken("school_not_targeted", lambda: record(drive(), school_code=FAR_SCHOOL))


@pytest.mark.parametrize("visited_on", [PERIOD_START, PERIOD_END], ids=str)
def test_the_period_includes_its_first_and_last_day(visited_on: date) -> None:
    then_events(record(drive(), visited_on), [visited(visited_on)])


@pytest.mark.parametrize(
    "visited_on", [PERIOD_START - timedelta(days=1), PERIOD_END + timedelta(days=1)], ids=str
)
def test_no_visit_outside_the_period(visited_on: date) -> None:
    then_rule_broken("visit_outside_drive_period", lambda: record(drive(), visited_on))


def test_no_visit_recorded_before_it_happened() -> None:
    current = drive()
    state = Drive(
        DRIVE,
        STATION,
        current.title,
        PERIOD_START,
        date(2024, 12, 31),
        current.target_school_codes,
        LAUNCHED_ON,
    )
    then_rule_broken("date_in_future", lambda: record(state, TODAY + timedelta(days=1)))
    then_events(record(state, TODAY), [visited(TODAY)])


def test_one_record_per_school_and_day() -> None:
    state = drive(visited())
    then_rule_broken("school_visit_already_recorded", lambda: record(state))
    then_events(record(state, school_code=OTHER_SCHOOL), [visited(school_code=OTHER_SCHOOL)])


@pytest.mark.parametrize(
    ("id_cards", "household_changes"), [(121, 0), (0, 121), (500, 500)], ids=["id-cards", "household", "both"]
)
def test_documents_are_processed_for_students(id_cards: int, household_changes: int) -> None:
    then_rule_broken(
        "documents_exceed_students",
        lambda: record(drive(), students=120, id_cards=id_cards, household_changes=household_changes),
    )


@pytest.mark.parametrize(
    ("students", "id_cards", "household_changes"),
    [(120, 120, 120), (0, 0, 0)],
    ids=["each-one", "nobody-came"],
)
def test_figures_up_to_the_students_processed(students: int, id_cards: int, household_changes: int) -> None:
    (event,) = record(drive(), students=students, id_cards=id_cards, household_changes=household_changes)
    assert isinstance(event, SchoolVisitRecorded)
    assert (event.students_processed, event.id_cards, event.household_changes) == (
        students,
        id_cards,
        household_changes,
    )


# ---------------------------------------------------------------- corrections


def correct(
    state: Drive, students: int = 125, id_cards: int = 80, household_changes: int = 15
) -> list[DomainEvent]:
    return drives.correct_visit(
        state, SchoolVisit(SCHOOL, date(2023, 9, 5), students, id_cards, household_changes)
    )


def test_a_recorded_day_is_corrected_with_its_complete_figures() -> None:
    state = drive(visited(), visited(date(2023, 9, 6)))
    events = correct(state)
    then_events(
        events,
        [
            SchoolVisitCorrected(
                drive_id=DRIVE,
                school_code=SCHOOL,
                visited_on=date(2023, 9, 5),
                students_processed=125,
                id_cards=80,
                household_changes=15,
            )
        ],
    )
    after = drives.evolve(state, events[0])
    assert after.visits[0] == SchoolVisit(SCHOOL, date(2023, 9, 5), 125, 80, 15)
    assert after.visits[1] == state.visits[1]
    assert (after.students_processed, after.completion) == (245, 0.5)


def test_the_same_figures_again_change_nothing() -> None:
    assert correct(drive(visited()), students=120) == []


def test_only_a_recorded_day_is_corrected() -> None:
    then_rule_broken("school_visit_not_recorded", lambda: correct(drive(visited(date(2023, 9, 6)))))


def test_a_correction_follows_the_figures_rule_and_the_closure() -> None:
    then_rule_broken("documents_exceed_students", lambda: correct(drive(visited()), students=10))
    then_rule_broken("drive_closed", lambda: correct(drive(visited(), drive_closed())))


# ---------------------------------------------------------------- targets added


def test_add_a_target_school_lowers_the_completion_figure() -> None:
    new_school = OTHER_SCHOOL_REGISTERED.model_copy(
        update={"school_code": "4646001203", "name_zh": "东风幼儿园"}
    )
    known = {**SCHOOLS, "4646001203": school(new_school)}
    state = drive(visited())
    events = drives.add_targets(
        state,
        ("4646001203", SCHOOL),
        schools=known,
        covered_villages=STATION_AREA,
        added_on=ADDED_ON,
        today=TODAY,
    )
    then_events(
        events,
        [RegistrationDriveTargetsAdded(drive_id=DRIVE, school_codes=("4646001203",), added_on=ADDED_ON)],
    )
    after = drives.evolve(state, events[0])
    assert after.target_school_codes == (SCHOOL, OTHER_SCHOOL, "4646001203")
    assert after.completion == round(1 / 3, 4)


def test_adding_schools_already_targeted_changes_nothing() -> None:
    assert (
        drives.add_targets(
            drive(), (SCHOOL,), schools=SCHOOLS, covered_villages=STATION_AREA, added_on=ADDED_ON, today=TODAY
        )
        == []
    )


@pytest.mark.parametrize(
    ("code", "rule"), [("4646000000", "unknown_school"), (FAR_SCHOOL, "school_outside_station_area")]
)
def test_added_targets_follow_the_launch_rules(code: str, rule: str) -> None:
    then_rule_broken(
        rule,
        lambda: drives.add_targets(
            drive(), (code,), schools=SCHOOLS, covered_villages=STATION_AREA, added_on=ADDED_ON, today=TODAY
        ),
    )


@pytest.mark.parametrize(
    ("added_on", "rule"),
    [(LAUNCHED_ON - timedelta(days=1), "dates_incoherent"), (TODAY + timedelta(days=1), "date_in_future")],
)
def test_targets_are_added_after_the_launch_and_not_in_the_future(added_on: date, rule: str) -> None:
    then_rule_broken(
        rule,
        lambda: drives.add_targets(
            drive(),
            (OTHER_SCHOOL,),
            schools=SCHOOLS,
            covered_villages=STATION_AREA,
            added_on=added_on,
            today=TODAY,
        ),
    )


def test_a_drive_is_not_launched_in_the_future() -> None:
    command = Launch(DRIVE, STATION, "秋季", PERIOD_START, PERIOD_END, (SCHOOL,), TODAY + timedelta(days=1))
    then_rule_broken(
        "date_in_future",
        lambda: drives.launch(command, schools=SCHOOLS, covered_villages=STATION_AREA, today=TODAY),
    )


# ---------------------------------------------------------------- closure


def test_close_with_the_completion_figure() -> None:
    state = drive(visited())
    then_events(
        drives.close(state, closed_on=PERIOD_END, today=TODAY),
        [
            RegistrationDriveClosed(
                drive_id=DRIVE, closed_on=PERIOD_END, target_schools=2, target_schools_served=1
            )
        ],
    )


def test_a_drive_may_close_early_but_not_before_it_starts_or_its_last_visit() -> None:
    state = drive(visited(date(2023, 9, 20)))
    then_events(
        drives.close(state, closed_on=date(2023, 9, 20), today=TODAY), [drive_closed(date(2023, 9, 20))]
    )
    then_rule_broken(
        "dates_incoherent", lambda: drives.close(state, closed_on=date(2023, 9, 19), today=TODAY)
    )
    then_rule_broken(
        "dates_incoherent",
        lambda: drives.close(drive(), closed_on=PERIOD_START - timedelta(days=1), today=TODAY),
    )


def test_no_closure_before_the_day_it_happens() -> None:
    then_rule_broken(
        "date_in_future", lambda: drives.close(drive(), closed_on=PERIOD_END, today=date(2023, 10, 1))
    )


def test_nothing_changes_after_closure() -> None:
    closed = drive(visited(), drive_closed())
    assert not closed.is_open and closed.closed_on == PERIOD_END
    then_rule_broken("drive_closed", lambda: record(closed, school_code=OTHER_SCHOOL))
    then_rule_broken(
        "drive_closed",
        lambda: drives.add_targets(
            closed, (SCHOOL,), schools=SCHOOLS, covered_villages=STATION_AREA, added_on=ADDED_ON, today=TODAY
        ),
    )
    then_rule_broken("drive_closed", lambda: drives.close(closed, closed_on=PERIOD_END, today=TODAY))
