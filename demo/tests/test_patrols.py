"""The patrols plan keeps the service's rules (replayed through its own domain), stays inside the demo's
year, and gives 干冲海岸派出所's published figures through the read side's own arithmetic."""

from __future__ import annotations

from collections import Counter
from datetime import date
from datetime import timedelta
from typing import Any

import pytest

from demo import published
from demo.danzhou import DemoYear
from demo.danzhou import build
from demo.patrols import CALLED_OFF
from demo.patrols import GANCHONG
from demo.patrols import MEASURES
from demo.patrols import ClearancePlan
from demo.patrols import PatrolPlan
from demo.patrols import TeamPlan
from demo.patrols import clearance_commands
from demo.patrols import clearance_plans
from demo.patrols import patrol_commands
from demo.patrols import patrol_plans
from demo.patrols import police_activity_files
from demo.patrols import police_activity_totals
from demo.patrols import team_commands
from demo.patrols import team_plans
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.china_time import china_day
from govgrid.china_time import year_earlier
from govgrid.officers import Officer
from services.patrols.application import commands as c
from services.patrols.domain import clearance
from services.patrols.domain import patrols
from services.patrols.domain import teams
from services.patrols.domain.rules import Place
from services.projections.queries.figures import change_percent

pytestmark = pytest.mark.unit

CITY = build()
YEAR = DemoYear(date(2026, 11, 29))
GANCHONG_CODE = CITY.station(GANCHONG).code
STATION_OF = {v.code: v.station_code for v in CITY.villages}
OFFICERS = {o.person_id: Officer(o.person_id, o.station_code, True) for o in CITY.officers}
# Years whose comparison meets 29 February: in the demo's year (2024-03-10, compared with 28 February),
# in the year before (2025-03-10), and between the two (2025-02-28: no row for 2024-02-29).
YEARS = [YEAR, DemoYear(date(2024, 3, 10)), DemoYear(date(2025, 3, 10)), DemoYear(date(2025, 2, 28))]


def place(code: str) -> Place:
    """A grid, village or community with the station covering it, as the service's reference says."""
    return Place(code, STATION_OF[code.split("-")[0]])


def replay_team(plan: TeamPlan) -> teams.PatrolTeam:
    """The team's commands through the service's command models and domain decisions."""
    first, *rest = team_commands(plan)
    formed = c.FormTeam.model_validate(first.body)
    events = teams.form(
        team_id=f"team-{plan.station_code}",
        station_code=formed.station_code,
        name=formed.name,
        formed_on=formed.formed_on,
    )
    team = teams.evolve(None, events[0])
    for command in rest:
        if command.path == "/members":
            join = c.JoinTeam.model_validate(command.body)
            officer = OFFICERS.get(join.member.member_id)
            events = teams.join(team, join.member, joined_on=join.joined_on, officer=officer)
        else:
            member_id = command.path.split("/")[2]
            events = teams.leave(team, member_id, left_on=c.LeaveTeam.model_validate(command.body).left_on)
        for event in events:
            team = teams.evolve(team, event)
    return team


def replay_patrol(plan: PatrolPlan, team: teams.PatrolTeam) -> patrols.Patrol:
    first, *rest = patrol_commands(plan, team.team_id)
    scheduled = c.SchedulePatrol.model_validate(first.body)
    events = patrols.schedule(
        team,
        patrol_id=plan.step,
        planned_start=scheduled.planned_start,
        planned_end=scheduled.planned_end,
        note=scheduled.note,
    )
    patrol = patrols.evolve(None, events[0])
    for command in rest:
        match command.path:
            case "/start":
                start = c.StartPatrol.model_validate(command.body)
                events = patrols.start(
                    patrol, team, started_at=start.started_at, participant_ids=start.participant_ids
                )
            case "/checkpoints":
                visit = c.VisitCheckpoint.model_validate(command.body)
                events = patrols.visit_checkpoint(patrol, place(visit.grid_code), visited_at=visit.visited_at)
            case "/observations":
                seen = c.RecordObservation.model_validate(command.body)
                assert seen.grid_code is not None
                events = patrols.record_observation(
                    patrol,
                    place(seen.grid_code),
                    category=seen.category,
                    note=seen.note,
                    observed_at=seen.observed_at,
                )
            case "/complete":
                done = c.CompletePatrol.model_validate(command.body)
                events = patrols.complete(
                    patrol, completed_at=done.completed_at, distance_km=done.distance_km
                )
            case "/abort":
                aborted = c.AbortPatrol.model_validate(command.body)
                events = patrols.abort(patrol, aborted_at=aborted.aborted_at, reason=aborted.reason)
            case other:
                raise AssertionError(f"unexpected command {other}")
        for event in events:
            patrol = patrols.evolve(patrol, event)
    return patrol


