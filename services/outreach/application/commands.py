"""The service's commands: also the request bodies of its POST endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_validator

from govgrid.bounds import Day
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.catalogue.outreach import EnterpriseSector
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import JobReferralOutcome
from govgrid.catalogue.outreach import NotHiredReason
from govgrid.catalogue.outreach import PersonRef
from govgrid.privacy import FreeText

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
VillageCode = Field(
    min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="Its village or community."
)
PersonId = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
Count = Field(ge=0, le=100_000)
Note = Field(default="", max_length=500)
Finding = Annotated[FreeText, Field(min_length=1, max_length=500)]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _distinct(codes: list[str]) -> list[str]:
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValueError(f"each school once: {', '.join(repeated)} repeated")
    return codes


SchoolCodes = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]],
    Field(min_length=1, max_length=1000),
    AfterValidator(_distinct),
]


# ---------------------------------------------------------------- schools and enterprises


class RegisterSchool(Command):
    school_code: str = Code
    name_zh: FreeText = Field(min_length=1, max_length=200)
    village_code: str = Field(
        description="Its village or community.", min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )


class RegisterEnterprise(Command):
    enterprise_code: str = Code
    name: FreeText = Field(min_length=1, max_length=200)
    village_code: str = Field(
        description="Its village or community.", min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )
    sector: EnterpriseSector


# ---------------------------------------------------------------- registration drives


class LaunchRegistrationDrive(Command):
    station_code: str = Code
    title: FreeText = Field(min_length=1, max_length=200, examples=["2023年秋季户籍窗口进校园"])
    period_start: Day
    period_end: Day = Field(description="Inclusive.")
    target_school_codes: SchoolCodes
    launched_on: Day = Field(description="The day the station launched the drive.")


class AddDriveTargets(Command):
    school_codes: SchoolCodes
    added_on: Day = Field(description="The day the schools became targets.")


class RecordSchoolVisit(Command):
    school_code: str = Code
    visited_on: Day
    students_processed: int = Count
    id_cards: int = Field(ge=0, le=100_000, description="ID-card applications processed.")
    household_changes: int = Field(ge=0, le=100_000, description="Household-registration changes processed.")


class CloseRegistrationDrive(Command):
    closed_on: Day


# ---------------------------------------------------------------- enterprise visits


class PlanFollowUp(Command):
    action: FreeText = Field(min_length=1, max_length=500)
    due_on: Day = Field(description="After the visit's day.")


class RecordEnterpriseVisit(Command):
    enterprise_code: str = Code
    officer_person_id: str = PersonId
    kind: EnterpriseVisitKind
    visited_on: Day
    findings: list[Annotated[FreeText, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50
    )
    case_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The case followed up: kind case_follow_up only.",
    )
    follow_ups: list[PlanFollowUp] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def a_case_follow_up_names_its_case(self) -> RecordEnterpriseVisit:
        if (self.kind is EnterpriseVisitKind.CASE_FOLLOW_UP) != (self.case_id is not None):
            raise ValueError("case_id is required for a case_follow_up visit and only for it")
        return self


class CompleteFollowUp(Command):
    completed_on: Day
    note: FreeText = Note


# ---------------------------------------------------------------- enterprise cases


class OpenEnterpriseCase(Command):
    enterprise_code: str = Code
    category: EnterpriseCaseCategory
    opened_on: Day
    summary: FreeText = Field(
        min_length=1, max_length=500, description="What happened to the enterprise; no names."
    )


class HandleEnterpriseCase(Command):
    handled_on: Day
    outcome: EnterpriseCaseOutcome
    note: FreeText = Note


# ---------------------------------------------------------------- job referrals


class MakeJobReferral(Command):
    person_ref: PersonRef
    enterprise_code: str = Code
    position: FreeText = Field(min_length=1, max_length=100)
    referred_on: Day


class RecordReferralOutcome(Command):
    outcome: JobReferralOutcome
    decided_on: Day
    not_hired_reason: NotHiredReason | None = None

    @model_validator(mode="after")
    def reason_only_when_not_hired(self) -> RecordReferralOutcome:
        if self.not_hired_reason is not None and self.outcome is not JobReferralOutcome.NOT_HIRED:
            raise ValueError("not_hired_reason is only for a referral that ended not hired")
        return self
