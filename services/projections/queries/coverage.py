"""Coverage of the dual appointments, as of a date."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.projections.queries.scope import Page
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope
from services.projections.queries.together import fetch_together

# Villages and communities with their township and the station covering them on as_of, filtered by
# the place asked for and the caller's jurisdiction. The registry itself is not dated: a village did
# not start to exist the day someone typed it in; coverage and appointments carry their own dates.
VILLAGES = """
WITH village AS (
    SELECT u.code, u.name_zh, u.name_en, u.parent_code AS township_code,
           (SELECT c.station_code FROM rm_village_coverage c
             WHERE c.village_code = u.code AND c.effective_from <= $1
               AND (c.effective_until IS NULL OR c.effective_until >= $1)
             ORDER BY c.effective_from DESC LIMIT 1) AS station_code
      FROM rm_org_units u
     WHERE u.kind IN ('village', 'community')
)
SELECT v.*,
       EXISTS (SELECT 1 FROM rm_appointments a
                WHERE a.village_code = v.code AND a.kind = 'deputy_party_secretary'
                  AND a.approved_on <= $1 AND (a.ended_on IS NULL OR a.ended_on > $1)) AS has_deputy_secretary
  FROM village v
 WHERE ($2::text[] IS NULL OR v.township_code = ANY($2) OR v.station_code = ANY($2) OR v.code = ANY($2))
   AND ($3::text IS NULL OR v.township_code = $3)
   AND ($4::text IS NULL OR v.station_code = $4)
   AND ($5::text IS NULL OR v.code = $5)
"""

STATIONS = """
SELECT u.code, u.name_zh, u.name_en,
       EXISTS (SELECT 1 FROM rm_appointments a
                WHERE a.station_code = u.code AND a.kind = 'joint_defence_director'
                  AND a.approved_on <= $1 AND (a.ended_on IS NULL OR a.ended_on > $1)) AS has_director
  FROM rm_org_units u
 WHERE u.kind = 'police_station'
   AND ($2::text[] IS NULL OR u.code = ANY($2) OR EXISTS (
        SELECT 1 FROM rm_village_coverage c JOIN rm_org_units v ON v.code = c.village_code
         WHERE c.station_code = u.code AND (v.parent_code = ANY($2) OR v.code = ANY($2))))
   AND ($3::text IS NULL OR EXISTS (
        SELECT 1 FROM rm_village_coverage c JOIN rm_org_units v ON v.code = c.village_code
         WHERE c.station_code = u.code AND v.parent_code = $3))
   AND ($4::text IS NULL OR u.code = $4)
"""

APPOINTED = f"""
SELECT r.kind,
       count(*) FILTER (WHERE r.approved_on <= $1 AND (r.ended_on IS NULL OR r.ended_on > $1)) AS serving,
       count(*) FILTER (WHERE r.certified_on <= $1 AND (r.ended_on IS NULL OR r.ended_on > $1)) AS certified,
       count(DISTINCT r.person_id) FILTER (WHERE r.certified_on <= $1) AS ever_certified
  FROM rm_appointments r
 WHERE {in_scope(2)}
 GROUP BY r.kind
