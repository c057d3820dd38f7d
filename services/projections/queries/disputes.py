"""Disputes received, in mediation, resolved and escalated over a range of days, and the backlog.

What counts where:
- Each figure counts on the day of its act: received on the registration day, resolved on the day
  of the agreement, failed and escalated on theirs (a dispute failing at the village and again at the
  township counts twice), withdrawn on the day it was closed so.
- Open on a day: registered by then, with no agreement, no escalation to the court and not closed.
  In mediation: open with a pair assigned.
- Resolution rate: of the disputes whose mediation ended in the range (an agreement, the court or a
  withdrawal), the share that ended in an agreement.
- Each figure counts for the station covering the dispute's village on the figure's day (the open
  and in-mediation ones, and the backlog, on the last day): when a village moves to another station,
  its open disputes go with it from that day on, while what happened before stays with the old one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from govgrid.catalogue.mediation import MediationLevel
from services.projections.queries.figures import percent
from services.projections.queries.places import names_of
from services.projections.queries.places import placed_codes
from services.projections.queries.places import unit_names
from services.projections.queries.scope import Fact
from services.projections.queries.scope import Scope
from services.projections.queries.scope import all_placed_if_read
from services.projections.queries.scope import counted_facts
from services.projections.queries.scope import covering
from services.projections.queries.scope import in_scope
from services.projections.queries.scope import per_key
from services.projections.queries.scope import placed_facts
from services.projections.queries.scope import placed_if_read
from services.projections.queries.together import Statement
from services.projections.queries.together import by_key
from services.projections.queries.together import fetch_together

# Open at the end of day {day}: least() ignores the dates that are NULL.
OPEN_AT = (
    "t.registered_on <= {day}"
    " AND coalesce(least(t.agreement_on, t.court_on, t.closed_on), 'infinity') > {day}"
)

# A dispute's row with the station of the coverage ``c`` joined for a day (the station it was last
# filed under if no coverage says otherwise).
PLACED = "d.township_code, d.village_code, coalesce(c.station_code, d.station_code) AS station_code"

# $1 first day, $2 last day: each act of a dispute as a fact on its day, placed on that day; the
# agreements apart (with the days they took). Two statements sent together (queries/together.py), each
# about half of a year's acts, wait for the slower half only: at 1 M events, a city admin's year 1.2 and
# 1.2 ms side by side, against 5.8 ms for one statement placing every act.
ACTS: list[Fact] = [
    ("received", "t.registered_on", "t.registered_on BETWEEN $1 AND $2"),
    ("referred_to_court", "t.court_on", "t.court_on BETWEEN $1 AND $2"),
    ("withdrawn", "t.closed_on", "t.close_outcome = 'withdrawn' AND t.closed_on BETWEEN $1 AND $2"),
]
ACT_FACTS = placed_facts("rm_disputes", ACTS)
AGREEMENT_FACTS = placed_facts(
    "rm_disputes",
    [("resolved", "t.agreement_on", "t.agreement_on BETWEEN $1 AND $2")],
    extra=", t.agreement_on - t.registered_on AS days_to_resolve",
)
# $1 the last day: the disputes open at its end, placed on it, with the day a pair was first assigned
# (in mediation: open, and a pair by then). One scan: the open and the in-mediation ones as two
# figures read the backlog twice. A statement apart from the acts: the two are about as many rows
# each (the backlog grows with the years), and sent together (queries/together.py) each waits for
# itself only.
STATE_FACTS = placed_facts(
    "rm_disputes", [("open", "$1", OPEN_AT.format(day="$1"))], extra=", t.mediators_on"
)

# The scope from $3 (from $2 for the state at the end of the range). Each figure query groups by
# {key}: the village, or nothing (NULL) for the whole scope.
ACT_FIGURES = per_key(
    """count(*) FILTER (WHERE r.figure = 'received') AS received,
       count(*) FILTER (WHERE r.figure = 'referred_to_court') AS referred_to_court,
       count(*) FILTER (WHERE r.figure = 'withdrawn') AS withdrawn""",
    ACT_FACTS,
)
# The whole city's acts (Scope.reads_places): counted where found, not passed along as rows.
CITY_ACT_FIGURES = counted_facts("rm_disputes", ACTS)
AGREEMENT_FIGURES = per_key(
    """count(*) AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.days_to_resolve) AS median_days_to_resolve""",
    AGREEMENT_FACTS,
)
STATE_FIGURES = per_key(
    "count(*) AS open, count(*) FILTER (WHERE r.mediators_on <= $1) AS in_mediation", STATE_FACTS, 2
)

# Each step's dispute looked up by its key: a plain join let the planner read every dispute ever
# registered (a hash or merge join) to place the few hundred steps of a year, the one part of the
# summary that grew with the whole history (10.8 ms against 2.5 ms, 1 M events). OFFSET 0 keeps
# PostgreSQL from flattening the subquery back into that join.
STEP_COUNTS = """count(*) FILTER (WHERE r.step = 'failed') AS failed,
       count(*) FILTER (WHERE r.step = 'escalated' AND r.level = 'township') AS escalated_to_township,
       count(*) FILTER (WHERE r.step = 'escalated' AND r.level = 'court') AS escalated_to_court"""
STEP_FIGURES = per_key(
    STEP_COUNTS,
    f"""SELECT s.step, s.level, {PLACED}
          FROM rm_dispute_steps s
               CROSS JOIN LATERAL (SELECT x.township_code, x.station_code, x.village_code
                                     FROM rm_disputes x WHERE x.dispute_id = s.dispute_id OFFSET 0) d
               {covering("d.village_code", "s.day")}
         WHERE s.day BETWEEN $1 AND $2""",
)
# Where no place is read (a city admin's whole city), the steps are counted without looking their
# disputes up: every step's dispute is in the model (a step of a dispute the model lacks parks with
# it). At 1 M events, a year's steps 2.0 ms placed, 0.4 ms not (docs/benchmarks.md, "Stop 28").
UNPLACED_STEP_FIGURES = per_key(
    STEP_COUNTS,
    """SELECT s.step, s.level, NULL::text AS township_code, NULL::text AS village_code,
               NULL::text AS station_code
          FROM rm_dispute_steps s
         WHERE s.day BETWEEN $1 AND $2""",
)

WHOLE_SCOPE, BY_VILLAGE = "NULL::text", "r.village_code"

ZEROS = {
    "received": 0,
    "resolved": 0,
    "referred_to_court": 0,
    "withdrawn": 0,
    "open": 0,
    "in_mediation": 0,
    "median_days_to_resolve": None,
    "failed": 0,
    "escalated_to_township": 0,
    "escalated_to_court": 0,
}


def _args(scope: Scope, *days: date) -> tuple[Any, ...]:
    return *days, *scope.params


async def _figures(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, key: str
) -> dict[str | None, dict[str, Any]]:
    """Every figure by ``key``; zeros where a query found nothing."""
    statements = all_placed_if_read(_statements(scope, first, last, key), scope)
    figures = by_key(await fetch_together(pool, statements))
    return {k: _complete(v) for k, v in figures.items()}


def _statements(scope: Scope, first: date, last: date, key: str) -> list[Statement]:
    """The figures' four statements by ``key``. Where no place is read (the whole city of a city admin),
    the acts are counted where found and the steps without looking their disputes up."""
    args, at_end = _args(scope, first, last), _args(scope, last)
    whole_city = key == WHOLE_SCOPE and not scope.reads_places
    return [
        (CITY_ACT_FIGURES, (first, last)) if whole_city else (ACT_FIGURES.format(key=key), args),
        (AGREEMENT_FIGURES.format(key=key), args),
        (STATE_FIGURES.format(key=key), at_end),
        ((UNPLACED_STEP_FIGURES if whole_city else STEP_FIGURES).format(key=key), args),
    ]


def _complete(found: dict[str, Any]) -> dict[str, Any]:
    figures = {**ZEROS, **found}
    ended = figures["resolved"] + figures["referred_to_court"] + figures["withdrawn"]
    return {
        "received": figures["received"],
        "open": figures["open"],
        "in_mediation": figures["in_mediation"],
        "resolved": figures["resolved"],
        "failed": figures["failed"],
        "escalated": {
            MediationLevel.TOWNSHIP.value: figures["escalated_to_township"],
            MediationLevel.COURT.value: figures["escalated_to_court"],
        },
        "referred_to_court": figures["referred_to_court"],
        "withdrawn": figures["withdrawn"],
        "resolution_rate_percent": percent(figures["resolved"], ended),
        "median_days_to_resolve": figures["median_days_to_resolve"],
    }


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    figures = (await _figures(pool, scope, first, last, WHOLE_SCOPE)).get(None) or _complete({})
    return {"from": first.isoformat(), "to": last.isoformat(), **figures}


async def by_village(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """The summary's figures per village or community, for charts."""
    figures = await _figures(pool, scope, first, last, BY_VILLAGE)
    codes = placed_codes(figures)
    names = await unit_names(pool, codes)
    return [
        {
            "village_code": code,
            **names_of(names, code),
            "township_code": names[code]["parent_code"] if code in names else None,
            **figures[code],
        }
        for code in codes
    ]


