"""The recent-activity feed: newest first, up to the end of the day asked for."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg

from govgrid.china_time import occurred_on
from services.projections.queries.scope import Page
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope
from services.projections.readmodels.activity import ACTIVITIES

# $1 the end of the day asked for, the scope from $2.
FEED = f"SELECT * FROM rm_activity r WHERE r.occurred_at < $1 AND {in_scope(2)}"


async def feed(pool: asyncpg.Pool, scope: Scope, page: Page) -> dict[str, Any]:
    args = (
        occurred_on(scope.as_of + timedelta(days=1)),
        scope.codes,
        scope.township,
        scope.station,
        scope.village,
    )
    rows = await pool.fetch(
        f"{FEED} ORDER BY r.occurred_at DESC, r.event_id LIMIT $6 OFFSET $7", *args, page.size, page.offset
    )
    # Counted apart: a page past the end has no row to carry the total.
    total = await pool.fetchval(f"SELECT count(*) FROM ({FEED}) f", *args)
    return {
        "items": [
            {
                "occurred_at": r["occurred_at"],
                "service": r["service"],
                "event_type": r["event_type"],
                "label_zh": ACTIVITIES[r["event_type"]].label_zh,
                "label_en": ACTIVITIES[r["event_type"]].label_en,
                "township_code": r["township_code"],
                "station_code": r["station_code"],
                "village_code": r["village_code"],
            }
            for r in rows
        ],
        "total": total,
        "page": page.number,
        "page_size": page.size,
    }
