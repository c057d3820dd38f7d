"""Patrols, who took part, grids visited and clearance operations over a range of China days.

What counts where:
- A patrol counts on the China day it started (the day it was planned for, if it never started): in
  full for its station and for every township and village it passed through (a checkpoint or an
  observation there). The caller sees it when they may see any of its events, as on the write side.
- Hours and distance are those of completed patrols. Participations are those of started patrols
  (completed, aborted on the way or under way); a volunteer is distinct per station, since stations
  choose their volunteers' pseudonyms.
- A clearance operation counts on the day it was carried out (the day it was planned for, if it was
  not): for its station, and for the township and village only when its whole area lies in one.
- Grids in scope are the grids of the villages in scope, placed by the station covering them on the
  last day; a grid is visited when any patrol had a checkpoint there in the range.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import asyncpg

from govgrid.catalogue.patrols import VolunteerAffiliation
from services.projections.queries.figures import percent
from services.projections.queries.months import months_and_days
from services.projections.queries.months import whole_months
from services.projections.queries.places import per_place
from services.projections.queries.scope import Page
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope
from services.projections.queries.together import Statement
from services.projections.queries.together import by_key
from services.projections.queries.together import fetch_together

# Parameters of every query: $1 first day, $2 last day, $3 the caller's codes (None: everything),
# $4 township, $5 station, $6 village asked for. Patrols and operations are placed by their codes.
IN_SCOPE = """
    ($3::text[] IS NULL OR r.codes && $3) AND ($4::text IS NULL OR $4 = ANY(r.codes))
    AND ($5::text IS NULL OR r.station_code = $5) AND ($6::text IS NULL OR $6 = ANY(r.codes))
"""

# The patrols of the range: the monthly sums for its whole months ($7 the first day of the first, $8
# the day after the last: queries/months.py), each patrol for the days around them, as the sums are
# kept (readmodels/sql/patrols/0005_patrols_by_month.sql).
PATROLS_SUMMED = months_and_days(
    """SELECT month, station_code, codes, patrols_completed, patrols_aborted, duration_minutes,
       distance_km, officer_participations, volunteer_participations
  FROM rm_patrols_by_month""",
    """SELECT day, station_code, codes, (completed_at IS NOT NULL)::integer,
       (aborted_at IS NOT NULL)::integer, duration_minutes, distance_km, officer_participations,
       volunteer_participations
  FROM rm_patrols""",
    first="$1",
    last="$2",
    start="$7",
    end="$8",
)

# Each figure query groups by {key}: the station, or nothing (NULL) for the whole scope.
PATROL_FIGURES = f"""
SELECT {{key}} AS key,
       sum(r.patrols_completed) AS patrols_completed,
       sum(r.patrols_aborted) AS patrols_aborted,
       round(coalesce(sum(r.duration_minutes), 0) / 60.0, 2) AS patrol_hours,
       coalesce(sum(r.distance_km), 0) AS patrol_distance_km,
       sum(r.officer_participations) AS officer_participations,
       sum(r.volunteer_participations) AS volunteer_participations
  FROM ({PATROLS_SUMMED}) r
 WHERE {IN_SCOPE}
 GROUP BY 1
"""

# Participations are counted on the patrols' rows (above); distinct volunteers need the members: only
# the volunteers' rows are joined (officers are most of them and counted already).
VOLUNTEER_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) AS volunteer_participations,
       count(DISTINCT (r.station_code, m.member_id)) AS volunteers,
       count(DISTINCT (r.station_code, m.member_id)) FILTER (WHERE m.party_member) AS party_member_volunteers
  FROM rm_patrols r JOIN rm_patrol_participants m ON m.patrol_id = r.patrol_id
 WHERE m.kind = 'volunteer' AND r.day BETWEEN $1 AND $2 AND {IN_SCOPE}
 GROUP BY 1
"""
VOLUNTEERS = ("volunteers", "party_member_volunteers")

CLEARANCE_OPERATIONS = f"""
SELECT r.*, coalesce(r.carried_out_on, r.planned_on) AS day
  FROM rm_clearance_operations r
 WHERE coalesce(r.carried_out_on, r.planned_on) BETWEEN $1 AND $2 AND {IN_SCOPE}
"""

CLEARANCE_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE r.carried_out_on IS NOT NULL) AS clearance_operations_carried_out,
       count(*) FILTER (WHERE r.status = 'cancelled') AS clearance_operations_cancelled,
       coalesce(sum(r.places_checked), 0) AS places_checked,
       coalesce(sum(r.people_checked), 0) AS people_checked,
       coalesce(sum(r.officers_deployed), 0) AS officers_deployed,
       coalesce(sum(r.volunteers_deployed), 0) AS volunteers_deployed
  FROM ({CLEARANCE_OPERATIONS}) r
 GROUP BY 1
