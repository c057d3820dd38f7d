"""Read model "disputes": disputes received, in mediation, resolved and escalated (矛盾纠纷调处), per
city / township / station / village over any range of days, and the ageing backlog. Only dates,
levels, categories and places reach it: no party (not even a pseudonym), official, or free text."""

from __future__ import annotations

from typing import Any

import asyncpg

from govgrid.catalogue.mediation import (
    AgreementReached,
    DisputeClosed,
    DisputeEscalated,
    DisputeRegistered,
    MediationFailed,
    MediationLevel,
    MediationSessionHeld,
    MediatorsAssigned,
)
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.patrols import ORGANISATION


async def registered(conn: asyncpg.Connection, e: EventEnvelope, event: DisputeRegistered) -> None:
    await conn.execute(
        "INSERT INTO rm_disputes (dispute_id, category, source, township_code, station_code, village_code,"
        " level, registered_on, running_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        event.dispute_id,
        event.category.value,
        event.source.value,
        e.jurisdiction.township,
        e.jurisdiction.station,
        event.village_code,
        MediationLevel.VILLAGE.value,
        event.registered_on,
        event.running_since,
    )


async def mediators_assigned(conn: asyncpg.Connection, e: EventEnvelope, event: MediatorsAssigned) -> None:
    # A replaced pair keeps the first day: mediation began then. Who they are is not this model's.
    await _update(conn, e, event.dispute_id, "mediators_on = coalesce(mediators_on, $4)", event.assigned_on)


async def session_held(conn: asyncpg.Connection, e: EventEnvelope, event: MediationSessionHeld) -> None:
    # Only its place matters here: the dispute follows its village's station with each act.
    await _update(conn, e, event.dispute_id)


async def agreement_reached(conn: asyncpg.Connection, e: EventEnvelope, event: AgreementReached) -> None:
    await _update(conn, e, event.dispute_id, "agreement_on = $4", event.reached_on)


async def failed(conn: asyncpg.Connection, e: EventEnvelope, event: MediationFailed) -> None:
    await _update(conn, e, event.dispute_id)
    await _step(conn, e, event.dispute_id, "failed", event.level, event.failed_on)


async def escalated(conn: asyncpg.Connection, e: EventEnvelope, event: DisputeEscalated) -> None:
    at_court = event.to_level is MediationLevel.COURT
    await _update(
        conn,
        e,
        event.dispute_id,
        "level = $4, court_on = CASE WHEN $5 THEN $6 ELSE court_on END",
        event.to_level.value,
        at_court,
        event.escalated_on,
    )
    await _step(conn, e, event.dispute_id, "escalated", event.to_level, event.escalated_on)


async def closed(conn: asyncpg.Connection, e: EventEnvelope, event: DisputeClosed) -> None:
    await _update(
        conn, e, event.dispute_id, "closed_on = $4, close_outcome = $5", event.closed_on, event.outcome.value
    )


async def _update(
    conn: asyncpg.Connection, e: EventEnvelope, dispute_id: str, assignments: str = "", *values: Any
) -> None:
    """Set ``assignments`` (parameters from $4) and the event's station and township on the dispute."""
    status = await conn.execute(
        "UPDATE rm_disputes SET "
        + ", ".join(filter(None, ["township_code = $2, station_code = $3", assignments]))
        + " WHERE dispute_id = $1",
        dispute_id,
        e.jurisdiction.township,
        e.jurisdiction.station,
        *values,
    )
    if status == "UPDATE 0":
        # Its registration was not applied (parked?): applying this one would lose it. Park it too.
        raise LookupError(f"dispute {dispute_id} is not in the read model")


async def _step(
    conn: asyncpg.Connection, e: EventEnvelope, dispute_id: str, step: str, level: MediationLevel, day: Any
) -> None:
    await conn.execute(
        "INSERT INTO rm_dispute_steps (event_id, dispute_id, step, level, day) VALUES ($1, $2, $3, $4, $5)",
        e.event_id,
        dispute_id,
        step,
        level.value,
        day,
    )


DISPUTES = ReadModel(
    name="disputes",
    services=frozenset({"mediation", "appointments"}),
    appliers={
        **ORGANISATION,
        "DisputeRegistered": registered,
        "MediatorsAssigned": mediators_assigned,
        "MediationSessionHeld": session_held,
        "AgreementReached": agreement_reached,
        "MediationFailed": failed,
        "DisputeEscalated": escalated,
        "DisputeClosed": closed,
    },
)
