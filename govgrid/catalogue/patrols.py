"""Patrol teams, patrols, clearance operations (清查行动) and daily police activity (接处警, cases),
emitted by the patrols service on govgrid.patrols.events.

Volunteers appear only under a pseudonymous id chosen by their station, with their affiliation and
whether they are party members: events are kept forever, so they never carry a volunteer's name,
phone or ID-card number. Officers are named by their person_id of the appointments registry.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated
from typing import Literal

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator
from pydantic import model_validator

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import Count
from govgrid.catalogue.fields import Note
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import PersonId
from govgrid.catalogue.fields import Reason
from govgrid.catalogue.fields import RecordId
from govgrid.catalogue.registry import DomainEvent

SERVICE = "patrols"

AreaCode = OrgCode  # a village, a community or a grid
# A run of this many digits looks like a phone (11) or ID-card (18) number, not a pseudonym.
_PERSONAL_NUMBER = re.compile(r"\d{7}")


class VolunteerAffiliation(StrEnum):
    """Where a party-member volunteer comes from (渔民党员, 环卫工人党员, 社区党组织党员...)."""

    FISHERMAN = "fisherman"
    SANITATION_WORKER = "sanitation_worker"
    COMMUNITY_PARTY_MEMBER = "community_party_member"
    OTHER = "other"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OfficerMember(_Value):
    """A police officer of the team's station."""

    kind: Literal["officer"] = "officer"
    person_id: PersonId

    @property
    def member_id(self) -> str:
        return self.person_id


class VolunteerMember(_Value):
    """A volunteer, known to the system only by a pseudonym their station chose."""

    kind: Literal["volunteer"] = "volunteer"
    volunteer_id: RecordId = Field(
        description="A pseudonym such as GC-V012; never a name, a phone or an ID-card number."
    )
    affiliation: VolunteerAffiliation
    party_member: bool

    @property
    def member_id(self) -> str:
        return self.volunteer_id

    @field_validator("volunteer_id")
    @classmethod
    def not_a_personal_number(cls, value: str) -> str:
        if _PERSONAL_NUMBER.search(value):
            raise ValueError("looks like a phone or ID-card number; use the station's pseudonym")
        return value

    @model_validator(mode="after")
    def community_party_members_are_party_members(self) -> VolunteerMember:
        if self.affiliation is VolunteerAffiliation.COMMUNITY_PARTY_MEMBER and not self.party_member:
            raise ValueError("a community party member volunteer is a party member")
        return self


TeamMember = Annotated[OfficerMember | VolunteerMember, Field(discriminator="kind")]


# ---------------------------------------------------------------- patrol teams


@catalogue.event(SERVICE)
class PatrolTeamFormed(DomainEvent):
    team_id: RecordId
    station_code: OrgCode
    name: str = Field(min_length=1, max_length=100, description="e.g. 干冲海岸派出所党员巡逻队")
    formed_on: date


@catalogue.event(SERVICE)
class PatrolTeamMemberJoined(DomainEvent):
    team_id: RecordId
    member: TeamMember
    joined_on: date


@catalogue.event(SERVICE)
class PatrolTeamMemberLeft(DomainEvent):
    """The member's last day in the team is ``left_on`` (a patrol on that day still counts)."""

    team_id: RecordId
    member_id: RecordId
    left_on: date


@catalogue.event(SERVICE)
class PatrolTeamDisbanded(DomainEvent):
    """Preceded, in the same command, by a PatrolTeamMemberLeft for every remaining member."""

    team_id: RecordId
    disbanded_on: date


# ---------------------------------------------------------------- patrols


class ObservationCategory(StrEnum):
    SAFETY_HAZARD = "safety_hazard"  # 安全隐患
    SUSPICIOUS_ACTIVITY = "suspicious_activity"  # 可疑情况
    DISPUTE_SPOTTED = "dispute_spotted"  # 矛盾纠纷


