"""Given events, when a decision, then events or a broken rule: the helpers of the domain's unit tests,
and the people and places the scenarios are about (干冲海岸派出所's party-member patrol team, 2023).
Every builder returns an event, so a test reads as its history.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import ClearanceOperationCarriedOut
from govgrid.catalogue.patrols import ClearanceOperationPlanned
from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.catalogue.patrols import PatrolTeamFormed
from govgrid.catalogue.patrols import PatrolTeamMemberJoined
from govgrid.catalogue.patrols import PatrolTeamMemberLeft
from govgrid.catalogue.patrols import VolunteerAffiliation
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.officers import Officer
from govgrid.testing.scenario import given
from services.patrols.domain import clearance
from services.patrols.domain import patrols
from services.patrols.domain import teams
from services.patrols.domain.clearance import ClearanceOperation
from services.patrols.domain.patrols import Patrol
from services.patrols.domain.rules import Member
from services.patrols.domain.rules import Place
from services.patrols.domain.teams import PatrolTeam

# ---------------------------------------------------------------- given / then


# ---------------------------------------------------------------- the station and its grid

STATION = "GANCHONG-HA"  # 干冲海岸派出所
OTHER_STATION = "XIHUA"  # 西华派出所
GRID = "GANCHONG-G1"  # 干冲社区第一网格
OTHER_GRID = "SONGLIN-G2"  # a grid of a village 西华派出所 covers
VILLAGE = "GANCHONG"  # 干冲社区

IN_COVERAGE = Place(GRID, STATION)
OTHER_STATIONS_GRID = Place(OTHER_GRID, OTHER_STATION)
UNCOVERED_GRID = Place("NOWHERE-G1", None)

CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2023 in Danzhou."""
    return datetime(2023, 11, day, hour, minute, tzinfo=CST)


# ---------------------------------------------------------------- the team

TEAM = "TEAM-GC1"
FORMED_ON = date(2023, 3, 1)
JOINED_ON = date(2023, 3, 5)
OFFICER = OfficerMember(person_id="P-TANGWJ")  # 唐望江
FISHERMAN = VolunteerMember(
    volunteer_id="GC-V01", affiliation=VolunteerAffiliation.FISHERMAN, party_member=True
)
SANITATION_WORKER = VolunteerMember(
    volunteer_id="GC-V02", affiliation=VolunteerAffiliation.SANITATION_WORKER, party_member=True
)
ON_THE_ROSTER = Officer(OFFICER.person_id, STATION, active=True)

TEAM_FORMED = PatrolTeamFormed(
    team_id=TEAM, station_code=STATION, name="干冲海岸派出所党员巡逻队", formed_on=FORMED_ON
)


def joined(member: Member, joined_on: date = JOINED_ON) -> PatrolTeamMemberJoined:
    return PatrolTeamMemberJoined(team_id=TEAM, member=member, joined_on=joined_on)


def left(member: Member, left_on: date) -> PatrolTeamMemberLeft:
    return PatrolTeamMemberLeft(team_id=TEAM, member_id=member.member_id, left_on=left_on)


def team(*history: DomainEvent) -> PatrolTeam:
    """The team as formed, then ``history``."""
    return given(teams.evolve, TEAM_FORMED, *history)


def full_team(*history: DomainEvent) -> PatrolTeam:
    """The officer and both volunteers on the team since 5 March, then ``history``."""
    return team(joined(OFFICER), joined(FISHERMAN), joined(SANITATION_WORKER), *history)


# ---------------------------------------------------------------- a patrol (20 November, evening)

PATROL = "PATROL-1"
STARTED_AT = at(20, 19)
PATROL_SCHEDULED = PatrolScheduled(
    patrol_id=PATROL,
    team_id=TEAM,
    station_code=STATION,
    planned_start=STARTED_AT,
    planned_end=at(20, 21),
)


def started(started_at: datetime = STARTED_AT, *participants: Member) -> PatrolStarted:
    return PatrolStarted(
        patrol_id=PATROL, started_at=started_at, participants=list(participants or (OFFICER, FISHERMAN))
    )


def visited(visited_at: datetime, grid_code: str = GRID) -> CheckpointVisited:
    return CheckpointVisited(patrol_id=PATROL, grid_code=grid_code, visited_at=visited_at)


def patrol(*history: DomainEvent) -> Patrol:
    """The patrol as scheduled, then ``history``."""
    return given(patrols.evolve, PATROL_SCHEDULED, *history)


# ---------------------------------------------------------------- a clearance operation

OPERATION = "CLEAR-1"
PLANNED_ON = date(2023, 11, 24)
OPERATION_PLANNED = ClearanceOperationPlanned(
    operation_id=OPERATION, station_code=STATION, focus="出租屋", planned_on=PLANNED_ON, area_codes=[VILLAGE]
)


def carried_out(carried_out_on: date = PLANNED_ON) -> ClearanceOperationCarriedOut:
    return ClearanceOperationCarriedOut(
        operation_id=OPERATION,
        carried_out_on=carried_out_on,
        places_checked=40,
        people_checked=112,
        officers_deployed=6,
        volunteers_deployed=12,
    )


def operation(*history: DomainEvent) -> ClearanceOperation:
    """The operation as planned, then ``history``."""
    return given(clearance.evolve, OPERATION_PLANNED, *history)
