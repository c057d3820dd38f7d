"""Services to residents and enterprises: school household-registration drives, enterprise visits
("百警进百企"), job referrals; emitted by the outreach service on govgrid.outreach.events.

Schools and enterprises are registered organisations of this service, placed in a village or
community of the organisation registry. Events are kept forever, so they carry no personal data:
a person referred to a job appears only as an opaque reference (``person_ref``), officers by their
registry id. Free texts (findings, actions, summaries, notes) are about the enterprise, never about
a named person.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator
from pydantic import Field
from pydantic import model_validator

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import Count
from govgrid.catalogue.fields import Note
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import OrgName
from govgrid.catalogue.fields import PersonId
from govgrid.catalogue.fields import RecordId
from govgrid.catalogue.registry import DomainEvent
from govgrid.catalogue.registry import dated_when_recorded

SERVICE = "outreach"

SchoolCode = Annotated[
    str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="e.g. 学校标识码")
]
EnterpriseCode = Annotated[
    str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="e.g. 统一社会信用代码")
]
Text = Annotated[str, Field(min_length=1, max_length=500)]

# Eleven digits in a row could be a mobile number, 15 or more an ID-card number: not opaque.
_DIGIT_RUN = re.compile(r"\d{11,}")


def _opaque(value: str) -> str:
    if _DIGIT_RUN.search(value):
        raise ValueError("an opaque reference must not contain 11 or more digits in a row (phone, ID card)")
    return value


PersonRef = Annotated[
    str,
    Field(
        min_length=4,
        max_length=40,
        pattern=r"^[A-Za-z][A-Za-z0-9_-]*$",
        description="An opaque reference to the person in the case file kept outside the system "
        "(starts with a letter; never a name, ID-card or phone number).",
    ),
    AfterValidator(_opaque),
]


class EnterpriseSector(StrEnum):
    AGRICULTURE = "agriculture"  # 农业 (rubber, fruit...)
    FISHERY = "fishery"  # 渔业
    MANUFACTURING = "manufacturing"  # 制造业
    ENERGY_AND_CHEMICALS = "energy_and_chemicals"  # 能源化工
    CONSTRUCTION = "construction"  # 建筑业
    LOGISTICS = "logistics"  # 物流运输
    RETAIL_AND_CATERING = "retail_and_catering"  # 商贸餐饮
    TOURISM_AND_HOSPITALITY = "tourism_and_hospitality"  # 旅游住宿
    SERVICES = "services"  # 其他服务业
    OTHER = "other"


class EnterpriseVisitKind(StrEnum):
    SAFETY_INSPECTION = "safety_inspection"  # 安全生产检查
    ANTI_TERROR_DRILL = "anti_terror_drill"  # 防暴恐演练
    CASE_FOLLOW_UP = "case_follow_up"  # 涉企案件跟进
    SERVICE_VISIT = "service_visit"  # 送服务上门


class EnterpriseCaseCategory(StrEnum):
    THEFT = "theft"  # 盗窃
    FRAUD = "fraud"  # 诈骗
    OBSTRUCTION_OF_BUSINESS = "obstruction_of_business"  # 阻工扰企
    EXTORTION = "extortion"  # 敲诈勒索
    PROPERTY_DAMAGE = "property_damage"  # 故意毁坏财物
    LABOUR_DISPUTE = "labour_dispute"  # 劳资纠纷
    OTHER = "other"


class EnterpriseCaseOutcome(StrEnum):
    SOLVED = "solved"  # 破案 / 查处
    SETTLED = "settled"  # 调解了结
    TRANSFERRED = "transferred"  # 移送其他部门
    NO_OFFENCE = "no_offence"  # 不予立案


class JobReferralOutcome(StrEnum):
    HIRED = "hired"
    NOT_HIRED = "not_hired"


class NotHiredReason(StrEnum):
    DECLINED_BY_CANDIDATE = "declined_by_candidate"
    POSITION_FILLED = "position_filled"
    REQUIREMENTS_NOT_MET = "requirements_not_met"
    OTHER = "other"


# ---------------------------------------------------------------- registered organisations


@catalogue.event(SERVICE)
class SchoolRegistered(DomainEvent):
    school_code: SchoolCode
    name_zh: OrgName
    village_code: OrgCode


@catalogue.event(SERVICE)
class EnterpriseRegistered(DomainEvent):
    enterprise_code: EnterpriseCode
    name: OrgName
    village_code: OrgCode
    sector: EnterpriseSector


# ---------------------------------------------------------------- school household-registration drives


@catalogue.event(SERVICE, "RegistrationDriveLaunched", 1)
class RegistrationDriveLaunchedV1(DomainEvent):
    """A police station moves its household-registration window into schools for a period."""

    drive_id: RecordId
    station_code: OrgCode
    title: str = Field(min_length=1, max_length=200)
    period_start: date
    period_end: date = Field(description="Inclusive.")
    target_school_codes: tuple[str, ...] = Field(min_length=1, max_length=1000)


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("launched_on"))
class RegistrationDriveLaunched(RegistrationDriveLaunchedV1):
    """A police station moves its household-registration window into schools for a period; it
    decided so on ``launched_on`` (before the period, or after it began when entered late)."""

    launched_on: date


@catalogue.event(SERVICE, "RegistrationDriveTargetsAdded", 1)
class RegistrationDriveTargetsAddedV1(DomainEvent):
    drive_id: RecordId
    school_codes: tuple[str, ...] = Field(min_length=1, max_length=1000)


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("added_on"))
class RegistrationDriveTargetsAdded(RegistrationDriveTargetsAddedV1):
    """Schools added to the drive's targets on ``added_on``: they count as targets from that day."""

    added_on: date


