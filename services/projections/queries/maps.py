"""The map: villages where the registry knows their location, with their coverage as of a day and
the disputes and leads received in a range; a station's patrol checkpoints where phones gave them.
GeoJSON (RFC 7946): [longitude, latitude], WGS 84.

Each figure comes from its own read model (coverage, disputes, leads), each scoped in SQL by the
caller's jurisdiction and the place asked for, and they are joined here by village code: a village
counts what its own read model files under it, as the disputes and leads panels do. A village's count
of leads is a figure below station level: below city level it is null where the leads panel would
suppress it (queries/small_counts.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg

from services.projections.queries import coverage
from services.projections.queries import leads
from services.projections.queries import patrols
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope
from services.projections.queries.small_counts import SmallCounts

# The coverage panel's villages ($1 as of, $2 the caller's codes, $3-$5 the place asked for), with
# where each is.
VILLAGES = f"""
SELECT v.code, v.name_zh, v.name_en, v.township_code, v.station_code, v.has_deputy_secretary,
       u.latitude, u.longitude, u.boundary
  FROM ({coverage.VILLAGES}) v JOIN rm_org_units u ON u.code = v.code
 ORDER BY v.code
"""

# $1 first day, $2 last day, the scope from $3.
DISPUTES_RECEIVED = f"""
SELECT r.village_code, count(*) AS n FROM rm_disputes r
 WHERE r.registered_on BETWEEN $1 AND $2 AND {in_scope(3)}
 GROUP BY 1
"""
LEADS_RECEIVED = f"""
SELECT r.village_code, count(*) AS n FROM rm_leads r
 WHERE r.received_on BETWEEN $1 AND $2 AND {in_scope(3)}
 GROUP BY 1
"""

CHECKPOINT_LIMIT = 5000  # a station's year of patrols fits; beyond, the latest, and `truncated`
CHECKPOINTS = f"""
SELECT c.patrol_id, c.grid_code, c.visited_at, c.latitude, c.longitude
  FROM rm_patrol_checkpoints c JOIN rm_patrols r ON r.patrol_id = c.patrol_id
 WHERE c.day BETWEEN $1 AND $2 AND c.latitude IS NOT NULL AND {patrols.IN_SCOPE}
 ORDER BY c.visited_at DESC, c.grid_code
 LIMIT {CHECKPOINT_LIMIT + 1}
"""


def _village(
    row: asyncpg.Record, disputes: dict[str, int], leads_received: dict[str, int | None]
) -> dict[str, Any]:
    centre = [row["longitude"], row["latitude"]]
    boundary = json.loads(row["boundary"]) if row["boundary"] is not None else None
    point = {"type": "Point", "coordinates": centre}
    geometry = {"type": "Polygon", "coordinates": [boundary]} if boundary else point
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": geometry,
        "properties": {
            "code": row["code"],
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "township_code": row["township_code"],
            "station_code": row["station_code"],
            "centre": centre,
            "has_deputy_secretary": row["has_deputy_secretary"],
            "disputes_received": disputes.get(row["code"], 0),
            "leads_received": leads_received[row["code"]],
        },
    }


async def _per_village(
    pool: asyncpg.Pool, query: str, first: date, last: date, place: tuple[Any, ...]
) -> dict[str, int]:
    return {r["village_code"]: r["n"] for r in await pool.fetch(query, first, last, *place)}


async def villages(
    coverage_pool: asyncpg.Pool,
    disputes_pool: asyncpg.Pool,
    leads_pool: asyncpg.Pool,
    scope: Scope,
    first: date,
    last: date,
    small: SmallCounts,
) -> dict[str, Any]:
    place = scope.params
    rows = await coverage_pool.fetch(VILLAGES, scope.as_of, *place)
    disputes = await _per_village(disputes_pool, DISPUTES_RECEIVED, first, last, place)
    received = await _per_village(leads_pool, LEADS_RECEIVED, first, last, place)
    hidden = await leads.villages_received_hidden(leads_pool, scope, first, last, small)
    below_city = scope.codes is not None
    leads_received: dict[str, int | None] = {
        r["code"]: None
        if r["code"] in hidden or (below_city and received.get(r["code"], 0) < small.threshold)
        else received.get(r["code"], 0)
        for r in rows
    }
    located = [r for r in rows if r["latitude"] is not None]
    return {
        "type": "FeatureCollection",
        "from": first.isoformat(),
        "to": last.isoformat(),
        "unlocated": len(rows) - len(located),
        "suppressed_below": small.threshold,
        "features": [_village(r, disputes, leads_received) for r in located],
    }


async def checkpoints(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    rows = await pool.fetch(CHECKPOINTS, first, last, *scope.params)
    return {
        "type": "FeatureCollection",
        "from": first.isoformat(),
        "to": last.isoformat(),
        "truncated": len(rows) > CHECKPOINT_LIMIT,
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                "properties": {
                    "patrol_id": r["patrol_id"],
                    "grid_code": r["grid_code"],
                    "visited_at": r["visited_at"].isoformat(),
                },
            }
            for r in rows[:CHECKPOINT_LIMIT]
        ],
    }