# Ages in days since registration at the end of the day asked for: each bucket below its bound.
AGE_BUCKETS = (("under_30_days", 30), ("30_to_90_days", 90), ("90_to_365_days", 365))
OVER_A_YEAR = "over_365_days"

AGE_CASES = " ".join(
    f"WHEN $1::date - r.registered_on < {bound} THEN '{name}'" for name, bound in AGE_BUCKETS
)

BACKLOG = f"""
SELECT CASE {AGE_CASES}
            ELSE '{OVER_A_YEAR}' END AS bucket,
       count(*) AS disputes,
       count(r.running_since) AS with_running_since,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.registered_on - r.running_since)
           AS median_days_running_before_registration
  FROM (SELECT t.registered_on, t.running_since, t.township_code, t.village_code,
               coalesce(c.station_code, t.station_code) AS station_code
          FROM rm_disputes t {covering("t.village_code", "$1::date")}
         WHERE {OPEN_AT.format(day="$1::date")}) r
 WHERE {in_scope(2)}
 GROUP BY 1
"""


async def backlog(pool: asyncpg.Pool, scope: Scope) -> dict[str, Any]:
    """The disputes open at the end of ``scope.as_of`` by age, with how long they had been running
    before registration where the registration said when they began."""
    rows = {
        r["bucket"]: r
        for r in await pool.fetch(
            placed_if_read(BACKLOG, scope),
            scope.as_of,
            scope.codes,
            scope.township,
            scope.station,
            scope.village,
        )
    }
    buckets = []
    for name in (*(name for name, _ in AGE_BUCKETS), OVER_A_YEAR):
        row = rows.get(name)
        buckets.append(
            {
                "age": name,
                "disputes": row["disputes"] if row else 0,
                "with_running_since": row["with_running_since"] if row else 0,
                "median_days_running_before_registration": (
                    row["median_days_running_before_registration"] if row else None
                ),
            }
        )
    return {"as_of": scope.as_of.isoformat(), "open": sum(b["disputes"] for b in buckets), "buckets": buckets}
