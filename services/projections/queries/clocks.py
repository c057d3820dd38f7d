"""Deadline clocks of leads and disputes as they stood at the end of a China day, from their changes
up to that moment (rm_clock_changes), whenever the question is asked.

What counts, at the end of day D (the moment T):
- a clock is open until it stopped; paused when its latest pause has not been resumed;
- overdue: open, not paused, and its deadline (the end of its last allowed day ``due_on``, as moved
  by pauses, the extension and carry-overs up to T) has passed: due_on <= D;
- due within 24 hours: open, not paused, and its deadline falls within the next day: due_on = D + 1;
- carried over (挂账): open, and carried over into a later month at least once: the backlog, due by
  the end of that month (a carried clock still overdue then counts as overdue too);
- time per stage: the clocks stopped from the range's first day to D, the time on the clock (pauses
  left out) and how many stopped after their deadline.
- A clock is placed where its latest change up to T was filed (a dispute follows its village's
  station; a lead stays where it was received).
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

import asyncpg

from govgrid.working_days import end_of
from services.projections.queries.places import per_place
from services.projections.queries.scope import Page
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope

# $1: the end of day D; then the scope from $2. Every clock as it stood at $1 (row ``r``, with the
# latest change's due day and place), with what its history says: when it started, who owns it, its
# pauses, the extension and the carry-overs.
CLOCKS_AT = f"""
WITH upto AS (
    SELECT * FROM rm_clock_changes WHERE at < $1
), latest AS (
    SELECT DISTINCT ON (stream_id, stage) stream_id, stage, record_kind, record_id, due_on,
           township_code, station_code, village_code
      FROM upto ORDER BY stream_id, stage, at DESC, stream_version DESC
), history AS (
    SELECT stream_id, stage,
           min(at) FILTER (WHERE change = 'started') AS started_at,
           max(owner_role) AS owner_role,
           bool_or(change = 'stopped') AS stopped,
           (array_agg(change ORDER BY at DESC, stream_version DESC)
                FILTER (WHERE change IN ('paused', 'resumed')))[1] IS NOT DISTINCT FROM 'paused' AS paused,
           count(*) FILTER (WHERE change = 'paused') AS pauses,
           max(approved_by_role) AS extended_by,
           min(from_period) AS carried_over_from,
           max(to_period) AS carried_over_into
      FROM upto GROUP BY stream_id, stage
)
SELECT r.*, h.started_at, h.owner_role, h.stopped, h.paused, h.pauses, h.extended_by,
       h.carried_over_from, h.carried_over_into
  FROM latest r JOIN history h USING (stream_id, stage)
 WHERE {in_scope(2)}
"""

RUNNING = "NOT c.stopped AND NOT c.paused"

# $6: day D, $7 the kinds of record counted. Figures by {key}: the station, the village, or nothing
# (NULL) for the whole scope.
STATUS_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE NOT c.stopped) AS open,
       count(*) FILTER (WHERE NOT c.stopped AND c.paused) AS paused,
       count(*) FILTER (WHERE {RUNNING} AND c.due_on <= $6) AS overdue,
       count(*) FILTER (WHERE {RUNNING} AND c.due_on = $6 + 1) AS due_within_24_hours,
       count(*) FILTER (WHERE NOT c.stopped AND c.carried_over_into IS NOT NULL) AS carried_over
  FROM ({CLOCKS_AT}) c
 WHERE c.record_kind = ANY($7)
 GROUP BY 1
"""

# $6: the range's first day, $7 the kinds of record counted. Stopped clocks, their time and lateness,
# by kind of record and stage.
TIME_PER_STAGE = f"""
SELECT s.record_kind, s.stage,
       count(*) AS stopped,
       round(avg(s.running_seconds) / 3600.0, 1)::float AS average_hours,
       count(*) FILTER (WHERE (s.at AT TIME ZONE 'UTC' + interval '8 hours')::date > s.due_on) AS stopped_late
  FROM rm_clock_changes s JOIN ({CLOCKS_AT}) r USING (stream_id, stage)
 WHERE s.change = 'stopped' AND s.at < $1 AND s.at >= $6 AND s.record_kind = ANY($7)
 GROUP BY 1, 2 ORDER BY 1, 2
"""

# $6: day D, $7 the kinds of record listed, $8/$9 the page. The overdue clocks and why: most
# overdue first.
OVERDUE_WHERE = f"{RUNNING} AND c.due_on <= $6 AND c.record_kind = ANY($7)"
OVERDUE = f"""
SELECT c.*, $6 - c.due_on AS days_late
  FROM ({CLOCKS_AT}) c
 WHERE {OVERDUE_WHERE}
 ORDER BY c.due_on, c.record_kind, c.record_id, c.stage
 LIMIT $8 OFFSET $9
"""

