"""Patrols (巡逻): scheduled -> started -> checkpoints visited, observations recorded -> completed
or aborted.

A patrol belongs to a team and so to the team's station. Its participants are team members on the
day it starts; its checkpoints are grids of villages the station covers on the day of the visit.
Every timed record comes at or after the latest one: time never goes backwards within a patrol.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import ObservationCategory
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolCompleted
from govgrid.catalogue.patrols import PatrolObservationRecorded
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.china_time import china_day
from govgrid.envelope import StreamNaming
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.patrols.domain.rules import Member
from services.patrols.domain.rules import MustBeInStationCoverage
from services.patrols.domain.rules import Place
from services.patrols.domain.rules import TimeMustNotGoBackwards
from services.patrols.domain.teams import MustBeAMember
from services.patrols.domain.teams import PatrolTeam
from services.patrols.domain.teams import TeamMustNotBeDisbanded


class PatrolStatus(StrEnum):
    SCHEDULED = "scheduled"
    STARTED = "started"
    COMPLETED = "completed"
    ABORTED = "aborted"


stream_id = StreamNaming("patrol")


@dataclass(frozen=True)
class Checkpoint:
    """A grid a patrol visited, when, and where it was if the patrol says so."""

    grid_code: str
    visited_at: datetime
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Observation:
    """Something a patrol saw, when, and in which grid if it says so."""

    category: ObservationCategory
    note: str
    observed_at: datetime
    grid_code: str | None


@dataclass(frozen=True)
class Patrol:
    """A team's patrol: planned, then its start with the members taking part, its checkpoints and
    observations in time order, and its completion or abort."""

    patrol_id: str
    team_id: str
    station_code: str
    planned_start: datetime
    planned_end: datetime
    note: str
    status: PatrolStatus = PatrolStatus.SCHEDULED
    started_at: datetime | None = None
    participants: tuple[Member, ...] = ()
    checkpoints: tuple[Checkpoint, ...] = ()
    observations: tuple[Observation, ...] = ()
    completed_at: datetime | None = None
    duration_minutes: int | None = None
    distance_km: float | None = None
    aborted_at: datetime | None = None
    abort_reason: str | None = None

    @property
    def is_finished(self) -> bool:
        return self.status in (PatrolStatus.COMPLETED, PatrolStatus.ABORTED)

    @property
    def latest_time(self) -> datetime | None:
        """The latest moment the patrol's records mention; None before it started."""
        moments = [
            *([self.started_at] if self.started_at else []),
            *(c.visited_at for c in self.checkpoints),
            *(o.observed_at for o in self.observations),
        ]
        return max(moments, default=None)


def evolve(state: Patrol | None, event: DomainEvent) -> Patrol:
    match event:
        case PatrolScheduled():
            return Patrol(**dict(event))
        case PatrolStarted() if state is not None:
            return updated_by(state, event, status=PatrolStatus.STARTED)
        case CheckpointVisited() if state is not None:
            return replace(state, checkpoints=(*state.checkpoints, told_by(Checkpoint, event)))
        case PatrolObservationRecorded() if state is not None:
            return replace(state, observations=(*state.observations, told_by(Observation, event)))
        case PatrolCompleted() if state is not None:
            return updated_by(state, event, status=PatrolStatus.COMPLETED)
        case PatrolAborted() if state is not None:
            return updated_by(state, event, status=PatrolStatus.ABORTED, abort_reason=event.reason)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if("patrol_finished", "patrol {patrol.patrol_id} is {patrol.status.value}: nothing changes any more")
def NothingChangesAfterTheEnd(patrol: Patrol) -> bool:
    return patrol.is_finished


@broken_if("patrol_not_started", "patrol {patrol.patrol_id} has not started")
def MustHaveStarted(patrol: Patrol) -> bool:
    """No checkpoint, observation or completion before the start."""
    return patrol.status is PatrolStatus.SCHEDULED


