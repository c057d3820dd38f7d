"""The lead index: one row per lead, written by the command handlers in the same transaction as the
lead's events (so it is never behind), read by the listing of leads and of overdue leads.

It holds where a lead is, its state and its deadline; nothing of the informant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from govgrid.auth import Principal
from govgrid.envelope import Jurisdiction
from govgrid.service.visibility import visible_codes
from govgrid.service.visibility import visible_sql
from services.tips.domain.leads import Lead
from services.tips.domain.leads import LeadStatus

_COLUMNS = (
    "lead_id, version, status, channel, category, priority, village_code, grid_code, station_code,"
    " township, station, village, handler, received_at, due_at, closed_on"
)


async def save(conn: asyncpg.Connection, lead: Lead, version: int, jurisdiction: Jurisdiction) -> None:
    await conn.execute(
        f"INSERT INTO lead_index ({_COLUMNS})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        " ON CONFLICT (lead_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,"
        " priority = EXCLUDED.priority, handler = EXCLUDED.handler, due_at = EXCLUDED.due_at,"
        " closed_on = EXCLUDED.closed_on",
        lead.lead_id,
        version,
        lead.status.value,
        lead.channel.value,
        lead.category.value,
        lead.priority.value if lead.priority else None,
        lead.village_code,
        lead.grid_code,
        lead.station_code,
        jurisdiction.township,
        jurisdiction.station,
        jurisdiction.village,
        lead.handler,
        lead.received_at,
        lead.pending_deadline,
        lead.closed_on,
    )


@dataclass(frozen=True)
class LeadQuery:
    overdue: bool = False  # only leads past the deadline they wait on (triage or decision)
    status: LeadStatus | None = None
    limit: int = 50
    offset: int = 0


_VISIBLE = visible_sql("$1", "township", "station", "village")
_FILTERS = f"{_VISIBLE} AND (NOT $2::boolean OR due_at < $3) AND ($4::text IS NULL OR status = $4)"


async def list_leads(
    db: asyncpg.Pool | asyncpg.Connection, principal: Principal, query: LeadQuery, now: datetime
) -> dict[str, Any]:
    """A page of the leads the caller may see: the most overdue first, or else the newest first."""
    arguments = (
        visible_codes(principal),
        query.overdue,
        now,
        query.status.value if query.status else None,
    )
    order = "due_at, lead_id" if query.overdue else "received_at DESC, lead_id"
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM lead_index WHERE {_FILTERS} ORDER BY {order} LIMIT $5 OFFSET $6",
        *arguments,
        query.limit,
        query.offset,
    )
    total = await db.fetchval(f"SELECT count(*) FROM lead_index WHERE {_FILTERS}", *arguments)
    return {
        "items": [_item(row, now) for row in rows],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


def _item(row: asyncpg.Record, now: datetime) -> dict[str, Any]:
    due_at: datetime | None = row["due_at"]
    return {
        "lead_id": row["lead_id"],
        "status": row["status"],
        "channel": row["channel"],
        "category": row["category"],
        "priority": row["priority"],
        "village_code": row["village_code"],
        "grid_code": row["grid_code"],
        "station_code": row["station_code"],
        "handler": row["handler"],
        "received_at": row["received_at"],
        "due_at": due_at,
        "overdue": due_at is not None and due_at < now,
        "closed_on": row["closed_on"],
        "version": row["version"],
    }
