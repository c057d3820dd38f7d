"""Read model "leads" (线索): received by channel and category, verified, dismissed, outcomes and
arrests, per city / township / station / village over any range of days.

Informant protection: the informant reference, the anonymity flag (it says whether someone left a
contact), descriptions, case numbers and handlers never reach it; reveals, refusals and shredding
are not its business (no applier)."""

from __future__ import annotations

from typing import Any

import asyncpg

from govgrid.catalogue.tips import (
    LeadClosed,
    LeadDismissed,
    LeadOutcomeRecorded,
    LeadReceived,
    LeadTriaged,
    LeadVerified,
)
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.patrols import ORGANISATION


async def received(conn: asyncpg.Connection, e: EventEnvelope, event: LeadReceived) -> None:
    await conn.execute(
        "INSERT INTO rm_leads (lead_id, channel, category, township_code, station_code, village_code,"
        " received_at, received_on, triage_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        event.lead_id,
        event.channel.value,
        event.category.value,
        e.jurisdiction.township,
        event.station_code,
        event.village_code,
        event.received_at,
        china_day(event.received_at),
        event.triage_due_at,
    )


async def triaged(conn: asyncpg.Connection, e: EventEnvelope, event: LeadTriaged) -> None:
    await _update(conn, event.lead_id, "triaged_at = $2, due_at = $3", e.occurred_at, event.due_at)


async def verified(conn: asyncpg.Connection, e: EventEnvelope, event: LeadVerified) -> None:
    await _update(conn, event.lead_id, "verified_on = $2", event.verified_on)


async def dismissed(conn: asyncpg.Connection, e: EventEnvelope, event: LeadDismissed) -> None:
    await _update(
        conn,
        event.lead_id,
        "dismissed_on = $2, dismissal_reason = $3",
        event.dismissed_on,
        event.reason.value,
    )


async def outcome_recorded(conn: asyncpg.Connection, e: EventEnvelope, event: LeadOutcomeRecorded) -> None:
    await _update(conn, event.lead_id)
    await conn.execute(
        "INSERT INTO rm_lead_outcomes (event_id, lead_id, outcome, outcome_on) VALUES ($1, $2, $3, $4)",
        e.event_id,
        event.lead_id,
        event.outcome.value,
        event.outcome_on,
    )


async def closed(conn: asyncpg.Connection, e: EventEnvelope, event: LeadClosed) -> None:
    await _update(conn, event.lead_id, "closed_on = $2", event.closed_on)


async def _update(conn: asyncpg.Connection, lead_id: str, assignments: str = "", *values: Any) -> None:
    # Without assignments, only checks that the lead is there.
    query = (
        f"UPDATE rm_leads SET {assignments} WHERE lead_id = $1"
        if assignments
        else "SELECT 1 FROM rm_leads WHERE lead_id = $1"
    )
    status = await conn.execute(query, lead_id, *values)
    if status in ("UPDATE 0", "SELECT 0"):
        # Its receipt was not applied (parked?): applying this one would lose it. Park it too.
        raise LookupError(f"lead {lead_id} is not in the read model")


LEADS = ReadModel(
    name="leads",
    services=frozenset({"tips", "appointments"}),
    appliers={
        **ORGANISATION,
        "LeadReceived": received,
        "LeadTriaged": triaged,
        "LeadVerified": verified,
        "LeadDismissed": dismissed,
        "LeadOutcomeRecorded": outcome_recorded,
        "LeadClosed": closed,
    },
)