@broken_if("patrol_already_started", "patrol {patrol.patrol_id} started at {patrol.started_at}")
def MustNotHaveStarted(patrol: Patrol) -> bool:
    return patrol.status is not PatrolStatus.SCHEDULED


# ---------------------------------------------------------------- decisions


def schedule(
    team: PatrolTeam,
    *,
    patrol_id: str,
    planned_start: datetime,
    planned_end: datetime,
    note: str = "",
) -> list[DomainEvent]:
    check(TeamMustNotBeDisbanded(team))
    return [
        PatrolScheduled(
            patrol_id=patrol_id,
            team_id=team.team_id,
            station_code=team.station_code,
            planned_start=planned_start,
            planned_end=planned_end,
            note=note,
        )
    ]


def start(
    patrol: Patrol, team: PatrolTeam, *, started_at: datetime, participant_ids: list[str]
) -> list[DomainEvent]:
    """Only members of the patrol's team on the day of the start take part."""
    day = china_day(started_at)
    check(
        NothingChangesAfterTheEnd(patrol),
        MustNotHaveStarted(patrol),
        *(MustBeAMember(team, member_id, on=day) for member_id in participant_ids),
    )
    # Each is a member (checked above), recorded as they were on the team that day.
    participants = [m for member_id in participant_ids if (m := team.member_on(member_id, day))]
    return [PatrolStarted(patrol_id=patrol.patrol_id, started_at=started_at, participants=participants)]


def visit_checkpoint(
    patrol: Patrol,
    grid: Place,
    *,
    visited_at: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
) -> list[DomainEvent]:
    """``grid``: the grid visited, with the station covering its village on the day of the visit."""
    check(
        NothingChangesAfterTheEnd(patrol),
        MustHaveStarted(patrol),
        MustBeInStationCoverage(grid, patrol.station_code, china_day(visited_at)),
        TimeMustNotGoBackwards("the checkpoint", visited_at, patrol.latest_time),
    )
    return [
        CheckpointVisited(
            patrol_id=patrol.patrol_id,
            grid_code=grid.code,
            visited_at=visited_at,
            latitude=latitude,
            longitude=longitude,
        )
    ]


def record_observation(
    patrol: Patrol,
    grid: Place | None,
    *,
    category: ObservationCategory,
    note: str,
    observed_at: datetime,
) -> list[DomainEvent]:
    """``grid``: where it was seen, if the patrol says so (then inside the station's coverage)."""
    check(NothingChangesAfterTheEnd(patrol), MustHaveStarted(patrol))
    if grid is not None:
        check(MustBeInStationCoverage(grid, patrol.station_code, china_day(observed_at)))
    check(TimeMustNotGoBackwards("the observation", observed_at, patrol.latest_time))
    return [
        PatrolObservationRecorded(
            patrol_id=patrol.patrol_id,
            category=category,
            note=note,
            observed_at=observed_at,
            grid_code=grid.code if grid is not None else None,
        )
    ]


def complete(patrol: Patrol, *, completed_at: datetime, distance_km: float) -> list[DomainEvent]:
    check(
        NothingChangesAfterTheEnd(patrol),
        MustHaveStarted(patrol),
        TimeMustNotGoBackwards("the completion", completed_at, patrol.latest_time),
    )
    assert patrol.started_at is not None
    return [
        PatrolCompleted(
            patrol_id=patrol.patrol_id,
            completed_at=completed_at,
            duration_minutes=int((completed_at - patrol.started_at).total_seconds() // 60),
            distance_km=distance_km,
        )
    ]


def abort(patrol: Patrol, *, aborted_at: datetime, reason: str) -> list[DomainEvent]:
    """Call off a scheduled patrol, or break off a started one."""
    check(
        NothingChangesAfterTheEnd(patrol),
        TimeMustNotGoBackwards("the abort", aborted_at, patrol.latest_time),
    )
    return [PatrolAborted(patrol_id=patrol.patrol_id, aborted_at=aborted_at, reason=reason)]
