"""The dispute index: one row per dispute, written in the same transaction as the dispute's events,
for what a stream cannot answer by itself: the disputes of a jurisdiction, and those overdue for
escalation (the ladder's due date, computed by the domain).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import asyncpg

from govgrid.aggregate import load
from govgrid.auth import Principal
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import MediationLevel
from govgrid.envelope import Jurisdiction
from govgrid.eventstore import PostgresEventStore
from govgrid.service.visibility import visible_codes
from govgrid.service.visibility import visible_sql
from services.mediation.domain import disputes
from services.mediation.domain.disputes import OPEN
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import DisputeStatus
from services.mediation.domain.ladder import EscalationDue
from services.mediation.domain.ladder import EscalationLadder

# Statuses whose due date depends on the ladder (a failed mediation is due whatever the ladder says).
LADDER_DEPENDENT = tuple(s.value for s in OPEN)


def due_body(due: EscalationDue | None) -> dict[str, Any] | None:
    return asdict(due) if due is not None else None


async def write_index(
    conn: asyncpg.Connection,
    dispute: Dispute,
    version: int,
    jurisdiction: Jurisdiction,
    ladder: EscalationLadder,
) -> EscalationDue | None:
    """Record the dispute as it is after ``version``; returns its escalation due date."""
    due = ladder.due(dispute)
    await conn.execute(
        "INSERT INTO dispute_index (dispute_id, village_code, township_code, station_code, category, source,"
        " status, level, registered_on, last_act_on, due_on, due_reason, version)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        " ON CONFLICT (dispute_id) DO UPDATE SET township_code = EXCLUDED.township_code,"
        " station_code = EXCLUDED.station_code, status = EXCLUDED.status, level = EXCLUDED.level,"
        " last_act_on = EXCLUDED.last_act_on, due_on = EXCLUDED.due_on, due_reason = EXCLUDED.due_reason,"
        " version = EXCLUDED.version",
        dispute.dispute_id,
        dispute.village_code,
        jurisdiction.township,
        jurisdiction.station,
        dispute.category.value,
        dispute.source.value,
        dispute.status.value,
        dispute.level.value,
        dispute.registered_on,
        dispute.last_act_on,
        due.due_on if due else None,
        due.reason.value if due else None,
        version,
    )
    return due


async def indexed_due(db: asyncpg.Pool | asyncpg.Connection, dispute_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow("SELECT due_on, due_reason FROM dispute_index WHERE dispute_id = $1", dispute_id)
    if row is None or row["due_on"] is None:
        return None
    return {"due_on": row["due_on"], "reason": row["due_reason"]}


def _ladder_json(ladder: EscalationLadder) -> dict[str, Any]:
    return {level.value: asdict(limit) for level, limit in sorted(ladder.limits.items())}


async def recompute_due_dates(pool: asyncpg.Pool, ladder: EscalationLadder) -> int:
    """When the service starts with another ladder than the due dates were computed with, compute
    them again for the disputes still in mediation; returns how many were recomputed."""
    wanted = _ladder_json(ladder)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("LOCK TABLE escalation_ladder IN EXCLUSIVE MODE")  # one starter at a time
        stored = await conn.fetchval("SELECT ladder::text FROM escalation_ladder")
        if stored is not None and json.loads(stored) == wanted:
            return 0
        store = PostgresEventStore(conn)
        rows = await conn.fetch(
            "SELECT dispute_id FROM dispute_index WHERE status = ANY($1::text[])", LADDER_DEPENDENT
        )
        for row in rows:
            dispute = (await load(store, disputes.stream_id(row["dispute_id"]), disputes.evolve)).state
            assert dispute is not None  # indexed disputes have events
            due = ladder.due(dispute)
            await conn.execute(
                "UPDATE dispute_index SET due_on = $2, due_reason = $3 WHERE dispute_id = $1",
                dispute.dispute_id,
                due.due_on if due else None,
                due.reason.value if due else None,
            )
        await conn.execute(
            "INSERT INTO escalation_ladder (ladder) VALUES ($1::jsonb)"
            " ON CONFLICT (singleton) DO UPDATE SET ladder = EXCLUDED.ladder",
            json.dumps(wanted),
        )
        return len(rows)


async def list_disputes(
    db: asyncpg.Pool,
    principal: Principal,
    *,
    on: date,
    overdue: bool = False,
    status: DisputeStatus | None = None,
    level: MediationLevel | None = None,
    category: DisputeCategory | None = None,
    village_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The disputes the caller may see, newest first; ``overdue``: only those whose escalation is due
    on ``on`` or earlier, most overdue first. One page, with the total."""
    args: list[Any] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    conditions = [visible_sql(param(visible_codes(principal)))]
    if overdue:
        conditions.append(f"due_on <= {param(on)}")
    for column, value in (("status", status), ("level", level), ("category", category)):
        if value is not None:
            conditions.append(f"{column} = {param(value.value)}")
    if village_code is not None:
        conditions.append(f"village_code = {param(village_code)}")
    where = " AND ".join(conditions)
    total = await db.fetchval(f"SELECT count(*) FROM dispute_index WHERE {where}", *args)
    day = param(on)
    order = "due_on, dispute_id" if overdue else "registered_on DESC, dispute_id"
    rows = await db.fetch(
        "SELECT dispute_id, village_code, township_code, station_code, category, source, status, level,"
        f" registered_on, last_act_on, due_on, due_reason, coalesce(due_on <= {day}, false) AS overdue,"
        f" {day} - registered_on AS age_days FROM dispute_index WHERE {where}"
        f" ORDER BY {order} LIMIT {param(limit)} OFFSET {param(offset)}",
        *args,
    )
    items = []
    for row in rows:
        item = dict(row)
        due_on, reason = item.pop("due_on"), item.pop("due_reason")
        item["escalation_due"] = {"due_on": due_on, "reason": reason} if due_on is not None else None
        items.append(item)
    return {"on": on, "total": total, "limit": limit, "offset": offset, "items": items}