"""


def _args(scope: Scope) -> tuple[Any, ...]:
    return scope.as_of, *scope.params


async def summary(pool: asyncpg.Pool, scope: Scope) -> dict[str, Any]:
    statements = [(VILLAGES, _args(scope)), (APPOINTED, _args(scope))]
    if scope.village is None:
        statements.append((STATIONS, _args(scope)[:4]))
    villages, appointed_rows, *station_rows = await fetch_together(pool, statements)
    stations = station_rows[0] if station_rows else []
    appointed = {r["kind"]: r for r in appointed_rows}

    def count(kind: str, column: str) -> int:
        row = appointed.get(kind)
        return int(row[column]) if row else 0

    return {
        "as_of": scope.as_of.isoformat(),
        "villages": len(villages),
        "villages_with_deputy_secretary": sum(1 for v in villages if v["has_deputy_secretary"]),
        "villages_lacking_deputy_secretary": sum(1 for v in villages if not v["has_deputy_secretary"]),
        "stations": len(stations),
        "stations_with_director": sum(1 for s in stations if s["has_director"]),
        "stations_lacking_director": sum(1 for s in stations if not s["has_director"]),
        "deputy_secretaries_serving": count("deputy_party_secretary", "serving"),
        "deputy_secretaries_certified": count("deputy_party_secretary", "certified"),
        "directors_serving": count("joint_defence_director", "serving"),
        "directors_certified": count("joint_defence_director", "certified"),
        "officers_ever_certified": count("deputy_party_secretary", "ever_certified"),
        "cadres_ever_certified": count("joint_defence_director", "ever_certified"),
    }


async def villages_lacking_deputy_secretary(pool: asyncpg.Pool, scope: Scope, page: Page) -> dict[str, Any]:
    query = f"SELECT *, count(*) OVER () AS total FROM ({VILLAGES}) v WHERE NOT has_deputy_secretary"
    rows = await pool.fetch(
        f"{query} ORDER BY code LIMIT $6 OFFSET $7", *_args(scope), page.size, page.offset
    )
    return _page(rows, page, ["code", "name_zh", "name_en", "township_code", "station_code"])


async def stations_lacking_director(pool: asyncpg.Pool, scope: Scope, page: Page) -> dict[str, Any]:
    query = f"SELECT *, count(*) OVER () AS total FROM ({STATIONS}) s WHERE NOT has_director"
    rows = await pool.fetch(
        f"{query} ORDER BY code LIMIT $5 OFFSET $6", *_args(scope)[:4], page.size, page.offset
    )
    return _page(rows, page, ["code", "name_zh", "name_en"])


def _page(rows: list[asyncpg.Record], page: Page, columns: list[str]) -> dict[str, Any]:
    return {
        "items": [{c: r[c] for c in columns} for r in rows],
        "total": int(rows[0]["total"]) if rows else 0,
        "page": page.number,
        "page_size": page.size,
    }


BREAKDOWN_KEYS = {"township": "township_code", "station": "station_code", "village": "code"}


async def breakdown(pool: asyncpg.Pool, scope: Scope, group_by: str) -> list[dict[str, Any]]:
    """Villages with and without a serving deputy secretary, per township, station or village."""
    key = BREAKDOWN_KEYS[group_by]
    rows = await pool.fetch(
        f"SELECT v.{key} AS code, u.name_zh, u.name_en, count(*) AS villages,"
        " count(*) FILTER (WHERE v.has_deputy_secretary) AS with_deputy_secretary"
        f" FROM ({VILLAGES}) v LEFT JOIN rm_org_units u ON u.code = v.{key}"
        f" WHERE v.{key} IS NOT NULL GROUP BY v.{key}, u.name_zh, u.name_en ORDER BY v.{key}",
        *_args(scope),
    )
    return [dict(r) for r in rows]


async def org_units(
    pool: asyncpg.Pool, scope: Scope, kind: str | None, parent: str | None
) -> list[dict[str, Any]]:
    """The registry for drill-down menus, limited to what the caller may see."""
    rows = await pool.fetch(
        "SELECT code, kind, name_zh, name_en, parent_code FROM rm_org_units u"
        " WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR parent_code = $2)"
        "   AND ($3::text[] IS NULL OR code = ANY($3) OR parent_code = ANY($3) OR EXISTS ("
        "        SELECT 1 FROM rm_village_coverage c WHERE c.station_code = u.code AND ("
        "          c.village_code = ANY($3) OR c.village_code IN ("
        "            SELECT code FROM rm_org_units WHERE parent_code = ANY($3)))))"
        " ORDER BY code",
        kind,
        parent,
        scope.codes,
    )
    return [dict(r) for r in rows]
