"""Patrols: scheduled -> started -> checkpoints and observations -> completed or aborted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import ObservationCategory
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolCompleted
from govgrid.catalogue.patrols import PatrolObservationRecorded
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.china_time import china_day
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.patrols.domain import patrols
from services.patrols.domain import teams
from services.patrols.domain.patrols import Checkpoint
from services.patrols.domain.patrols import Observation
from services.patrols.domain.patrols import Patrol
from services.patrols.domain.patrols import PatrolStatus
from services.patrols.domain.rules import Place
from services.patrols.tests.unit.scenario import FISHERMAN
from services.patrols.tests.unit.scenario import GRID
from services.patrols.tests.unit.scenario import IN_COVERAGE
from services.patrols.tests.unit.scenario import OFFICER
from services.patrols.tests.unit.scenario import OTHER_STATIONS_GRID
from services.patrols.tests.unit.scenario import PATROL
from services.patrols.tests.unit.scenario import PATROL_SCHEDULED
from services.patrols.tests.unit.scenario import SANITATION_WORKER
from services.patrols.tests.unit.scenario import STARTED_AT
from services.patrols.tests.unit.scenario import STATION
from services.patrols.tests.unit.scenario import UNCOVERED_GRID
from services.patrols.tests.unit.scenario import at
from services.patrols.tests.unit.scenario import full_team
from services.patrols.tests.unit.scenario import joined
from services.patrols.tests.unit.scenario import left
from services.patrols.tests.unit.scenario import patrol
from services.patrols.tests.unit.scenario import started
from services.patrols.tests.unit.scenario import team
from services.patrols.tests.unit.scenario import visited

HAZARD = ObservationCategory.SAFETY_HAZARD

# ---------------------------------------------------------------- schedule


def test_schedule_a_patrol_of_the_team_s_station() -> None:
    then_events(
        patrols.schedule(full_team(), patrol_id=PATROL, planned_start=STARTED_AT, planned_end=at(20, 21)),
        [PATROL_SCHEDULED],
    )
    assert patrol().status is PatrolStatus.SCHEDULED and patrol().station_code == STATION


def test_a_disbanded_team_patrols_no_more() -> None:
    disbanded = full_team(*teams.disband(full_team(), disbanded_on=date(2023, 10, 31)))
    then_rule_broken(
        "team_disbanded",
        lambda: patrols.schedule(
            disbanded, patrol_id=PATROL, planned_start=STARTED_AT, planned_end=at(20, 21)
        ),
    )


# ---------------------------------------------------------------- start: who takes part


def test_start_with_members_of_the_team_records_them_as_they_were_that_day() -> None:
    events = patrols.start(
        patrol(), full_team(), started_at=STARTED_AT, participant_ids=["P-TANGWJ", "GC-V01", "GC-V02"]
    )
    then_events(
        events,
        [
            PatrolStarted(
                patrol_id=PATROL, started_at=STARTED_AT, participants=[OFFICER, FISHERMAN, SANITATION_WORKER]
            )
        ],
    )
    state = patrol(*events)
    assert (state.status, state.started_at, state.participants) == (
        PatrolStatus.STARTED,
        STARTED_AT,
        (OFFICER, FISHERMAN, SANITATION_WORKER),
    )


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(team(joined(OFFICER)), id="never-a-member"),
        pytest.param(full_team(left(FISHERMAN, date(2023, 11, 19))), id="left-the-day-before"),
        pytest.param(team(joined(OFFICER), joined(FISHERMAN, date(2023, 11, 21))), id="joins-the-day-after"),
    ],
)
def test_only_members_of_the_team_that_day_take_part(history: teams.PatrolTeam) -> None:
    error = then_rule_broken(
        "not_a_team_member",
        lambda: patrols.start(
            patrol(), history, started_at=STARTED_AT, participant_ids=["P-TANGWJ", "GC-V01"]
        ),
    )
    assert "GC-V01" in error.message


def test_a_member_takes_part_on_the_day_they_leave() -> None:
    history = full_team(left(FISHERMAN, date(2023, 11, 20)))
    then_events(
        patrols.start(patrol(), history, started_at=STARTED_AT, participant_ids=["GC-V01"]),
        [started(STARTED_AT, FISHERMAN)],
    )


def test_the_day_of_a_start_is_the_day_in_china() -> None:
    # 17:00 UTC on the 20th is 01:00 on the 21st in Danzhou: the volunteer had left by then.
    late = datetime(2023, 11, 20, 17, 0, tzinfo=UTC)
    assert china_day(late) == date(2023, 11, 21)
    history = full_team(left(FISHERMAN, date(2023, 11, 20)))
    then_rule_broken(
        "not_a_team_member",
        lambda: patrols.start(patrol(), history, started_at=late, participant_ids=["GC-V01"]),
    )


def test_a_patrol_starts_once() -> None:
    then_rule_broken(
        "patrol_already_started",
        lambda: patrols.start(
            patrol(started()), full_team(), started_at=at(20, 20), participant_ids=["GC-V01"]
        ),
    )


# ---------------------------------------------------------------- checkpoints


def test_visit_a_checkpoint_in_the_station_s_coverage() -> None:
    events = patrols.visit_checkpoint(
        patrol(started()), IN_COVERAGE, visited_at=at(20, 19, 30), latitude=19.74, longitude=109.18
    )
    then_events(
        events,
        [
            CheckpointVisited(
                patrol_id=PATROL, grid_code=GRID, visited_at=at(20, 19, 30), latitude=19.74, longitude=109.18
            )
        ],
    )
    assert patrol(started(), *events).checkpoints == (Checkpoint(GRID, at(20, 19, 30), 19.74, 109.18),)


def test_no_checkpoint_before_the_start() -> None:
    then_rule_broken(
        "patrol_not_started", lambda: patrols.visit_checkpoint(patrol(), IN_COVERAGE, visited_at=at(20, 19))
    )


@pytest.mark.parametrize("grid", [OTHER_STATIONS_GRID, UNCOVERED_GRID], ids=["other-station", "uncovered"])
def test_no_checkpoint_in_a_grid_outside_the_station_s_coverage(grid: Place) -> None:
    error = then_rule_broken(
        "outside_station_coverage",
        lambda: patrols.visit_checkpoint(patrol(started()), grid, visited_at=at(20, 19, 30)),
    )
    assert grid.code in error.message and STATION in error.message


@pytest.mark.parametrize(
    ("history", "visited_at"),
    [
        pytest.param((started(),), at(20, 18, 59), id="before-the-start"),
        pytest.param((started(), visited(at(20, 19, 40))), at(20, 19, 39), id="before-the-last-checkpoint"),
    ],
)
def test_checkpoint_times_never_go_backwards(history: tuple[DomainEvent, ...], visited_at: datetime) -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: patrols.visit_checkpoint(patrol(*history), IN_COVERAGE, visited_at=visited_at),
    )


def test_two_checkpoints_at_the_same_minute_are_in_order() -> None:
    then_events(
        patrols.visit_checkpoint(
            patrol(started(), visited(at(20, 19, 40))), IN_COVERAGE, visited_at=at(20, 19, 40)
        ),
        [visited(at(20, 19, 40))],
    )


# ---------------------------------------------------------------- observations


def test_record_an_observation_where_it_was_seen() -> None:
    events = patrols.record_observation(
        patrol(started()), IN_COVERAGE, category=HAZARD, note="渔港路灯损坏", observed_at=at(20, 19, 45)
    )
    then_events(
        events,
        [
            PatrolObservationRecorded(
                patrol_id=PATROL,
                category=HAZARD,
                note="渔港路灯损坏",
                observed_at=at(20, 19, 45),
                grid_code=GRID,
            )
        ],
    )
    assert patrol(started(), *events).observations == (
        Observation(HAZARD, "渔港路灯损坏", at(20, 19, 45), GRID),
    )


def test_an_observation_without_a_place() -> None:
    then_events(
        patrols.record_observation(
            patrol(started()),
            None,
            category=ObservationCategory.DISPUTE_SPOTTED,
            note="两户因宅基地争吵",
            observed_at=at(20, 20),
        ),
        [
            PatrolObservationRecorded(
                patrol_id=PATROL,
                category=ObservationCategory.DISPUTE_SPOTTED,
                note="两户因宅基地争吵",
                observed_at=at(20, 20),
            )
        ],
    )


def test_no_observation_before_the_start() -> None:
    then_rule_broken(
        "patrol_not_started",
        lambda: patrols.record_observation(patrol(), None, category=HAZARD, note="x", observed_at=at(20, 19)),
    )


def test_no_observation_in_a_grid_outside_the_station_s_coverage() -> None:
    then_rule_broken(
        "outside_station_coverage",
        lambda: patrols.record_observation(
            patrol(started()), OTHER_STATIONS_GRID, category=HAZARD, note="x", observed_at=at(20, 19, 30)
        ),
    )


def test_observation_times_never_go_backwards() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: patrols.record_observation(
            patrol(started(), visited(at(20, 19, 40))),
            None,
            category=ObservationCategory.SUSPICIOUS_ACTIVITY,
            note="x",
            observed_at=at(20, 19, 35),
        ),
    )


# ---------------------------------------------------------------- complete


def test_complete_with_the_duration_since_the_start_and_the_distance() -> None:
    events = patrols.complete(
        patrol(started(), visited(at(20, 19, 40))), completed_at=at(20, 21, 15), distance_km=6.5
    )
    then_events(
        events,
        [
            PatrolCompleted(
                patrol_id=PATROL, completed_at=at(20, 21, 15), duration_minutes=135, distance_km=6.5
            )
        ],
    )
    done = patrol(started(), visited(at(20, 19, 40)), *events)
    assert (done.status, done.duration_minutes, done.distance_km) == (PatrolStatus.COMPLETED, 135, 6.5)


def test_a_patrol_past_midnight_lasts_past_midnight() -> None:
    then_events(
        patrols.complete(patrol(started(at(20, 23))), completed_at=at(21, 1, 30), distance_km=4),
        [PatrolCompleted(patrol_id=PATROL, completed_at=at(21, 1, 30), duration_minutes=150, distance_km=4)],
    )


def test_no_completion_before_the_start() -> None:
    then_rule_broken(
        "patrol_not_started", lambda: patrols.complete(patrol(), completed_at=at(20, 21), distance_km=3)
    )


def test_no_completion_before_the_last_checkpoint() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: patrols.complete(
            patrol(started(), visited(at(20, 20, 30))), completed_at=at(20, 20), distance_km=3
        ),
    )


# ---------------------------------------------------------------- abort


def test_call_off_a_scheduled_patrol() -> None:
    events = patrols.abort(patrol(), aborted_at=at(20, 17), reason="台风预警")
    then_events(events, [PatrolAborted(patrol_id=PATROL, aborted_at=at(20, 17), reason="台风预警")])
    assert patrol(*events).status is PatrolStatus.ABORTED


def test_break_off_a_started_patrol() -> None:
    then_events(
        patrols.abort(patrol(started(), visited(at(20, 19, 30))), aborted_at=at(20, 19, 50), reason="暴雨"),
        [PatrolAborted(patrol_id=PATROL, aborted_at=at(20, 19, 50), reason="暴雨")],
    )


def test_no_abort_before_the_last_record() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: patrols.abort(
            patrol(started(), visited(at(20, 19, 30))), aborted_at=at(20, 19, 10), reason="x"
        ),
    )


# ---------------------------------------------------------------- nothing changes after the end

COMPLETED = (
    started(),
    PatrolCompleted(patrol_id=PATROL, completed_at=at(20, 21), duration_minutes=120, distance_km=5),
)
ABORTED = (started(), PatrolAborted(patrol_id=PATROL, aborted_at=at(20, 20), reason="暴雨"))

LATER = at(20, 22)
DECISIONS: dict[str, Callable[[Patrol], object]] = {
    "start": lambda p: patrols.start(p, full_team(), started_at=LATER, participant_ids=["GC-V01"]),
    "checkpoint": lambda p: patrols.visit_checkpoint(p, IN_COVERAGE, visited_at=LATER),
    "observation": lambda p: patrols.record_observation(
        p, None, category=HAZARD, note="x", observed_at=LATER
    ),
    "complete": lambda p: patrols.complete(p, completed_at=LATER, distance_km=1),
    "abort": lambda p: patrols.abort(p, aborted_at=LATER, reason="x"),
}


@pytest.mark.parametrize("history", [COMPLETED, ABORTED], ids=["completed", "aborted"])
@pytest.mark.parametrize("decision", DECISIONS.values(), ids=DECISIONS.keys())
def test_nothing_changes_after_completion_or_abort(
    history: tuple[DomainEvent, ...], decision: Callable[[Patrol], object]
) -> None:
    finished = patrol(*history)
    then_rule_broken("patrol_finished", lambda: decision(finished))
