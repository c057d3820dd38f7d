"""Given events, when a decision, then events or a broken rule: the helpers of the domain's unit tests,
and the schools, enterprises and people the scenarios are about (the 2023 programme in Danzhou).

Every builder returns an event, so that a test reads as its history.
"""

from __future__ import annotations

from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOpened
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.catalogue.outreach import EnterpriseRegistered
from govgrid.catalogue.outreach import EnterpriseSector
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.outreach import FollowUpActionCompleted
from govgrid.catalogue.outreach import FollowUpActionPlanned
from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.outreach import JobReferralOutcome
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import RegistrationDriveClosed
from govgrid.catalogue.outreach import RegistrationDriveLaunched
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.testing.scenario import given
from services.outreach.domain import cases
from services.outreach.domain import drives
from services.outreach.domain import enterprise_visits
from services.outreach.domain import enterprises
from services.outreach.domain import referrals
from services.outreach.domain import schools
from services.outreach.domain.cases import EnterpriseCase
from services.outreach.domain.drives import Drive
from services.outreach.domain.enterprise_visits import EnterpriseVisit
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.referrals import JobReferral
from services.outreach.domain.schools import School

# ---------------------------------------------------------------- given / then


TODAY = date(2023, 11, 28)  # the day of the Legal Daily report

# ---------------------------------------------------------------- the grid (codes only: the registry's)

STATION = "DONGFENG"  # 东风派出所
VILLAGE = "DONGFENG-SQ"  # 东风社区, covered by 东风派出所
OTHER_VILLAGE = "SONGLIN"  # 松林村, covered by another station

# ---------------------------------------------------------------- schools and enterprises

SCHOOL = "4646001201"  # 东风中学
OTHER_SCHOOL = "4646001202"  # 东风小学
FAR_SCHOOL = "4646009901"  # 松林小学, in another station's area

SCHOOL_REGISTERED = SchoolRegistered(school_code=SCHOOL, name_zh="东风中学", village_code=VILLAGE)
OTHER_SCHOOL_REGISTERED = SchoolRegistered(school_code=OTHER_SCHOOL, name_zh="东风小学", village_code=VILLAGE)
FAR_SCHOOL_REGISTERED = SchoolRegistered(
    school_code=FAR_SCHOOL, name_zh="松林小学", village_code=OTHER_VILLAGE
)


def school(registered: SchoolRegistered = SCHOOL_REGISTERED) -> School:
    return given(schools.evolve, registered)


ENTERPRISE = "91469003MA5T0001X"  # 统一社会信用代码 of 东风橡胶加工厂
OTHER_ENTERPRISE = "91469003MA5T0002Y"
ENTERPRISE_REGISTERED = EnterpriseRegistered(
    enterprise_code=ENTERPRISE,
    name="东风橡胶加工厂",
    village_code=VILLAGE,
    sector=EnterpriseSector.MANUFACTURING,
)


def enterprise() -> Enterprise:
    return given(enterprises.evolve, ENTERPRISE_REGISTERED)


# ---------------------------------------------------------------- a drive: autumn term 2023

DRIVE = "d-2023-autumn"
PERIOD_START = date(2023, 9, 1)
PERIOD_END = date(2023, 10, 31)
LAUNCHED_ON = date(2023, 8, 22)


def launched(targets: tuple[str, ...] = (SCHOOL, OTHER_SCHOOL)) -> RegistrationDriveLaunched:
    return RegistrationDriveLaunched(
        drive_id=DRIVE,
        station_code=STATION,
        title="2023年秋季户籍窗口进校园",
        period_start=PERIOD_START,
        period_end=PERIOD_END,
        target_school_codes=targets,
        launched_on=LAUNCHED_ON,
    )


