"""Read model "outreach": services to residents and enterprises - school household-registration
drives, enterprise visits ("百警进百企") and their follow-up actions, enterprise cases and job referrals -
for the services panel per city / township / station / village over any range of days. No personal
data reaches it: a job referral's person reference is not kept, nor any free text."""

from __future__ import annotations

from datetime import date

from govgrid.catalogue.outreach import (
    EnterpriseCaseHandled,
    EnterpriseCaseOpened,
    EnterpriseVisitRecorded,
    FollowUpActionCompleted,
    FollowUpActionPlanned,
    JobReferralMade,
    JobReferralOutcomeRecorded,
    RegistrationDriveClosed,
    RegistrationDriveLaunched,
    RegistrationDriveTargetsAdded,
    SchoolRegistered,
    SchoolVisitCorrected,
    SchoolVisitRecorded,
)
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes, ReadModel, Table, place
from services.projections.readmodels.organisation import ORGANISATION

SCHOOLS = Table("rm_schools", ("school_code",), "school")
DRIVES = Table("rm_drives", ("drive_id",), "drive")
DRIVE_TARGETS = Table("rm_drive_targets", ("drive_id", "school_code"), "drive target")
SCHOOL_VISITS = Table("rm_school_visits", ("drive_id", "school_code", "visited_on"), "school day of drive")
ENTERPRISE_VISITS = Table("rm_enterprise_visits", ("visit_id",), "enterprise visit")
FOLLOW_UPS = Table("rm_follow_up_actions", ("visit_id", "action_no"), "follow-up action of enterprise visit")
CASES = Table("rm_enterprise_cases", ("case_id",), "enterprise case")
REFERRALS = Table("rm_job_referrals", ("referral_id",), "job referral")


def school_registered(c: Changes, e: EventEnvelope, event: SchoolRegistered) -> None:
    c.insert(
        SCHOOLS,
        school_code=event.school_code,
        township_code=e.jurisdiction.township,
        village_code=event.village_code,
    )


def drive_launched(c: Changes, e: EventEnvelope, event: RegistrationDriveLaunched) -> None:
    c.insert(
        DRIVES,
        drive_id=event.drive_id,
        station_code=event.station_code,
        period_start=event.period_start,
        period_end=event.period_end,
    )
    # The launch's target list is the drive's plan: it counts from the period's start even when the
    # drive was launched after it began (decided late), else from the launch.
    counts_from = min(event.launched_on, event.period_start)
    _add_targets(c, event.drive_id, event.target_school_codes, counts_from)


def targets_added(c: Changes, e: EventEnvelope, event: RegistrationDriveTargetsAdded) -> None:
    c.update(DRIVES, event.drive_id)  # only requires the drive
    # Targets added later count from the day they were added.
    _add_targets(c, event.drive_id, event.school_codes, event.added_on)


def _add_targets(c: Changes, drive_id: str, school_codes: tuple[str, ...], counts_from: date) -> None:
    for code in sorted(set(school_codes)):  # a code listed twice in one command is one target
        c.insert(DRIVE_TARGETS, drive_id=drive_id, school_code=code, added_on=counts_from)


def school_visit_recorded(c: Changes, e: EventEnvelope, event: SchoolVisitRecorded) -> None:
    c.update(DRIVES, event.drive_id)  # only requires the drive
    c.insert(
        SCHOOL_VISITS,
        drive_id=event.drive_id,
        school_code=event.school_code,
        visited_on=event.visited_on,
        students_processed=event.students_processed,
        id_cards=event.id_cards,
        household_changes=event.household_changes,
        **place(e),
    )


def school_visit_corrected(c: Changes, e: EventEnvelope, event: SchoolVisitCorrected) -> None:
    # The event carries the day's complete figures: they replace the recorded ones.
    c.update(
        SCHOOL_VISITS,
        (event.drive_id, event.school_code, event.visited_on),
        students_processed=event.students_processed,
        id_cards=event.id_cards,
        household_changes=event.household_changes,
    )


def drive_closed(c: Changes, e: EventEnvelope, event: RegistrationDriveClosed) -> None:
    c.update(DRIVES, event.drive_id, closed_on=event.closed_on)


def enterprise_visit_recorded(c: Changes, e: EventEnvelope, event: EnterpriseVisitRecorded) -> None:
    c.insert(
        ENTERPRISE_VISITS,
        visit_id=event.visit_id,
        enterprise_code=event.enterprise_code,
        kind=event.kind.value,
        visited_on=event.visited_on,
        **place(e),
    )


def follow_up_planned(c: Changes, e: EventEnvelope, event: FollowUpActionPlanned) -> None:
    c.update(ENTERPRISE_VISITS, event.visit_id)  # only requires the visit
    c.insert(
        FOLLOW_UPS,
        visit_id=event.visit_id,
        action_no=event.action_no,
        planned_on=china_day(e.occurred_at),
        due_on=event.due_on,
    )


def follow_up_completed(c: Changes, e: EventEnvelope, event: FollowUpActionCompleted) -> None:
    c.update(FOLLOW_UPS, (event.visit_id, event.action_no), completed_on=event.completed_on)


def case_opened(c: Changes, e: EventEnvelope, event: EnterpriseCaseOpened) -> None:
    c.insert(
        CASES,
        case_id=event.case_id,
        enterprise_code=event.enterprise_code,
        category=event.category.value,
        opened_on=event.opened_on,
        **place(e),
    )


def case_handled(c: Changes, e: EventEnvelope, event: EnterpriseCaseHandled) -> None:
    c.update(CASES, event.case_id, handled_on=event.handled_on, outcome=event.outcome.value)


def referral_made(c: Changes, e: EventEnvelope, event: JobReferralMade) -> None:
    # event.person_ref stays out: the read model answers with counts, never about a person.
    c.insert(
        REFERRALS,
        referral_id=event.referral_id,
        enterprise_code=event.enterprise_code,
        referred_on=event.referred_on,
        **place(e),
    )


def referral_outcome(c: Changes, e: EventEnvelope, event: JobReferralOutcomeRecorded) -> None:
    c.update(REFERRALS, event.referral_id, outcome=event.outcome.value, decided_on=event.decided_on)


OUTREACH = ReadModel(
    name="outreach",
    services=frozenset({"outreach", "appointments"}),
    appliers={
        **ORGANISATION,
        "SchoolRegistered": school_registered,
        "RegistrationDriveLaunched": drive_launched,
        "RegistrationDriveTargetsAdded": targets_added,
        "SchoolVisitRecorded": school_visit_recorded,
        "SchoolVisitCorrected": school_visit_corrected,
        "RegistrationDriveClosed": drive_closed,
        "EnterpriseVisitRecorded": enterprise_visit_recorded,
        "FollowUpActionPlanned": follow_up_planned,
        "FollowUpActionCompleted": follow_up_completed,
        "EnterpriseCaseOpened": case_opened,
        "EnterpriseCaseHandled": case_handled,
        "JobReferralMade": referral_made,
        "JobReferralOutcomeRecorded": referral_outcome,
    },
)