class _SchoolDayFigures(DomainEvent):
    """What the window processed on one day of a drive at one school."""

    drive_id: RecordId
    school_code: SchoolCode
    visited_on: date
    students_processed: Count
    id_cards: Count = Field(description="ID-card applications processed (居民身份证).")
    household_changes: Count = Field(description="Household-registration changes processed (户口登记变更).")


@catalogue.event(SERVICE)
class SchoolVisitRecorded(_SchoolDayFigures):
    """One day of the window at one school and what it processed."""


@catalogue.event(SERVICE)
class SchoolVisitCorrected(_SchoolDayFigures):
    """The complete, corrected figures of a recorded school day (they replace the recorded ones)."""


@catalogue.event(SERVICE)
class RegistrationDriveClosed(DomainEvent):
    """The drive is over; its completion figure at closure is served / targets."""

    drive_id: RecordId
    closed_on: date
    target_schools: int = Field(ge=1)
    target_schools_served: Count


# ---------------------------------------------------------------- enterprise visits ("百警进百企")


@catalogue.event(SERVICE)
class EnterpriseVisitRecorded(DomainEvent):
    visit_id: RecordId
    enterprise_code: EnterpriseCode
    officer_person_id: PersonId
    kind: EnterpriseVisitKind
    visited_on: date
    findings: tuple[Text, ...] = Field(default=(), max_length=50)
    case_id: str | None = Field(
        default=None, min_length=1, max_length=40, description="The case followed up (kind case_follow_up)."
    )


@catalogue.event(SERVICE)
class FollowUpActionPlanned(DomainEvent):
    visit_id: RecordId
    action_no: int = Field(ge=1, description="Numbered 1, 2, ... within the visit.")
    action: str = Field(min_length=1, max_length=500)
    due_on: date = Field(description="After the visit's day.")


@catalogue.event(SERVICE)
class FollowUpActionCompleted(DomainEvent):
    visit_id: RecordId
    action_no: int = Field(ge=1)
    completed_on: date
    note: Note = ""


@catalogue.event(SERVICE)
class EnterpriseCaseOpened(DomainEvent):
    """An enterprise-related case (涉企案件), tracked until it is handled."""

    case_id: RecordId
    enterprise_code: EnterpriseCode
    category: EnterpriseCaseCategory
    opened_on: date
    summary: str = Field(min_length=1, max_length=500, description="What happened to the enterprise.")


@catalogue.event(SERVICE)
class EnterpriseCaseHandled(DomainEvent):
    """The case is handled; how long it took is ``handled_on`` - the case's ``opened_on``."""

    case_id: RecordId
    handled_on: date
    outcome: EnterpriseCaseOutcome
    note: Note = ""


# ---------------------------------------------------------------- job referrals


@catalogue.event(SERVICE)
class JobReferralMade(DomainEvent):
    """A person in difficulty is referred to a job at a local enterprise."""

    referral_id: RecordId
    person_ref: PersonRef
    enterprise_code: EnterpriseCode
    position: str = Field(min_length=1, max_length=100, description="The job offered, e.g. 包装工.")
    referred_on: date


@catalogue.event(SERVICE)
class JobReferralOutcomeRecorded(DomainEvent):
    referral_id: RecordId
    outcome: JobReferralOutcome
    decided_on: date
    not_hired_reason: NotHiredReason | None = Field(default=None, description="Only when not hired.")

    @model_validator(mode="after")
    def reason_only_when_not_hired(self) -> JobReferralOutcomeRecorded:
        if self.not_hired_reason is not None and self.outcome is not JobReferralOutcome.NOT_HIRED:
            raise ValueError("not_hired_reason is only for a referral that ended not hired")
        return self