def visited(
    visited_on: date = date(2023, 9, 5),
    school_code: str = SCHOOL,
    students: int = 120,
    id_cards: int = 80,
    household_changes: int = 15,
) -> SchoolVisitRecorded:
    return SchoolVisitRecorded(
        drive_id=DRIVE,
        school_code=school_code,
        visited_on=visited_on,
        students_processed=students,
        id_cards=id_cards,
        household_changes=household_changes,
    )


def drive_closed(closed_on: date = PERIOD_END, served: int = 1) -> RegistrationDriveClosed:
    return RegistrationDriveClosed(
        drive_id=DRIVE, closed_on=closed_on, target_schools=2, target_schools_served=served
    )


def drive(*history: DomainEvent) -> Drive:
    """The autumn drive of 东风派出所 into its two schools, launched, then ``history``."""
    return given(drives.evolve, launched(), *history)


# ---------------------------------------------------------------- an enterprise visit and a case

OFFICER = "P-WANGHAI"
VISIT = "v-0001"
VISITED_ON = date(2023, 10, 10)
CASE = "c-0001"
CASE_OPENED_ON = date(2023, 10, 1)


def visit_recorded(
    kind: EnterpriseVisitKind = EnterpriseVisitKind.SAFETY_INSPECTION, case_id: str | None = None
) -> EnterpriseVisitRecorded:
    return EnterpriseVisitRecorded(
        visit_id=VISIT,
        enterprise_code=ENTERPRISE,
        officer_person_id=OFFICER,
        kind=kind,
        visited_on=VISITED_ON,
        findings=("消防通道堵塞",),
        case_id=case_id,
    )


def follow_up_planned(action_no: int = 1, due_on: date = date(2023, 10, 20)) -> FollowUpActionPlanned:
    return FollowUpActionPlanned(visit_id=VISIT, action_no=action_no, action="复查消防通道", due_on=due_on)


def follow_up_completed(
    action_no: int = 1, completed_on: date = date(2023, 10, 18)
) -> FollowUpActionCompleted:
    return FollowUpActionCompleted(
        visit_id=VISIT, action_no=action_no, completed_on=completed_on, note="已清理"
    )


def visit(*history: DomainEvent) -> EnterpriseVisit:
    """A safety inspection of 东风橡胶加工厂, recorded, then ``history``."""
    return given(enterprise_visits.evolve, visit_recorded(), *history)


def case_opened(enterprise_code: str = ENTERPRISE) -> EnterpriseCaseOpened:
    return EnterpriseCaseOpened(
        case_id=CASE,
        enterprise_code=enterprise_code,
        category=EnterpriseCaseCategory.THEFT,
        opened_on=CASE_OPENED_ON,
        summary="厂区橡胶被盗",
    )


def case_handled(handled_on: date = date(2023, 10, 15)) -> EnterpriseCaseHandled:
    return EnterpriseCaseHandled(case_id=CASE, handled_on=handled_on, outcome=EnterpriseCaseOutcome.SOLVED)


def case(*history: DomainEvent, enterprise_code: str = ENTERPRISE) -> EnterpriseCase:
    return given(cases.evolve, case_opened(enterprise_code), *history)


# ---------------------------------------------------------------- a job referral

REFERRAL = "r-0001"
PERSON_REF = "DF-2023-017"  # the file number at the station, nothing more
REFERRED_ON = date(2023, 10, 12)


def referral_made() -> JobReferralMade:
    return JobReferralMade(
        referral_id=REFERRAL,
        person_ref=PERSON_REF,
        enterprise_code=ENTERPRISE,
        position="包装工",
        referred_on=REFERRED_ON,
    )


def outcome_recorded(
    outcome: JobReferralOutcome = JobReferralOutcome.HIRED, decided_on: date = date(2023, 10, 20)
) -> JobReferralOutcomeRecorded:
    return JobReferralOutcomeRecorded(referral_id=REFERRAL, outcome=outcome, decided_on=decided_on)


def referral(*history: DomainEvent) -> JobReferral:
    return given(referrals.evolve, referral_made(), *history)
