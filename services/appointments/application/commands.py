"""The service's commands: also the request bodies of its POST endpoints."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from govgrid.bounds import Day
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.privacy import FreeText

CODE_PATTERN = r"^[A-Za-z0-9_-]+$"
Code = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
PersonId = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
Name = Field(min_length=1, max_length=200)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterOrgUnit(Command):
    code: str = Code
    kind: OrgUnitKind
    name_zh: FreeText = Name
    name_en: FreeText = Name
    parent_code: str | None = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    location: Location | None = None


class LocateOrgUnit(Command):
    location: Location


class RenameOrgUnit(Command):
    name_zh: FreeText = Name
    name_en: FreeText = Name


class AssignVillageCoverage(Command):
    station_code: str = Code
    effective_from: Day


class EndVillageCoverage(Command):
    station_code: str = Code
    effective_until: Day


class RegisterPoliceOfficer(Command):
    person_id: str = PersonId
    badge_number: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    station_code: str = Code
    display_name: FreeText = Field(min_length=1, max_length=100)


class RegisterVillageCadre(Command):
    person_id: str = PersonId
    village_code: str = Code
    display_name: FreeText = Field(min_length=1, max_length=100)
    post: FreeText = Field(min_length=1, max_length=50)


class TransferPoliceOfficer(Command):
    to_station_code: str = Code
    effective_on: Day


class RecordLeavingService(Command):
    reason: LeavingReason
    effective_on: Day


class NominateAppointment(Command):
    kind: AppointmentKind
    person_id: str = PersonId
    organisation_code: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The village or community (deputy secretary) or the police station (director).",
    )
    term_start: Day
    term_end: Day


class ApproveAppointment(Command):
    approved_on: Day


class IssueCertificate(Command):
    issued_on: Day


class EndAppointment(Command):
    reason: AppointmentEndReason
    ended_on: Day
    note: FreeText = Field(default="", max_length=500)
