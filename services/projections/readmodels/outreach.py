"""Read model "outreach": services to residents and enterprises - school household-registration
drives, enterprise visits ("百警进百企") and their follow-up actions, enterprise cases and job referrals -
for the services panel per city / township / station / village over any range of days. No personal
data reaches it: a job referral's person reference is not kept, nor any free text."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

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
from govgrid.reference.org import ORG_EVENT_TYPES
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.coverage import COVERAGE

# The registry in this model's own tables of the coverage model's shape: it names the stations.
ORGANISATION = {event_type: COVERAGE.appliers[event_type] for event_type in ORG_EVENT_TYPES}


def place(e: EventEnvelope) -> tuple[str | None, str | None, str | None]:
    """Township, station and village the event was filed under."""
    return e.jurisdiction.township, e.jurisdiction.station, e.jurisdiction.village


async def school_registered(conn: asyncpg.Connection, e: EventEnvelope, event: SchoolRegistered) -> None:
    await conn.execute(
        "INSERT INTO rm_schools (school_code, township_code, village_code) VALUES ($1, $2, $3)",
        event.school_code,
        e.jurisdiction.township,
        event.village_code,
    )


async def drive_launched(
    conn: asyncpg.Connection, e: EventEnvelope, event: RegistrationDriveLaunched
) -> None:
    await conn.execute(
        "INSERT INTO rm_drives (drive_id, station_code, period_start, period_end) VALUES ($1, $2, $3, $4)",
        event.drive_id,
        event.station_code,
        event.period_start,
        event.period_end,
    )
    # The launch's target list is the drive's plan: it counts from the period's start even when the
    # drive is recorded after it began (entered after the fact), not from the day it was typed in.
    counts_from = min(china_day(e.occurred_at), event.period_start)
    await _add_targets(conn, event.drive_id, event.target_school_codes, counts_from)


async def targets_added(
    conn: asyncpg.Connection, e: EventEnvelope, event: RegistrationDriveTargetsAdded
) -> None:
    await _require_drive(conn, event.drive_id)
    # Targets added later count from the day they were recorded: the command carries no date.
    await _add_targets(conn, event.drive_id, event.school_codes, china_day(e.occurred_at))


async def _add_targets(
    conn: asyncpg.Connection, drive_id: str, school_codes: tuple[str, ...], counts_from: date
) -> None:
    # A code listed twice in one command is one target.
    await conn.execute(
        "INSERT INTO rm_drive_targets (drive_id, school_code, added_on)"
        " SELECT $1, code, $3 FROM (SELECT DISTINCT unnest($2::text[]) AS code) AS codes",
        drive_id,
        list(school_codes),
        counts_from,
    )


async def _require_drive(conn: asyncpg.Connection, drive_id: str) -> None:
    if await conn.fetchval("SELECT 1 FROM rm_drives WHERE drive_id = $1", drive_id) is None:
        # Its launch was not applied (parked?): applying this one would lose it. Park it too.
        raise LookupError(f"drive {drive_id} is not in the read model")


async def school_visit_recorded(
    conn: asyncpg.Connection, e: EventEnvelope, event: SchoolVisitRecorded
) -> None:
    await _require_drive(conn, event.drive_id)
    await conn.execute(
        "INSERT INTO rm_school_visits (drive_id, school_code, visited_on, students_processed, id_cards,"
        " household_changes, township_code, station_code, village_code)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        event.drive_id,
        event.school_code,
        event.visited_on,
        event.students_processed,
        event.id_cards,
        event.household_changes,
        *place(e),
    )


async def school_visit_corrected(
    conn: asyncpg.Connection, e: EventEnvelope, event: SchoolVisitCorrected
) -> None:
    # The event carries the day's complete figures: they replace the recorded ones.
    await _update(
        conn,
        f"school day {event.school_code} {event.visited_on} of drive {event.drive_id}",
        "UPDATE rm_school_visits SET students_processed = $4, id_cards = $5, household_changes = $6"
        " WHERE drive_id = $1 AND school_code = $2 AND visited_on = $3",
        event.drive_id,
        event.school_code,
        event.visited_on,
        event.students_processed,
        event.id_cards,
        event.household_changes,
    )


async def drive_closed(conn: asyncpg.Connection, e: EventEnvelope, event: RegistrationDriveClosed) -> None:
    await _update(
        conn,
        f"drive {event.drive_id}",
        "UPDATE rm_drives SET closed_on = $2 WHERE drive_id = $1",
        event.drive_id,
        event.closed_on,
    )


async def enterprise_visit_recorded(
    conn: asyncpg.Connection, e: EventEnvelope, event: EnterpriseVisitRecorded
) -> None:
    await conn.execute(
        "INSERT INTO rm_enterprise_visits (visit_id, enterprise_code, kind, visited_on, township_code,"
        " station_code, village_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        event.visit_id,
        event.enterprise_code,
        event.kind.value,
        event.visited_on,
        *place(e),
    )


async def follow_up_planned(conn: asyncpg.Connection, e: EventEnvelope, event: FollowUpActionPlanned) -> None:
    status = await conn.execute(
        "INSERT INTO rm_follow_up_actions (visit_id, action_no, planned_on, due_on)"
        " SELECT visit_id, $2, $3, $4 FROM rm_enterprise_visits WHERE visit_id = $1",
        event.visit_id,
        event.action_no,
        china_day(e.occurred_at),
        event.due_on,
    )
    if status == "INSERT 0 0":
        raise LookupError(f"enterprise visit {event.visit_id} is not in the read model")


async def follow_up_completed(
    conn: asyncpg.Connection, e: EventEnvelope, event: FollowUpActionCompleted
) -> None:
    await _update(
        conn,
        f"follow-up action {event.action_no} of enterprise visit {event.visit_id}",
        "UPDATE rm_follow_up_actions SET completed_on = $3 WHERE visit_id = $1 AND action_no = $2",
        event.visit_id,
        event.action_no,
        event.completed_on,
    )


async def case_opened(conn: asyncpg.Connection, e: EventEnvelope, event: EnterpriseCaseOpened) -> None:
    await conn.execute(
        "INSERT INTO rm_enterprise_cases (case_id, enterprise_code, category, opened_on, township_code,"
        " station_code, village_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        event.case_id,
        event.enterprise_code,
        event.category.value,
        event.opened_on,
        *place(e),
    )


async def case_handled(conn: asyncpg.Connection, e: EventEnvelope, event: EnterpriseCaseHandled) -> None:
    await _update(
        conn,
        f"enterprise case {event.case_id}",
        "UPDATE rm_enterprise_cases SET handled_on = $2, outcome = $3 WHERE case_id = $1",
        event.case_id,
        event.handled_on,
        event.outcome.value,
    )


async def referral_made(conn: asyncpg.Connection, e: EventEnvelope, event: JobReferralMade) -> None:
    # event.person_ref stays out: the read model answers with counts, never about a person.
    await conn.execute(
        "INSERT INTO rm_job_referrals (referral_id, enterprise_code, referred_on, township_code,"
        " station_code, village_code) VALUES ($1, $2, $3, $4, $5, $6)",
        event.referral_id,
        event.enterprise_code,
        event.referred_on,
        *place(e),
    )


async def referral_outcome(
    conn: asyncpg.Connection, e: EventEnvelope, event: JobReferralOutcomeRecorded
) -> None:
    await _update(
        conn,
        f"job referral {event.referral_id}",
        "UPDATE rm_job_referrals SET outcome = $2, decided_on = $3 WHERE referral_id = $1",
        event.referral_id,
        event.outcome.value,
        event.decided_on,
    )


async def _update(conn: asyncpg.Connection, record: str, statement: str, *values: Any) -> None:
    if await conn.execute(statement, *values) == "UPDATE 0":
        # The event that created the record was not applied (parked?): applying this one would lose
        # it. Park it too.
        raise LookupError(f"{record} is not in the read model")


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
