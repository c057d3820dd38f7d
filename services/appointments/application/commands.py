"""The service's commands: also the request bodies of its POST endpoints."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from govgrid.catalogue.appointments import AppointmentEndReason, AppointmentKind, LeavingReason
from govgrid.catalogue.organisation import OrgUnitKind

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
PersonId = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
Name = Field(min_length=1, max_length=200)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterOrgUnit(Command):
    code: str = Code
    kind: OrgUnitKind
    name_zh: str = Name
    name_en: str = Name
    parent_code: str | None = Field(default=None, min_length=1, max_length=32)


class RenameOrgUnit(Command):
    name_zh: str = Name
    name_en: str = Name


class AssignVillageCoverage(Command):
    station_code: str = Code
    effective_from: date


class EndVillageCoverage(Command):
    station_code: str = Code
    effective_until: date


class RegisterPoliceOfficer(Command):
    person_id: str = PersonId
    badge_number: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    station_code: str = Code
    display_name: str = Field(min_length=1, max_length=100)


class RegisterVillageCadre(Command):
    person_id: str = PersonId
    village_code: str = Code
    display_name: str = Field(min_length=1, max_length=100)
    post: str = Field(min_length=1, max_length=50)


class TransferPoliceOfficer(Command):
    to_station_code: str = Code
    effective_on: date


class RecordLeavingService(Command):
    reason: LeavingReason
    effective_on: date


class NominateAppointment(Command):
    kind: AppointmentKind
    person_id: str = PersonId
    organisation_code: str = Field(
        min_length=1,
        max_length=32,
        description="The village or community (deputy secretary) or the police station (director).",
    )
    term_start: date
    term_end: date


class ApproveAppointment(Command):
    approved_on: date


class IssueCertificate(Command):
    issued_on: date


class EndAppointment(Command):
    reason: AppointmentEndReason
    ended_on: date
    note: str = Field(default="", max_length=500)
