"""Patrol teams formed by a station: its officers and party-member volunteers (fishermen, sanitation
workers, community party members). Membership changes over time and is kept as dated periods, so
"who was on the team that day" has an answer for any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import timedelta

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import PatrolTeamDisbanded
from govgrid.catalogue.patrols import PatrolTeamFormed
from govgrid.catalogue.patrols import PatrolTeamMemberJoined
from govgrid.catalogue.patrols import PatrolTeamMemberLeft
from govgrid.envelope import StreamNaming
from govgrid.officers import Officer
from govgrid.rules import BusinessRule
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.patrols.domain.rules import Member
from services.patrols.domain.rules import TimeMustNotGoBackwards

stream_id = StreamNaming("patrolteam")


@dataclass(frozen=True)
class Membership:
    """A member's time on a team, from the day they joined to the last day on it (None: still on it)."""

    member: Member
    joined_on: date
    left_on: date | None = None  # the last day on the team, inclusive

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(frozen=True)
class PatrolTeam:
    """A station's patrol team: its memberships over time, and the day it was disbanded."""

    team_id: str
    station_code: str
    name: str
    formed_on: date
    memberships: tuple[Membership, ...] = ()
    disbanded_on: date | None = None

    @property
    def members(self) -> tuple[Member, ...]:
        """Today's members: those whose membership is open."""
        return tuple(m.member for m in self.memberships if m.left_on is None)

    def current(self, member_id: str) -> Membership | None:
        return next(
            (m for m in self.memberships if m.member.member_id == member_id and m.left_on is None), None
        )

    def latest(self, member_id: str) -> Membership | None:
        return next((m for m in reversed(self.memberships) if m.member.member_id == member_id), None)

    def member_on(self, member_id: str, day: date) -> Member | None:
        return next(
            (m.member for m in self.memberships if m.member.member_id == member_id and m.covers(day)), None
        )

    @property
    def last_date(self) -> date:
        """The latest day the team's history mentions."""
        return max(
            [self.formed_on]
            + [m.joined_on for m in self.memberships]
            + [m.left_on for m in self.memberships if m.left_on is not None]
        )


def evolve(state: PatrolTeam | None, event: DomainEvent) -> PatrolTeam:
    match event:
        case PatrolTeamFormed():
            return told_by(PatrolTeam, event)
        case PatrolTeamMemberJoined() if state is not None:
            return replace(state, memberships=(*state.memberships, told_by(Membership, event)))
        case PatrolTeamMemberLeft() if state is not None:
            return replace(
                state,
                memberships=tuple(
                    replace(m, left_on=event.left_on)
                    if m.member.member_id == event.member_id and m.left_on is None
                    else m
                    for m in state.memberships
                ),
            )
        case PatrolTeamDisbanded() if state is not None:
            return updated_by(state, event)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if("team_disbanded", "patrol team {team.team_id} was disbanded on {team.disbanded_on}")
def TeamMustNotBeDisbanded(team: PatrolTeam) -> bool:
    return team.disbanded_on is not None


@broken_if("already_a_team_member", "{member_id} is already a member of patrol team {team.team_id}")
def MustNotAlreadyBeAMember(team: PatrolTeam, member_id: str) -> bool:
    return team.current(member_id) is not None


class MustBeAMember(BusinessRule):
    """On the team on ``on``, or today when ``on`` is None."""

    code = "not_a_team_member"
    team: PatrolTeam
    member_id: str
    on: date | None = None

    def is_broken(self) -> bool:
        if self.on is None:
            return self.team.current(self.member_id) is None
        return self.team.member_on(self.member_id, self.on) is None

    def message(self) -> str:
        when = f" on {self.on}" if self.on is not None else ""
        return f"{self.member_id} is not a member of patrol team {self.team.team_id}{when}"


class OfficerMustServeAtTheStation(BusinessRule):
    """An officer member is an active officer of the team's own station."""

    code = "not_an_officer_of_the_station"
    person_id: str
    station_code: str
    officer: Officer | None  # None: no such officer on the roster

    def is_broken(self) -> bool:
        return self.officer is None or not self.officer.serves_at(self.station_code)

    def message(self) -> str:
        if self.officer is None:
            return f"{self.person_id} is not a registered police officer"
        if not self.officer.active:
            return f"officer {self.person_id} has left service"
        return f"officer {self.person_id} serves at {self.officer.station_code}, not {self.station_code}"


# ---------------------------------------------------------------- decisions


def form(*, team_id: str, station_code: str, name: str, formed_on: date) -> list[DomainEvent]:
    """``station_code`` names a police station (checked by the caller against the reference)."""
    return [PatrolTeamFormed(team_id=team_id, station_code=station_code, name=name, formed_on=formed_on)]


def join(team: PatrolTeam, member: Member, *, joined_on: date, officer: Officer | None) -> list[DomainEvent]:
    """``officer``: the roster's entry for an officer member (ignored for a volunteer)."""
    check(TeamMustNotBeDisbanded(team), MustNotAlreadyBeAMember(team, member.member_id))
    if isinstance(member, OfficerMember):
        check(OfficerMustServeAtTheStation(member.person_id, team.station_code, officer))
    previous = team.latest(member.member_id)
    # Someone who left may come back, from the day after they left.
    earliest = previous.left_on + timedelta(days=1) if previous and previous.left_on else team.formed_on
    check(TimeMustNotGoBackwards("joining", joined_on, earliest))
    return [PatrolTeamMemberJoined(team_id=team.team_id, member=member, joined_on=joined_on)]


def leave(team: PatrolTeam, member_id: str, *, left_on: date) -> list[DomainEvent]:
    check(TeamMustNotBeDisbanded(team), MustBeAMember(team, member_id))
    membership = team.current(member_id)
    assert membership is not None
    check(TimeMustNotGoBackwards("leaving", left_on, membership.joined_on))
    return [PatrolTeamMemberLeft(team_id=team.team_id, member_id=member_id, left_on=left_on)]


def disband(team: PatrolTeam, *, disbanded_on: date) -> list[DomainEvent]:
    """Every remaining member leaves on the day the team is disbanded."""
    check(TeamMustNotBeDisbanded(team), TimeMustNotGoBackwards("disbanding", disbanded_on, team.last_date))
    return [
        *(
            PatrolTeamMemberLeft(team_id=team.team_id, member_id=member.member_id, left_on=disbanded_on)
            for member in team.members
        ),
        PatrolTeamDisbanded(team_id=team.team_id, disbanded_on=disbanded_on),
    ]
