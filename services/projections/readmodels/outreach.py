"""Read model "outreach": services to residents and enterprises - school household-registration
drives, enterprise visits ("百警进百企") and their follow-up actions, enterprise cases and job referrals -
for the services panel per city / township / station / village over any range of days. No personal
data reaches it: a job referral's person reference is not kept, nor any free text."""

from __future__ import annotations

from datetime import date

from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOpened
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.outreach import FollowUpActionCompleted
from govgrid.catalogue.outreach import FollowUpActionPlanned
from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import RegistrationDriveClosed
from govgrid.catalogue.outreach import RegistrationDriveLaunched
from govgrid.catalogue.outreach import RegistrationDriveTargetsAdded
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.catalogue.outreach import SchoolVisitCorrected
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.base import place
from services.projections.readmodels.organisation import keeping_registry

SCHOOLS = Table("rm_schools", ("school_code",), "school")
DRIVES = Table("rm_drives", ("drive_id",), "drive")
DRIVE_TARGETS = Table("rm_drive_targets", ("drive_id", "school_code"), "drive target")
SCHOOL_VISITS = Table("rm_school_visits", ("drive_id", "school_code", "visited_on"), "school day of drive")
ENTERPRISE_VISITS = Table("rm_enterprise_visits", ("visit_id",), "enterprise visit")
FOLLOW_UPS = Table("rm_follow_up_actions", ("visit_id", "action_no"), "follow-up action of enterprise visit")
CASES = Table("rm_enterprise_cases", ("case_id",), "enterprise case")
REFERRALS = Table("rm_job_referrals", ("referral_id",), "job referral")

# A school day's figures, as recorded or as corrected (the complete figures again).
SCHOOL_DAY_FIGURES = ("students_processed", "id_cards", "household_changes")


def school_registered(c: Changes, e: EventEnvelope, event: SchoolRegistered) -> None:
    c.insert(
        SCHOOLS, **fields_of(event, "school_code", "village_code"), township_code=e.jurisdiction.township
    )


def drive_launched(c: Changes, e: EventEnvelope, event: RegistrationDriveLaunched) -> None:
    c.insert(DRIVES, **fields_of(event, "drive_id", "station_code", "period_start", "period_end"))
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
        **fields_of(event, "drive_id", "school_code", "visited_on", *SCHOOL_DAY_FIGURES),
        **place(e),
    )


def school_visit_corrected(c: Changes, e: EventEnvelope, event: SchoolVisitCorrected) -> None:
    # The event carries the day's complete figures: they replace the recorded ones.
    key = (event.drive_id, event.school_code, event.visited_on)
    c.update(SCHOOL_VISITS, key, **fields_of(event, *SCHOOL_DAY_FIGURES))


def drive_closed(c: Changes, e: EventEnvelope, event: RegistrationDriveClosed) -> None:
    c.update(DRIVES, event.drive_id, closed_on=event.closed_on)


def enterprise_visit_recorded(c: Changes, e: EventEnvelope, event: EnterpriseVisitRecorded) -> None:
    c.insert(
        ENTERPRISE_VISITS, **fields_of(event, "visit_id", "enterprise_code", "kind", "visited_on"), **place(e)
    )


def follow_up_planned(c: Changes, e: EventEnvelope, event: FollowUpActionPlanned) -> None:
    c.update(ENTERPRISE_VISITS, event.visit_id)  # only requires the visit
    c.insert(
        FOLLOW_UPS,
        **fields_of(event, "visit_id", "action_no", "due_on"),
        planned_on=china_day(e.occurred_at),
    )


def follow_up_completed(c: Changes, e: EventEnvelope, event: FollowUpActionCompleted) -> None:
    c.update(FOLLOW_UPS, (event.visit_id, event.action_no), completed_on=event.completed_on)


def case_opened(c: Changes, e: EventEnvelope, event: EnterpriseCaseOpened) -> None:
    c.insert(CASES, **fields_of(event, "case_id", "enterprise_code", "category", "opened_on"), **place(e))


def case_handled(c: Changes, e: EventEnvelope, event: EnterpriseCaseHandled) -> None:
    c.update(CASES, event.case_id, handled_on=event.handled_on, outcome=event.outcome.value)


def referral_made(c: Changes, e: EventEnvelope, event: JobReferralMade) -> None:
    # event.person_ref stays out: the read model answers with counts, never about a person.
    c.insert(REFERRALS, **fields_of(event, "referral_id", "enterprise_code", "referred_on"), **place(e))


def referral_outcome(c: Changes, e: EventEnvelope, event: JobReferralOutcomeRecorded) -> None:
    c.update(REFERRALS, event.referral_id, outcome=event.outcome.value, decided_on=event.decided_on)


OUTREACH = keeping_registry(
    "outreach",
    {"outreach"},
    by_event(
        school_registered,
        drive_launched,
        targets_added,
        school_visit_recorded,
        school_visit_corrected,
        drive_closed,
        enterprise_visit_recorded,
        follow_up_planned,
        follow_up_completed,
        case_opened,
        case_handled,
        referral_made,
        referral_outcome,
    ),
)
