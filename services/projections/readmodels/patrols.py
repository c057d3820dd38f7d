"""Read model "patrols": patrols (巡逻) with who took part and the grids they visited, and clearance
operations (清查行动), for the leadership's questions per city / township / station / village over any
range of days. No names reach it: officers by person id, volunteers by their station's pseudonym."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from govgrid.catalogue.patrols import (
    CheckpointVisited,
    ClearanceOperationCancelled,
    ClearanceOperationCarriedOut,
    ClearanceOperationClosed,
    ClearanceOperationPlanned,
    OfficerMember,
    PatrolAborted,
    PatrolCompleted,
    PatrolObservationRecorded,
    PatrolScheduled,
    PatrolStarted,
    VolunteerMember,
)
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from govgrid.reference.org import ORG_EVENT_TYPES
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.coverage import COVERAGE

# Grids, villages, townships and station coverage, in this model's own tables of the coverage model's
# shape: "share of grids visited" and the township of a place are answered from them.
ORGANISATION = {event_type: COVERAGE.appliers[event_type] for event_type in ORG_EVENT_TYPES}

# The patrol's codes so far plus the event's ($2), each once: whoever may see any of its events sees it.
_WITH_EVENT_CODES = "codes = ARRAY(SELECT DISTINCT c FROM unnest(codes || $2::text[]) AS c ORDER BY c)"


def codes_of(e: EventEnvelope) -> list[str]:
    return sorted(e.jurisdiction.codes())


async def scheduled(conn: asyncpg.Connection, e: EventEnvelope, event: PatrolScheduled) -> None:
    await conn.execute(
        "INSERT INTO rm_patrols (patrol_id, team_id, station_code, planned_start, day, codes)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        event.patrol_id,
        event.team_id,
        event.station_code,
        event.planned_start,
        china_day(event.planned_start),
        codes_of(e),
    )


async def started(conn: asyncpg.Connection, e: EventEnvelope, event: PatrolStarted) -> None:
    await _update_patrol(
        conn, e, event.patrol_id, "started_at = $3, day = $4", event.started_at, china_day(event.started_at)
    )
    await conn.executemany(
        "INSERT INTO rm_patrol_participants (patrol_id, member_id, kind, affiliation, party_member)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(event.patrol_id, *_participant(member)) for member in event.participants],
    )


def _participant(member: OfficerMember | VolunteerMember) -> tuple[str, str, str | None, bool | None]:
    if isinstance(member, VolunteerMember):
        return member.member_id, member.kind, member.affiliation.value, member.party_member
    return member.member_id, member.kind, None, None


async def checkpoint_visited(conn: asyncpg.Connection, e: EventEnvelope, event: CheckpointVisited) -> None:
    await _update_patrol(conn, e, event.patrol_id)
    await conn.execute(
        "INSERT INTO rm_patrol_checkpoints (event_id, patrol_id, grid_code, visited_at, day)"
        " VALUES ($1, $2, $3, $4, $5)",
        e.event_id,
        event.patrol_id,
        event.grid_code,
        event.visited_at,
        china_day(event.visited_at),
    )


async def observation_recorded(
    conn: asyncpg.Connection, e: EventEnvelope, event: PatrolObservationRecorded
) -> None:
    # Only where it was seen matters here: it shows the patrol to that grid's township and village.
    await _update_patrol(conn, e, event.patrol_id)


async def completed(conn: asyncpg.Connection, e: EventEnvelope, event: PatrolCompleted) -> None:
    await _update_patrol(
        conn,
        e,
        event.patrol_id,
        "completed_at = $3, duration_minutes = $4, distance_km = $5",
        event.completed_at,
        event.duration_minutes,
        Decimal(str(event.distance_km)),  # as entered: sums of kilometres stay exact
    )


async def aborted(conn: asyncpg.Connection, e: EventEnvelope, event: PatrolAborted) -> None:
    await _update_patrol(conn, e, event.patrol_id, "aborted_at = $3", event.aborted_at)


async def _update_patrol(
    conn: asyncpg.Connection, e: EventEnvelope, patrol_id: str, assignments: str = "", *values: Any
) -> None:
    """Set ``assignments`` (parameters from $3) on the patrol and add the event's codes to it."""
    status = await conn.execute(
        f"UPDATE rm_patrols SET {', '.join(filter(None, [_WITH_EVENT_CODES, assignments]))}"
        " WHERE patrol_id = $1",
        patrol_id,
        codes_of(e),
        *values,
    )
    if status == "UPDATE 0":
        # Its scheduling was not applied (parked?): applying this one would lose it. Park it too.
        raise LookupError(f"patrol {patrol_id} is not in the read model")


async def clearance_planned(
    conn: asyncpg.Connection, e: EventEnvelope, event: ClearanceOperationPlanned
) -> None:
    await conn.execute(
        "INSERT INTO rm_clearance_operations"
        " (operation_id, station_code, focus, area_codes, status, planned_on, codes)"
        " VALUES ($1, $2, $3, $4, 'planned', $5, $6)",
        event.operation_id,
        event.station_code,
        event.focus,
        event.area_codes,
        event.planned_on,
        codes_of(e),
    )


async def clearance_carried_out(
    conn: asyncpg.Connection, e: EventEnvelope, event: ClearanceOperationCarriedOut
) -> None:
    await _update_operation(
        conn,
        event.operation_id,
        "status = 'carried_out', carried_out_on = $2, places_checked = $3, people_checked = $4,"
        " officers_deployed = $5, volunteers_deployed = $6",
        event.carried_out_on,
        event.places_checked,
        event.people_checked,
        event.officers_deployed,
        event.volunteers_deployed,
    )


async def clearance_closed(
    conn: asyncpg.Connection, e: EventEnvelope, event: ClearanceOperationClosed
) -> None:
    await _update_operation(conn, event.operation_id, "status = 'closed', closed_on = $2", event.closed_on)


async def clearance_cancelled(
    conn: asyncpg.Connection, e: EventEnvelope, event: ClearanceOperationCancelled
) -> None:
    await _update_operation(
        conn, event.operation_id, "status = 'cancelled', cancelled_on = $2", event.cancelled_on
    )


async def _update_operation(
    conn: asyncpg.Connection, operation_id: str, assignments: str, *values: Any
) -> None:
    status = await conn.execute(
        f"UPDATE rm_clearance_operations SET {assignments} WHERE operation_id = $1", operation_id, *values
    )
    if status == "UPDATE 0":
        raise LookupError(f"clearance operation {operation_id} is not in the read model")


PATROLS = ReadModel(
    name="patrols",
    services=frozenset({"patrols", "appointments"}),
    appliers={
        **ORGANISATION,
        "PatrolScheduled": scheduled,
        "PatrolStarted": started,
        "CheckpointVisited": checkpoint_visited,
        "PatrolObservationRecorded": observation_recorded,
        "PatrolCompleted": completed,
        "PatrolAborted": aborted,
        "ClearanceOperationPlanned": clearance_planned,
        "ClearanceOperationCarriedOut": clearance_carried_out,
        "ClearanceOperationClosed": clearance_closed,
        "ClearanceOperationCancelled": clearance_cancelled,
    },
)
