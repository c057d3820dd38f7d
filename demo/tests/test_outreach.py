"""The outreach plan: the published school figures inside the demo's year, every date in the year and
in order as the service's rules want it, no personal data, a modest number of commands."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from demo import danzhou
from demo import outreach
from demo import published
from demo.outreach import DrivePlan
from demo.outreach import EnterpriseVisitPlan

pytestmark = pytest.mark.unit

CITY = danzhou.build()
# Today's year, a year ending in a leap February, one ending on a Sunday.
YEARS = [
    danzhou.DemoYear(date(2026, 11, 29)),
    danzhou.DemoYear(date(2024, 3, 1)),
    danzhou.DemoYear(date(2025, 6, 15)),
]


def in_year(day: date, year: danzhou.DemoYear) -> bool:
    return year.first <= day <= year.last


def all_visits(year: danzhou.DemoYear) -> list[EnterpriseVisitPlan]:
    cases = outreach.case_plans(CITY, year)
    return outreach.enterprise_visit_plans(CITY, year) + [c.follow_up_visit for c in cases]


def served_schools(drives: list[DrivePlan], year: danzhou.DemoYear) -> set[str]:
    """As the read API counts them: targets of a drive with a school day of that drive in the range."""
    return {
        d.school_code
        for drive in drives
        for d in drive.school_days
        if d.school_code in drive.target_school_codes and in_year(d.visited_on, year)
    }


def test_more_schools_are_registered_than_served_each_once_in_a_village_or_community() -> None:
    rows = outreach.school_rows(CITY)
    villages = {v.code for v in CITY.villages}
    assert len(rows) > published.SCHOOLS_SERVED
    assert len({r["school_code"] for r in rows}) == len(rows)
    assert len({r["name_zh"] for r in rows}) == len(rows)
    assert all(r["village_code"] in villages for r in rows)


@pytest.mark.parametrize("year", YEARS)
def test_exactly_the_published_schools_are_served_inside_the_year(year: danzhou.DemoYear) -> None:
    assert len(served_schools(outreach.drive_plans(CITY, year), year)) == published.SCHOOLS_SERVED


@pytest.mark.parametrize("year", YEARS)
def test_students_processed_reach_the_published_figure(year: danzhou.DemoYear) -> None:
    days = [d for drive in outreach.drive_plans(CITY, year) for d in drive.school_days]
    assert sum(d.students_processed for d in days) == outreach.STUDENTS_PROCESSED
    assert outreach.STUDENTS_PROCESSED >= published.STUDENTS_PROCESSED_AT_LEAST


def test_some_schools_are_served_more_than_once_and_some_targets_are_not_reached() -> None:
    drives = outreach.drive_plans(CITY, YEARS[0])
    days_per_school: dict[str, int] = {}
    for d in (d for drive in drives for d in drive.school_days):
        days_per_school[d.school_code] = days_per_school.get(d.school_code, 0) + 1
    targeted = {code for drive in drives for code in drive.target_school_codes}
    assert sum(n > 1 for n in days_per_school.values()) >= 50
    assert len(targeted) > published.SCHOOLS_SERVED


@pytest.mark.parametrize("year", YEARS)
def test_school_days_fall_inside_their_drive_and_the_year(year: danzhou.DemoYear) -> None:
    for drive in outreach.drive_plans(CITY, year):
        assert in_year(drive.period_start, year) and in_year(drive.period_end, year)
        assert drive.period_start <= drive.period_end
        assert in_year(drive.launched_on, year) and drive.launched_on < drive.period_start
        days = [(d.school_code, d.visited_on) for d in drive.school_days]
        assert len(set(days)) == len(days), "one record per school and day"
        for d in drive.school_days:
            assert drive.period_start <= d.visited_on <= drive.period_end
            assert in_year(d.visited_on, year)
            assert d.visited_on.weekday() < 5, "schools are visited on school days"
            assert d.school_code in drive.target_school_codes
            assert 0 < d.students_processed <= 100_000
            assert 0 <= d.household_changes <= d.students_processed
            assert 0 <= d.id_cards <= d.students_processed


def test_targets_lie_in_the_villages_of_the_drive_s_station() -> None:
    village_of = {s.school_code: s.village_code for s in outreach.school_plans(CITY)}
    for drive in outreach.drive_plans(CITY, YEARS[0]):
        covered = {v.code for v in CITY.villages_of(drive.station_code)}
        assert drive.target_school_codes
        assert len(set(drive.target_school_codes)) == len(drive.target_school_codes)
        assert {village_of[code] for code in drive.target_school_codes} <= covered


@pytest.mark.parametrize("year", YEARS)
def test_drives_close_when_their_period_ends_and_the_year_s_last_ones_stay_open(
    year: danzhou.DemoYear,
) -> None:
    drives = outreach.drive_plans(CITY, year)
    assert {d.station_code for d in drives} == {s.code for s in CITY.stations}
    for drive in drives:
        if drive.period_end < year.last:
            assert drive.closed_on is not None
            assert drive.period_end <= drive.closed_on <= year.last
            assert all(d.visited_on <= drive.closed_on for d in drive.school_days)
        else:
            assert drive.closed_on is None
    assert 0 < sum(d.closed_on is None for d in drives) <= 5


def test_enterprises_are_about_a_hundred_in_villages_of_their_station() -> None:
    enterprises = outreach.enterprise_plans(CITY)
    station_of = {v.code: v.station_code for v in CITY.villages}
    assert 95 <= len(enterprises) <= 105
    assert len({e.enterprise_code for e in enterprises}) == len(enterprises)
    assert all(len(e.enterprise_code) == 18 for e in enterprises)
    assert all(station_of[e.village_code] == e.station_code for e in enterprises)
    assert {e.sector for e in enterprises} == set(outreach.SECTORS)


@pytest.mark.parametrize("year", YEARS)
def test_officers_of_the_covering_station_visit_inside_the_year_for_every_kind(
    year: danzhou.DemoYear,
) -> None:
    station_of = {e.enterprise_code: e.station_code for e in outreach.enterprise_plans(CITY)}
    officers_at = {o.person_id: o.station_code for o in CITY.officers}
    visits = all_visits(year)
    assert {v.kind for v in visits} == {
        "safety_inspection",
        "anti_terror_drill",
        "case_follow_up",
        "service_visit",
    }
    assert len({v.step for v in visits}) == len(visits)
    for visit in visits:
        assert officers_at[visit.officer_person_id] == station_of[visit.enterprise_code]
        assert in_year(visit.visited_on, year)
        assert visit.findings


@pytest.mark.parametrize("year", YEARS)
def test_follow_ups_are_due_after_their_visit_most_done_a_few_overdue(year: danzhou.DemoYear) -> None:
    follow_ups = []
    for visit in all_visits(year):
        assert len(visit.follow_ups) <= 2
        for f in visit.follow_ups:
            assert visit.visited_on < f.due_on <= year.last
            if f.completed_on is not None:
                assert visit.visited_on <= f.completed_on <= year.last
            follow_ups.append(f)
    overdue = [f for f in follow_ups if f.completed_on is None]
    late = [f for f in follow_ups if f.completed_on is not None and f.completed_on > f.due_on]
    assert len(follow_ups) >= 150
    assert 1 <= len(overdue) <= 0.1 * len(follow_ups)
    assert late


@pytest.mark.parametrize("year", YEARS)
def test_cases_are_handled_in_days_to_weeks_and_a_couple_stay_open(year: danzhou.DemoYear) -> None:
    cases = outreach.case_plans(CITY, year)
    enterprises = {e.enterprise_code for e in outreach.enterprise_plans(CITY)}
    for case in cases:
        assert case.enterprise_code in enterprises
        assert in_year(case.opened_on, year)
        assert case.category in outreach.CASES
        follow_up = case.follow_up_visit
        assert follow_up.kind == "case_follow_up" and follow_up.enterprise_code == case.enterprise_code
        assert case.opened_on <= follow_up.visited_on
        if case.handled_on is not None:
            assert 2 <= (case.handled_on - case.opened_on).days <= 35
            assert case.handled_on <= year.last
            assert case.outcome in {"solved", "settled", "transferred", "no_offence"}
        else:
            assert case.outcome is None
    assert sum(c.handled_on is None for c in cases) == 2


@pytest.mark.parametrize("year", YEARS)
def test_referrals_name_no_one_and_are_answered_after_they_are_made(year: danzhou.DemoYear) -> None:
    referrals = outreach.referral_plans(CITY, year)
    opaque = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{3,39}$")
    assert len({r.person_ref for r in referrals}) == len(referrals)
    for r in referrals:
        assert opaque.match(r.person_ref) and not re.search(r"\d{11,}", r.person_ref)
        assert in_year(r.referred_on, year)
        if r.outcome is None:
            assert r.decided_on is None
        else:
            assert r.decided_on is not None and r.referred_on <= r.decided_on <= year.last
        assert (r.not_hired_reason is not None) == (r.outcome == "not_hired")
    outcomes = [r.outcome for r in referrals]
    assert outcomes.count("hired") > outcomes.count("not_hired") > outcomes.count(None) > 0


@pytest.mark.parametrize("year", YEARS)
def test_nothing_is_dated_after_the_year(year: danzhou.DemoYear) -> None:
    drives = outreach.drive_plans(CITY, year)
    acts = (
        [d.visited_on for drive in drives for d in drive.school_days]
        + [c for drive in drives if (c := drive.closed_on) is not None]
        + [v.visited_on for v in all_visits(year)]
        + [c.handled_on for c in outreach.case_plans(CITY, year) if c.handled_on is not None]
        + [r.decided_on for r in outreach.referral_plans(CITY, year) if r.decided_on is not None]
    )
    assert all(in_year(day, year) for day in acts)


@pytest.mark.parametrize("year", YEARS)
def test_the_load_stays_modest(year: danzhou.DemoYear) -> None:
    assert 1_000 <= outreach.command_count(CITY, year) <= 1_500


def test_the_plan_is_the_same_every_run_whatever_the_global_random_state() -> None:
    year = YEARS[0]
    random.seed(1)
    drives, visits, referrals = (
        outreach.drive_plans(CITY, year),
        all_visits(year),
        outreach.referral_plans(CITY, year),
    )
    random.seed(2)
    assert outreach.drive_plans(CITY, year) == drives
    assert all_visits(year) == visits
    assert outreach.referral_plans(CITY, year) == referrals