"""

# The grids with a checkpoint in the range: the monthly counts for its whole months, the checkpoints
# for the days around them ($7, $8 as for the patrols).
VISITED = months_and_days(
    "SELECT month, grid_code FROM rm_patrol_checkpoints_by_month WHERE visits > 0",
    "SELECT day, grid_code FROM rm_patrol_checkpoints",
    first="$1",
    last="$2",
    start="$7",
    end="$8",
)

# Grids with their village, township and the station covering the village on the last day ($2),
# visible to the caller and at the place asked for.
GRID_FIGURES = f"""
WITH grid AS (
    SELECT g.code, v.code AS village_code, v.parent_code AS township_code,
           (SELECT c.station_code FROM rm_village_coverage c
             WHERE c.village_code = v.code AND c.effective_from <= $2
               AND (c.effective_until IS NULL OR c.effective_until >= $2)
             ORDER BY c.effective_from DESC LIMIT 1) AS station_code
      FROM rm_org_units g JOIN rm_org_units v ON v.code = g.parent_code
     WHERE g.kind = 'grid'
),
visited AS (SELECT DISTINCT grid_code FROM ({VISITED}) k)
SELECT {{key}} AS key, count(*) AS grids, count(k.grid_code) AS grids_visited
  FROM grid r LEFT JOIN visited k ON k.grid_code = r.code
 WHERE {in_scope(3)}
 GROUP BY 1
"""

SUMMED = (PATROL_FIGURES, GRID_FIGURES)  # with their whole months
WHOLE_SCOPE, BY_STATION = "NULL::text", "r.station_code"


async def _figures(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, key: str
) -> dict[str | None, dict[str, Any]]:
    """Every figure by ``key``; zeros where a query found nothing."""
    args = (first, last, *scope.params)
    with_months = (*args, *whole_months(first, last))
    statements: list[Statement] = [(query.format(key=key), with_months) for query in SUMMED]
    statements += [(query.format(key=key), args) for query in (CLEARANCE_FIGURES, VOLUNTEER_FIGURES)]
    *found, volunteers = await fetch_together(pool, statements)
    figures = by_key(found)
    for row in volunteers:
        figures.setdefault(row["key"], {}).update({column: row[column] for column in VOLUNTEERS})
    return {k: _complete(v) for k, v in figures.items()}


ZEROS = {
    "patrols_completed": 0,
    "patrols_aborted": 0,
    "patrol_hours": 0,
    "patrol_distance_km": 0,
    "officer_participations": 0,
    "volunteer_participations": 0,
    "volunteers": 0,
    "party_member_volunteers": 0,
    "clearance_operations_carried_out": 0,
    "clearance_operations_cancelled": 0,
    "places_checked": 0,
    "people_checked": 0,
    "officers_deployed": 0,
    "volunteers_deployed": 0,
    "grids": 0,
    "grids_visited": 0,
}


def _complete(found: dict[str, Any]) -> dict[str, Any]:
    figures = {**ZEROS, **found}
    figures["patrol_hours"] = float(figures["patrol_hours"])
    figures["patrol_distance_km"] = float(figures["patrol_distance_km"])
    figures["grids_visited_percent"] = percent(figures["grids_visited"], figures["grids"])
    return figures


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    whole, affiliations = await asyncio.gather(
        _figures(pool, scope, first, last, WHOLE_SCOPE),
        pool.fetch(VOLUNTEER_FIGURES.format(key="m.affiliation"), first, last, *scope.params),
    )
    figures = whole.get(None) or _complete({})
    by_affiliation = {
        row["key"]: {"participations": row["volunteer_participations"], "volunteers": row["volunteers"]}
        for row in affiliations
    }
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        **figures,
        "volunteers_by_affiliation": {
            a.value: by_affiliation.get(a.value, {"participations": 0, "volunteers": 0})
            for a in VolunteerAffiliation
        },
    }


async def by_station(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """The summary's figures per station, for charts (grids no station covers are left out)."""
    return await per_place(pool, "station_code", await _figures(pool, scope, first, last, BY_STATION))


CLEARANCE_COLUMNS = (
    "operation_id",
    "station_code",
    "focus",
    "area_codes",
    "status",
    "day",
    "planned_on",
    "carried_out_on",
    "closed_on",
    "cancelled_on",
    "places_checked",
    "people_checked",
    "officers_deployed",
    "volunteers_deployed",
)


async def clearance_operations(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, status: str | None, page: Page
) -> dict[str, Any]:
    """Operations carried out (or, if not, planned) in the range, the latest first."""
    args = (first, last, *scope.params, status)
    operations = f"SELECT * FROM ({CLEARANCE_OPERATIONS}) r WHERE ($7::text IS NULL OR r.status = $7)"
    rows = await pool.fetch(
        f"{operations} ORDER BY day DESC, operation_id LIMIT $8 OFFSET $9", *args, page.size, page.offset
    )
    # Counted apart: a page past the end has no row to carry the total.
    total = await pool.fetchval(f"SELECT count(*) FROM ({operations}) o", *args)
    return {
        "items": [{c: r[c] for c in CLEARANCE_COLUMNS} for r in rows],
        "total": total,
        "page": page.number,
        "page_size": page.size,
    }