def replay_operation(plan: ClearancePlan) -> clearance.ClearanceOperation:
    first, *rest = clearance_commands(plan)
    planned = c.PlanClearanceOperation.model_validate(first.body)
    events = clearance.plan(
        operation_id=plan.step,
        station_code=planned.station_code,
        focus=planned.focus,
        planned_on=planned.planned_on,
        area=[place(code) for code in planned.area_codes],
    )
    operation = clearance.evolve(None, events[0])
    for command in rest:
        match command.path:
            case "/carry-out":
                done = c.CarryOutClearanceOperation.model_validate(command.body)
                results = clearance.Results(
                    done.places_checked,
                    done.people_checked,
                    done.officers_deployed,
                    done.volunteers_deployed,
                    tuple(done.findings),
                )
                events = clearance.carry_out(operation, carried_out_on=done.carried_out_on, results=results)
            case "/close":
                closed = c.CloseClearanceOperation.model_validate(command.body)
                events = clearance.close(operation, closed_on=closed.closed_on, summary=closed.summary)
            case "/cancel":
                cancelled = c.CancelClearanceOperation.model_validate(command.body)
                events = clearance.cancel(
                    operation, cancelled_on=cancelled.cancelled_on, reason=cancelled.reason
                )
            case other:
                raise AssertionError(f"unexpected command {other}")
        for event in events:
            operation = clearance.evolve(operation, event)
    return operation


def inside(year: DemoYear, day: date) -> bool:
    return year.first <= day <= year.last


# ---------------------------------------------------------------- police activity


def range_totals(rows: list[dict[str, Any]], first: date, last: date) -> dict[str, int]:
    """What the read side sums for a station over first..last."""
    chosen = [row for row in rows if first <= date.fromisoformat(row["day"]) <= last]
    return {m: sum(row[m] for row in chosen) for m in MEASURES}


@pytest.mark.parametrize("year", YEARS, ids=lambda y: y.last.isoformat())
def test_ganchong_police_activity_gives_the_published_changes(year: DemoYear) -> None:
    rows = police_activity_files(CITY, year)[GANCHONG_CODE]
    current = range_totals(rows, year.first, year.last)
    earlier = range_totals(rows, year_earlier(year.first), year_earlier(year.last))
    assert {m: change_percent(current[m], earlier[m]) for m in MEASURES} == published.GANCHONG_CHANGE_PERCENT


@pytest.mark.parametrize("year", YEARS, ids=lambda y: y.last.isoformat())
def test_police_activity_files_hold_each_station_day_once_inside_the_compared_ranges(year: DemoYear) -> None:
    files = police_activity_files(CITY, year)
    totals = police_activity_totals(CITY)
    ranges = [(year_earlier(year.first), year_earlier(year.last)), (year.first, year.last)]
    assert sorted(files) == sorted(s.code for s in CITY.stations)
    for code, rows in files.items():
        parsed = [c.PoliceActivityRow.model_validate(row) for row in rows]  # the import's own row model
        assert len(parsed) <= 10_000
        assert {row.station_code for row in parsed} == {code}
        days = [row.day for row in parsed]
        assert len(set(days)) == len(days), f"{code}: a station-day twice in one file"
        for (first, last), figures in zip(ranges, totals[code], strict=True):
            in_range = sorted(day for day in days if first <= day <= last)
            assert in_range == [first + timedelta(days=n) for n in range((last - first).days + 1)]
            assert range_totals(rows, first, last) == figures
        assert all(any(first <= day <= last for first, last in ranges) for day in days)
        assert max(days) == year.last


def test_other_stations_change_in_both_directions_by_plausible_amounts() -> None:
    changes = [
        change_percent(current[m], earlier[m])
        for code, (earlier, current) in police_activity_totals(CITY).items()
        if code != GANCHONG_CODE
        for m in MEASURES
    ]
    assert all(change is not None and -45 <= change <= 25 for change in changes)
    assert any(change is not None and change < 0 for change in changes)
    assert any(change is not None and change > 0 for change in changes)
    assert len(set(changes)) > len(changes) // 2


# ---------------------------------------------------------------- teams and patrols


def test_every_station_forms_one_team_early_in_the_year_of_its_officers_and_party_member_volunteers() -> None:
    plans = team_plans(CITY, YEAR)
    assert sorted(p.station_code for p in plans) == sorted(s.code for s in CITY.stations)
    for plan in plans:
        team = replay_team(plan)  # the service's rules: officers of the station, joining after forming
        assert YEAR.first <= team.formed_on <= YEAR.day(13)
        volunteers = [m.member for m in team.memberships if isinstance(m.member, VolunteerMember)]
        assert volunteers and all(v.party_member for v in volunteers)
        assert all(inside(YEAR, m.joined_on) for m in team.memberships)
        assert all(m.left_on is None or inside(YEAR, m.left_on) for m in team.memberships)
    ganchong = next(p for p in plans if p.station_code == GANCHONG_CODE)
    affiliations = Counter(v.affiliation for v in ganchong.volunteers)
    assert affiliations.most_common(1)[0][0] == "fisherman"


