"""Patrol teams: forming, members joining and leaving over time, disbanding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from pydantic import ValidationError

from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import PatrolTeamDisbanded
from govgrid.catalogue.patrols import PatrolTeamMemberJoined
from govgrid.catalogue.patrols import PatrolTeamMemberLeft
from govgrid.catalogue.patrols import VolunteerAffiliation
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.officers import Officer
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.patrols.domain import teams
from services.patrols.domain.teams import Membership
from services.patrols.domain.teams import PatrolTeam
from services.patrols.tests.unit.scenario import FISHERMAN
from services.patrols.tests.unit.scenario import FORMED_ON
from services.patrols.tests.unit.scenario import JOINED_ON
from services.patrols.tests.unit.scenario import OFFICER
from services.patrols.tests.unit.scenario import ON_THE_ROSTER
from services.patrols.tests.unit.scenario import OTHER_STATION
from services.patrols.tests.unit.scenario import SANITATION_WORKER
from services.patrols.tests.unit.scenario import STATION
from services.patrols.tests.unit.scenario import TEAM
from services.patrols.tests.unit.scenario import TEAM_FORMED
from services.patrols.tests.unit.scenario import full_team
from services.patrols.tests.unit.scenario import joined
from services.patrols.tests.unit.scenario import left
from services.patrols.tests.unit.scenario import team

LEFT_ON = date(2023, 9, 30)
DISBANDED_ON = date(2023, 12, 31)

# ---------------------------------------------------------------- form


def test_form_a_team_at_a_station() -> None:
    then_events(
        teams.form(team_id=TEAM, station_code=STATION, name="干冲海岸派出所党员巡逻队", formed_on=FORMED_ON),
        [TEAM_FORMED],
    )
    assert team() == PatrolTeam(TEAM, STATION, "干冲海岸派出所党员巡逻队", FORMED_ON)


# ---------------------------------------------------------------- join


@pytest.mark.parametrize("member", [FISHERMAN, SANITATION_WORKER], ids=["fisherman", "sanitation-worker"])
def test_a_volunteer_joins(member: VolunteerMember) -> None:
    events = teams.join(team(), member, joined_on=JOINED_ON, officer=None)
    then_events(events, [PatrolTeamMemberJoined(team_id=TEAM, member=member, joined_on=JOINED_ON)])
    assert team(*events).members == (member,)


def test_an_officer_of_the_station_joins() -> None:
    then_events(teams.join(team(), OFFICER, joined_on=JOINED_ON, officer=ON_THE_ROSTER), [joined(OFFICER)])


@pytest.mark.parametrize(
    "officer",
    [
        pytest.param(None, id="not-on-the-roster"),
        pytest.param(Officer(OFFICER.person_id, OTHER_STATION, active=True), id="of-another-station"),
        pytest.param(replace(ON_THE_ROSTER, active=False), id="left-service"),
    ],
)
def test_only_an_active_officer_of_the_team_s_station_joins(officer: Officer | None) -> None:
    then_rule_broken(
        "not_an_officer_of_the_station",
        lambda: teams.join(team(), OFFICER, joined_on=JOINED_ON, officer=officer),
    )


def test_a_volunteer_needs_no_roster_entry() -> None:
    then_events(
        teams.join(team(), FISHERMAN, joined_on=FORMED_ON, officer=None), [joined(FISHERMAN, FORMED_ON)]
    )


def test_a_member_cannot_join_twice() -> None:
    then_rule_broken(
        "already_a_team_member",
        lambda: teams.join(full_team(), FISHERMAN, joined_on=date(2023, 6, 1), officer=None),
    )


def test_an_officer_and_a_volunteer_with_the_same_id_cannot_both_be_members() -> None:
    namesake = VolunteerMember(
        volunteer_id=OFFICER.person_id, affiliation=VolunteerAffiliation.OTHER, party_member=True
    )
    then_rule_broken(
        "already_a_team_member", lambda: teams.join(full_team(), namesake, joined_on=JOINED_ON, officer=None)
    )


def test_nobody_joins_before_the_team_was_formed() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: teams.join(team(), FISHERMAN, joined_on=date(2023, 2, 28), officer=None),
    )


def test_a_member_who_left_comes_back_from_the_next_day() -> None:
    history = team(joined(FISHERMAN), left(FISHERMAN, LEFT_ON))
    then_rule_broken(
        "time_went_backwards", lambda: teams.join(history, FISHERMAN, joined_on=LEFT_ON, officer=None)
    )
    events = teams.join(history, FISHERMAN, joined_on=date(2023, 10, 1), officer=None)
    then_events(events, [joined(FISHERMAN, date(2023, 10, 1))])
    back = team(joined(FISHERMAN), left(FISHERMAN, LEFT_ON), *events)
    assert back.memberships == (
        Membership(FISHERMAN, JOINED_ON, LEFT_ON),
        Membership(FISHERMAN, date(2023, 10, 1)),
    )
    assert back.member_on(FISHERMAN.member_id, date(2023, 9, 30)) == FISHERMAN
    assert back.member_on(FISHERMAN.member_id, date(2023, 9, 15)) == FISHERMAN


# ---------------------------------------------------------------- membership over time


@pytest.mark.parametrize(
    ("day", "member"),
    [
        (date(2023, 3, 4), None),
        (JOINED_ON, FISHERMAN),
        (LEFT_ON, FISHERMAN),  # the day they leave is still a day on the team
        (date(2023, 10, 1), None),
    ],
    ids=str,
)
def test_who_was_on_the_team_on_a_day(day: date, member: VolunteerMember | None) -> None:
    assert team(joined(FISHERMAN), left(FISHERMAN, LEFT_ON)).member_on(FISHERMAN.member_id, day) == member


# ---------------------------------------------------------------- leave


def test_a_member_leaves() -> None:
    events = teams.leave(full_team(), FISHERMAN.member_id, left_on=LEFT_ON)
    then_events(events, [PatrolTeamMemberLeft(team_id=TEAM, member_id="GC-V01", left_on=LEFT_ON)])
    assert full_team(*events).members == (OFFICER, SANITATION_WORKER)


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(team(), id="never-joined"),
        pytest.param(team(joined(FISHERMAN), left(FISHERMAN, LEFT_ON)), id="already-left"),
    ],
)
def test_only_a_member_leaves(history: PatrolTeam) -> None:
    then_rule_broken(
        "not_a_team_member", lambda: teams.leave(history, FISHERMAN.member_id, left_on=date(2023, 11, 1))
    )


def test_nobody_leaves_before_joining() -> None:
    then_rule_broken(
        "time_went_backwards", lambda: teams.leave(full_team(), OFFICER.member_id, left_on=date(2023, 3, 4))
    )


def test_leaving_on_the_day_of_joining_is_a_one_day_membership() -> None:
    then_events(teams.leave(full_team(), OFFICER.member_id, left_on=JOINED_ON), [left(OFFICER, JOINED_ON)])


# ---------------------------------------------------------------- disband


def test_disbanding_ends_every_remaining_membership_that_day() -> None:
    events = teams.disband(full_team(left(FISHERMAN, LEFT_ON)), disbanded_on=DISBANDED_ON)
    then_events(
        events,
        [
            left(OFFICER, DISBANDED_ON),
            left(SANITATION_WORKER, DISBANDED_ON),
            PatrolTeamDisbanded(team_id=TEAM, disbanded_on=DISBANDED_ON),
        ],
    )
    disbanded = full_team(left(FISHERMAN, LEFT_ON), *events)
    assert (disbanded.members, disbanded.disbanded_on) == ((), DISBANDED_ON)


def test_a_team_is_not_disbanded_before_its_last_change() -> None:
    then_rule_broken(
        "time_went_backwards",
        lambda: teams.disband(full_team(left(FISHERMAN, LEFT_ON)), disbanded_on=date(2023, 9, 29)),
    )


@pytest.mark.parametrize(
    "when",
    [
        lambda t: teams.join(t, FISHERMAN, joined_on=date(2024, 1, 5), officer=None),
        lambda t: teams.leave(t, OFFICER.member_id, left_on=date(2024, 1, 5)),
        lambda t: teams.disband(t, disbanded_on=date(2024, 1, 5)),
    ],
    ids=["join", "leave", "disband"],
)
def test_nothing_changes_once_disbanded(when: Callable[[PatrolTeam], object]) -> None:
    disbanded = team(joined(OFFICER), *teams.disband(team(joined(OFFICER)), disbanded_on=DISBANDED_ON))
    then_rule_broken("team_disbanded", lambda: when(disbanded))


# ---------------------------------------------------------------- members carry no personal data


@pytest.mark.parametrize("volunteer_id", ["13800138000", "460400199001011234", "GC-4604001"])
def test_a_volunteer_id_is_not_a_phone_or_id_card_number(volunteer_id: str) -> None:
    with pytest.raises(ValidationError, match="phone or ID-card"):
        VolunteerMember(volunteer_id=volunteer_id, affiliation=VolunteerAffiliation.OTHER, party_member=False)


def test_a_community_party_member_volunteer_is_a_party_member() -> None:
    with pytest.raises(ValidationError, match="party member"):
        VolunteerMember(
            volunteer_id="GC-V09", affiliation=VolunteerAffiliation.COMMUNITY_PARTY_MEMBER, party_member=False
        )


def test_a_member_is_an_officer_or_a_volunteer_by_its_kind() -> None:
    event = PatrolTeamMemberJoined.model_validate(
        {"team_id": TEAM, "member": {"kind": "officer", "person_id": "P-1"}, "joined_on": "2023-03-05"}
    )
    assert event.member == OfficerMember(person_id="P-1")
    with pytest.raises(ValidationError):
        PatrolTeamMemberJoined.model_validate(
            {"team_id": TEAM, "member": {"kind": "mayor", "person_id": "P-1"}, "joined_on": "2023-03-05"}
        )