# $6: day D, $7 the kinds of record listed, $8/$9 the page. Every open clock (a field officer's
# deadlines), the soonest due first.
OPEN_WHERE = "NOT c.stopped AND c.record_kind = ANY($7)"
OPEN = f"""
SELECT c.*, $6 - c.due_on AS days_late,
       {RUNNING} AND c.due_on <= $6 AS overdue,
       {RUNNING} AND c.due_on = $6 + 1 AS due_within_24_hours
  FROM ({CLOCKS_AT}) c
 WHERE {OPEN_WHERE}
 ORDER BY c.due_on, c.record_kind, c.record_id, c.stage
 LIMIT $8 OFFSET $9
"""

# How many a list has in all (its page may be past the end): $6 day D, $7 the kinds of record (typed
# here: a list's condition may not use the day).
LISTED = f"""
SELECT count(*) FROM ({CLOCKS_AT}) c, (SELECT $6::date AS day, $7::text[] AS kinds) asked WHERE {{where}}
"""

WHOLE_SCOPE, BY_STATION, BY_VILLAGE = "NULL::text", "c.station_code", "c.village_code"
ZEROS = {"open": 0, "paused": 0, "overdue": 0, "due_within_24_hours": 0, "carried_over": 0}


def _args(scope: Scope) -> tuple[Any, ...]:
    return end_of(scope.as_of), *scope.params


async def _status(
    pool: asyncpg.Pool, scope: Scope, key: str, kinds: list[str]
) -> dict[str | None, dict[str, int]]:
    rows = await pool.fetch(STATUS_FIGURES.format(key=key), *_args(scope), scope.as_of, kinds)
    return {r["key"]: {f: r[f] for f in ZEROS} for r in rows}


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, kinds: list[str]) -> dict[str, Any]:
    """The figures of the ``kinds`` of record the caller may list: a count of a village's lead clocks
    is a lead figure below station level, which the small-count rule keeps from those who may not
    list them (queries/small_counts.py)."""
    figures = (await _status(pool, scope, WHOLE_SCOPE, kinds)).get(None, ZEROS)
    stages = await pool.fetch(TIME_PER_STAGE, *_args(scope), end_of(first - timedelta(days=1)), kinds)
    return {
        "from": first.isoformat(),
        "as_of": scope.as_of.isoformat(),
        **figures,
        "time_per_stage": [dict(r) for r in stages],
    }


async def by_place(pool: asyncpg.Pool, scope: Scope, key: str, kinds: list[str]) -> list[dict[str, Any]]:
    """The status figures of the ``kinds`` of record the caller may list per station (``BY_STATION``)
    or village (``BY_VILLAGE``), with names."""
    return await per_place(pool, "code", await _status(pool, scope, key, kinds))


def _clock(r: asyncpg.Record) -> dict[str, Any]:
    keys = (
        "record_kind",
        "record_id",
        "stage",
        "township_code",
        "station_code",
        "village_code",
        "owner_role",
        "started_at",
        "due_on",
        "days_late",
        "pauses",
        "extended_by",
        "carried_over_from",
        "carried_over_into",
    )
    return {k: r[k] for k in keys}


async def _listed(pool: asyncpg.Pool, scope: Scope, where: str, kinds: list[str]) -> int:
    total: int = await pool.fetchval(LISTED.format(where=where), *_args(scope), scope.as_of, kinds)
    return total


async def overdue(pool: asyncpg.Pool, scope: Scope, page: Page, kinds: list[str]) -> dict[str, Any]:
    """The overdue clocks of the ``kinds`` of record the caller may list (the figures count all)."""
    rows = await pool.fetch(OVERDUE, *_args(scope), scope.as_of, kinds, page.size, page.offset)
    items = [_clock(r) for r in rows]
    total = await _listed(pool, scope, OVERDUE_WHERE, kinds)
    return {"as_of": scope.as_of, "items": items, "total": total, "page": page.number, "page_size": page.size}


async def open_clocks(pool: asyncpg.Pool, scope: Scope, page: Page, kinds: list[str]) -> dict[str, Any]:
    rows = await pool.fetch(OPEN, *_args(scope), scope.as_of, kinds, page.size, page.offset)
    flags = ("paused", "overdue", "due_within_24_hours")
    items = [{**_clock(r), **{f: r[f] for f in flags}} for r in rows]
    total = await _listed(pool, scope, OPEN_WHERE, kinds)
    return {"as_of": scope.as_of, "items": items, "total": total, "page": page.number, "page_size": page.size}
