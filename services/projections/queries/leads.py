"""Leads received, decided and acted on over a range of China days, per place and per station.

What counts where:
- Each figure counts on its own day, for the station covering the lead's village that day: received
  on the day of receipt, a decision and each outcome on theirs, open and overdue at the end of the
  range. When a village moves to another station, its open leads follow it from that day on, while
  what happened before stays with the old station.
- Open at the end of the range: received by then and not closed. Overdue then: waiting past the
  deadline it waits on at that moment, triage first, then a decision (the latest triage's deadline).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from govgrid.catalogue.tips import DismissalReason, LeadCategory, LeadChannel, LeadOutcome
from govgrid.china_time import occurred_on
from services.projections.queries.scope import Scope, covering, in_scope, placed_facts

# A lead's row with the station of the coverage ``c`` joined for a day (the lead's own station if no
# coverage says otherwise).
PLACED = "l.township_code, l.village_code, coalesce(c.station_code, l.station_code) AS station_code"

# $1 first day, $2 last day, $7 the end of the last day: each figure of a lead as a fact on its day.
LEAD_FACTS = placed_facts(
    "rm_leads",
    [
        ("received", "t.received_on", "t.received_on BETWEEN $1 AND $2"),
        ("verified", "t.verified_on", "t.verified_on BETWEEN $1 AND $2"),
        ("dismissed", "t.dismissed_on", "t.dismissed_on BETWEEN $1 AND $2"),
        ("open", "$2", "t.received_on <= $2 AND coalesce(t.closed_on, 'infinity') > $2"),
        (
            "overdue",
            "$2",
            "t.received_at < $7 AND coalesce(least(t.verified_on, t.dismissed_on), 'infinity') > $2"
            " AND CASE WHEN t.triaged_at < $7 THEN t.due_at < $7 ELSE t.triage_due_at < $7 END",
        ),
    ],
)

# The scope from $3. By {key}: the station, or nothing (NULL) for the whole scope.
LEAD_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE r.figure = 'received') AS received,
       count(*) FILTER (WHERE r.figure = 'verified') AS verified,
       count(*) FILTER (WHERE r.figure = 'dismissed') AS dismissed,
       count(*) FILTER (WHERE r.figure = 'open') AS open,
       count(*) FILTER (WHERE r.figure = 'overdue') AS overdue
  FROM ({LEAD_FACTS}) r
 WHERE {in_scope(3)}
 GROUP BY 1
"""

# Outcomes in the range, each placed on its day.
OUTCOMES = f"""
SELECT o.outcome, {PLACED}
  FROM rm_lead_outcomes o JOIN rm_leads l ON l.lead_id = o.lead_id
  {covering("l.village_code", "o.outcome_on")}
 WHERE o.outcome_on BETWEEN $1 AND $2
"""

OUTCOME_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) AS outcomes,
       count(*) FILTER (WHERE r.outcome = 'fugitive_arrested') AS fugitives_arrested
  FROM ({OUTCOMES}) r
 WHERE {in_scope(3)}
 GROUP BY 1
"""

# Breakdowns of the whole scope: {column} of the leads received (placed where they were received),
# dismissed (placed on the day of the dismissal), or of the outcomes.
RECEIVED_BY = f"""
SELECT r.{{column}} AS key, count(*) AS n FROM rm_leads r
 WHERE r.received_on BETWEEN $1 AND $2 AND {in_scope(3)} GROUP BY 1
"""
DISMISSED_BY_REASON = f"""
SELECT r.dismissal_reason AS key, count(*) AS n
  FROM (SELECT l.dismissal_reason, {PLACED}
          FROM rm_leads l {covering("l.village_code", "l.dismissed_on")}
         WHERE l.dismissed_on BETWEEN $1 AND $2) r
 WHERE {in_scope(3)} GROUP BY 1
"""
OUTCOMES_BY_KIND = f"""
SELECT r.outcome AS key, count(*) AS n FROM ({OUTCOMES}) r WHERE {in_scope(3)} GROUP BY 1
"""

WHOLE_SCOPE, BY_STATION = "NULL::text", "r.station_code"

ZEROS = {
    "received": 0,
    "verified": 0,
    "dismissed": 0,
    "outcomes": 0,
    "fugitives_arrested": 0,
    "open": 0,
    "overdue": 0,
}


def _args(scope: Scope, first: date, last: date) -> tuple[Any, ...]:
    return first, last, scope.codes, scope.township, scope.station, scope.village


async def _figures(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, key: str
) -> dict[str | None, dict[str, Any]]:
    """Every figure by ``key``; zeros where a query found nothing."""
    end_of_last_day = occurred_on(last + timedelta(days=1))
    figures: dict[str | None, dict[str, Any]] = {}
    for row in await pool.fetch(LEAD_FIGURES.format(key=key), *_args(scope, first, last), end_of_last_day):
        figures.setdefault(row["key"], {}).update(row)
    for row in await pool.fetch(OUTCOME_FIGURES.format(key=key), *_args(scope, first, last)):
        figures.setdefault(row["key"], {}).update(row)
    return {k: {**ZEROS, **{f: n for f, n in v.items() if f != "key"}} for k, v in figures.items()}


async def _counts(pool: asyncpg.Pool, query: str, scope: Scope, first: date, last: date) -> dict[str, int]:
    return {r["key"]: r["n"] for r in await pool.fetch(query, *_args(scope, first, last))}


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    figures = (await _figures(pool, scope, first, last, WHOLE_SCOPE)).get(None) or ZEROS
    by_channel = await _counts(pool, RECEIVED_BY.format(column="channel"), scope, first, last)
    by_category = await _counts(pool, RECEIVED_BY.format(column="category"), scope, first, last)
    by_reason = await _counts(pool, DISMISSED_BY_REASON, scope, first, last)
    by_outcome = await _counts(pool, OUTCOMES_BY_KIND, scope, first, last)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        **figures,
        "received_by_channel": {c.value: by_channel.get(c.value, 0) for c in LeadChannel},
        "received_by_category": {c.value: by_category.get(c.value, 0) for c in LeadCategory},
        "dismissed_by_reason": {r.value: by_reason.get(r.value, 0) for r in DismissalReason},
        "outcomes_by_kind": {o.value: by_outcome.get(o.value, 0) for o in LeadOutcome},
    }


async def by_station(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """The summary's totals per handling station, for charts."""
    figures = await _figures(pool, scope, first, last, BY_STATION)
    names = {
        r["code"]: r
        for r in await pool.fetch(
            "SELECT code, name_zh, name_en FROM rm_org_units WHERE code = ANY($1)", list(figures)
        )
    }
    return [
        {
            "station_code": code,
            "name_zh": names[code]["name_zh"] if code in names else None,
            "name_en": names[code]["name_en"] if code in names else None,
            **figures[code],
        }
        for code in sorted(c for c in figures if c is not None)
    ]
