"""The service's commands: also the request bodies of its POST endpoints (and the import's rows)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_validator

from govgrid.bounds import Day
from govgrid.bounds import Moment
from govgrid.catalogue.patrols import AreaCode
from govgrid.catalogue.patrols import ClearanceFinding
from govgrid.catalogue.patrols import ObservationCategory
from govgrid.catalogue.patrols import TeamMember
from govgrid.privacy import FreeText

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
Identifier = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
Count = Field(ge=0, le=100_000)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _no_repeats(field: str, values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{field} names the same code twice")


# ---------------------------------------------------------------- teams


class FormTeam(Command):
    station_code: str = Code
    name: FreeText = Field(min_length=1, max_length=100)
    formed_on: Day


class JoinTeam(Command):
    member: TeamMember
    joined_on: Day


class LeaveTeam(Command):
    left_on: Day


class DisbandTeam(Command):
    disbanded_on: Day


# ---------------------------------------------------------------- patrols


class SchedulePatrol(Command):
    team_id: str = Identifier
    planned_start: Moment
    planned_end: Moment
    note: FreeText = Field(default="", max_length=500)

    @model_validator(mode="after")
    def ends_after_it_starts(self) -> SchedulePatrol:
        if self.planned_end <= self.planned_start:
            raise ValueError("planned_end must be after planned_start")
        return self


class StartPatrol(Command):
    started_at: Moment
    participant_ids: list[Annotated[str, Identifier]] = Field(
        min_length=1, max_length=100, description="Members of the team taking part (person or volunteer ids)."
    )

    @model_validator(mode="after")
    def each_once(self) -> StartPatrol:
        _no_repeats("participant_ids", self.participant_ids)
        return self


class VisitCheckpoint(Command):
    grid_code: str = Code
    visited_at: Moment
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def both_coordinates_or_none(self) -> VisitCheckpoint:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        return self


class RecordObservation(Command):
    category: ObservationCategory
    note: FreeText = Field(min_length=1, max_length=1000, description="What was seen; no personal data.")
    observed_at: Moment
    grid_code: AreaCode | None = None


class CompletePatrol(Command):
    completed_at: Moment
    distance_km: float = Field(ge=0, le=500)


class AbortPatrol(Command):
    aborted_at: Moment
    reason: FreeText = Field(min_length=1, max_length=500)


# ---------------------------------------------------------------- clearance operations


class PlanClearanceOperation(Command):
    station_code: str = Code
    focus: FreeText = Field(min_length=1, max_length=200)
    planned_on: Day
    area_codes: list[AreaCode] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def each_once(self) -> PlanClearanceOperation:
        _no_repeats("area_codes", self.area_codes)
        return self


class Finding(ClearanceFinding):
    """A finding as an officer reports it: its note goes through the personal-data guard."""

    note: FreeText = Field(default="", max_length=500)


class CarryOutClearanceOperation(Command):
    carried_out_on: Day
    places_checked: int = Count
    people_checked: int = Count
    officers_deployed: int = Count
    volunteers_deployed: int = Count
    findings: list[Finding] = Field(default_factory=list, max_length=100)


class CloseClearanceOperation(Command):
    closed_on: Day
    summary: FreeText = Field(default="", max_length=1000)


class CancelClearanceOperation(Command):
    cancelled_on: Day
    reason: FreeText = Field(min_length=1, max_length=500)


# ---------------------------------------------------------------- police activity


class PoliceActivityRow(Command):
    """One line of a station's daily figures (CSV columns or JSON keys of the same names)."""

    station_code: str = Code
    day: Day
    calls_for_service: int = Count
    criminal_cases: int = Count
    public_security_cases: int = Count