@catalogue.event(SERVICE)
class PatrolScheduled(DomainEvent):
    patrol_id: RecordId
    team_id: RecordId
    station_code: OrgCode
    planned_start: AwareDatetime
    planned_end: AwareDatetime
    note: Note = ""


@catalogue.event(SERVICE)
class PatrolStarted(DomainEvent):
    """``participants``: who took part, as they were on the team that day (carried so that a read
    model counts volunteers by affiliation without reading the team)."""

    patrol_id: RecordId
    started_at: AwareDatetime
    participants: list[TeamMember] = Field(min_length=1, max_length=100)


@catalogue.event(SERVICE)
class CheckpointVisited(DomainEvent):
    patrol_id: RecordId
    grid_code: OrgCode
    visited_at: AwareDatetime
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


@catalogue.event(SERVICE)
class PatrolObservationRecorded(DomainEvent):
    patrol_id: RecordId
    category: ObservationCategory
    note: str = Field(min_length=1, max_length=1000, description="What was seen; no personal data.")
    observed_at: AwareDatetime
    grid_code: AreaCode | None = None


@catalogue.event(SERVICE)
class PatrolCompleted(DomainEvent):
    patrol_id: RecordId
    completed_at: AwareDatetime
    duration_minutes: int = Field(ge=0, description="From the start to the completion.")
    distance_km: float = Field(ge=0, le=500)


@catalogue.event(SERVICE)
class PatrolAborted(DomainEvent):
    """Called off before it started, or broken off on the way."""

    patrol_id: RecordId
    aborted_at: AwareDatetime
    reason: Reason


# ---------------------------------------------------------------- clearance operations (清查行动)


class FindingCategory(StrEnum):
    SAFETY_HAZARD = "safety_hazard"  # 安全隐患
    ILLEGAL_ITEM = "illegal_item"  # 违禁物品
    WANTED_PERSON = "wanted_person"  # 在逃人员
    UNREGISTERED_RESIDENT = "unregistered_resident"  # 未登记流动人口
    UNLICENSED_BUSINESS = "unlicensed_business"  # 无证经营
    OTHER = "other"


class ClearanceFinding(_Value):
    category: FindingCategory
    count: int = Field(ge=1, le=100_000)
    note: Note = ""


@catalogue.event(SERVICE)
class ClearanceOperationPlanned(DomainEvent):
    operation_id: RecordId
    station_code: OrgCode
    focus: str = Field(min_length=1, max_length=200, description="What is checked, e.g. 出租屋、娱乐场所")
    planned_on: date
    area_codes: list[AreaCode] = Field(
        min_length=1, max_length=200, description="Villages, communities or grids the station covers."
    )


@catalogue.event(SERVICE)
class ClearanceOperationCarriedOut(DomainEvent):
    operation_id: RecordId
    carried_out_on: date
    places_checked: Count
    people_checked: Count
    officers_deployed: Count
    volunteers_deployed: Count
    findings: list[ClearanceFinding] = Field(default_factory=list, max_length=100)


@catalogue.event(SERVICE)
class ClearanceOperationClosed(DomainEvent):
    operation_id: RecordId
    closed_on: date
    summary: str = Field(default="", max_length=1000)


@catalogue.event(SERVICE)
class ClearanceOperationCancelled(DomainEvent):
    """A planned operation that will not be carried out."""

    operation_id: RecordId
    cancelled_on: date
    reason: Reason


# ---------------------------------------------------------------- police activity (接处警, 案件)


class _DailyFigures(DomainEvent):
    station_code: OrgCode
    day: date
    calls_for_service: Count  # 接处警数
    criminal_cases: Count  # 刑事案件
    public_security_cases: Count  # 治安案件


@catalogue.event(SERVICE)
class PoliceActivityRecorded(_DailyFigures):
    """A station's figures of one day, first imported from its own system."""


@catalogue.event(SERVICE)
class PoliceActivityCorrected(_DailyFigures):
    """The day's figures as corrected: the full new figures, not a difference. The latest
    PoliceActivityRecorded or PoliceActivityCorrected of a station-day is what counts."""