def test_patrols_keep_the_services_rules_and_stay_inside_the_year() -> None:
    replayed_teams = {plan.station_code: replay_team(plan) for plan in team_plans(CITY, YEAR)}
    for plan in patrol_plans(CITY, YEAR):
        patrol = replay_patrol(plan, replayed_teams[plan.station_code])  # raises on a broken rule
        day = china_day(plan.planned_start)
        assert inside(YEAR, day)
        moments = [plan.planned_start, plan.planned_end, plan.ended_at]
        moments += [patrol.started_at] if patrol.started_at else []
        moments += [checkpoint.visited_at for checkpoint in patrol.checkpoints]
        assert all(china_day(moment) == day for moment in moments)
        assert patrol.status is (
            patrols.PatrolStatus.COMPLETED if plan.abort_reason is None else patrols.PatrolStatus.ABORTED
        )
        assert (patrol.started_at is None) == (plan.abort_reason == CALLED_OFF)


def test_every_station_patrols_all_year_and_ganchong_most() -> None:
    plans = patrol_plans(CITY, YEAR)
    per_station = Counter(plan.station_code for plan in plans)
    assert set(per_station) == {s.code for s in CITY.stations}
    others = [n for code, n in per_station.items() if code != GANCHONG_CODE]
    assert min(others) >= 15  # about every three weeks
    assert per_station[GANCHONG_CODE] >= 2 * max(others)
    for station in CITY.stations:
        days = [china_day(p.planned_start) for p in plans if p.station_code == station.code]
        assert days == sorted(days) and len(set(days)) == len(days)
        assert days[0] <= YEAR.day(40) and days[-1] >= YEAR.day(330)


def test_every_grid_is_visited_over_the_year() -> None:
    visited = {
        record.grid_code
        for plan in patrol_plans(CITY, YEAR)
        for record in plan.route
        if plan.abort_reason is None
    }
    assert visited == {grid for village in CITY.villages for grid in village.grid_codes}


def test_a_few_patrols_are_aborted_some_before_and_some_after_the_start() -> None:
    plans = patrol_plans(CITY, YEAR)
    aborted = [plan for plan in plans if plan.abort_reason is not None]
    assert 0 < len(aborted) <= 0.05 * len(plans)
    assert {plan.started_at is None for plan in aborted} == {True, False}


# ---------------------------------------------------------------- clearance operations


def test_ganchong_carries_out_its_published_clearance_operations_inside_the_year() -> None:
    plans = clearance_plans(CITY, YEAR)
    operations = [replay_operation(plan) for plan in plans]  # raises on a broken rule
    ganchong = [
        o
        for o in operations
        if o.station_code == GANCHONG_CODE and o.carried_out_on is not None and inside(YEAR, o.carried_out_on)
    ]
    assert len(ganchong) == 32 >= published.GANCHONG_CLEARANCE_OPERATIONS_AT_LEAST
    assert all(o.status is clearance.ClearanceStatus.CLOSED for o in ganchong)
    elsewhere = [o for o in operations if o.station_code != GANCHONG_CODE]
    assert 3 <= len(elsewhere) <= 10
    assert [o.status for o in elsewhere].count(clearance.ClearanceStatus.CANCELLED) == 1
    for o in operations:
        dates = [o.planned_on, o.carried_out_on, o.closed_on, o.cancelled_on]
        assert all(inside(YEAR, day) for day in dates if day is not None)


# ---------------------------------------------------------------- the whole plan


def all_commands(year: DemoYear) -> list[str]:
    """Every step name the load sends, one per command."""
    steps = [command.step for plan in team_plans(CITY, year) for command in team_commands(plan)]
    steps += [command.step for plan in patrol_plans(CITY, year) for command in patrol_commands(plan, "team")]
    steps += [command.step for plan in clearance_plans(CITY, year) for command in clearance_commands(plan)]
    return steps + [f"police-activity-{code}" for code in police_activity_files(CITY, year)]


def test_the_load_stays_modest_and_names_every_step_once() -> None:
    steps = all_commands(YEAR)
    assert 3_000 <= len(steps) <= 4_000
    assert len(set(steps)) == len(steps)  # each step is an idempotency key


def test_the_plan_is_the_same_every_time_for_the_same_year() -> None:
    assert patrol_plans(CITY, YEAR) == patrol_plans(CITY, DemoYear(YEAR.last))
    assert clearance_plans(CITY, YEAR) == clearance_plans(CITY, DemoYear(YEAR.last))
    assert police_activity_files(CITY, YEAR) == police_activity_files(CITY, DemoYear(YEAR.last))
