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

import asyncio
from dataclasses import replace
from datetime import date
from datetime import timedelta
from typing import Any

import asyncpg

from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadOutcome
from govgrid.china_time import occurred_on
from services.projections.queries.places import names_of
from services.projections.queries.places import placed_codes
from services.projections.queries.places import unit_names
from services.projections.queries.scope import Fact
from services.projections.queries.scope import Scope
from services.projections.queries.scope import all_placed_if_read
from services.projections.queries.scope import covering
from services.projections.queries.scope import in_scope
from services.projections.queries.scope import per_key
from services.projections.queries.scope import placed_facts
from services.projections.queries.small_counts import SmallCounts
from services.projections.queries.small_counts import below_station_level
from services.projections.queries.together import by_key
from services.projections.queries.together import fetch_together

# A lead's row with the station of the coverage ``c`` joined for a day (the lead's own station if no
# coverage says otherwise).
PLACED = "l.township_code, l.village_code, coalesce(c.station_code, l.station_code) AS station_code"

# $1 first day, $2 last day, $7 the end of the last day: each figure of a lead as a fact on its day.
LEAD_FACTS: list[Fact] = [
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
]


def _lead_figures(facts: list[Fact]) -> str:
    """SQL: the count of each of ``facts``, the scope from $3. By {key}: the station, a village, or
    nothing (NULL) for the whole scope."""
    counts = ",\n       ".join(f"count(*) FILTER (WHERE r.figure = '{f}') AS {f}" for f, _, _ in facts)
    return per_key(counts, placed_facts("rm_leads", facts))


# Totals that are the sum of a breakdown (every lead received has a channel, every dismissal a reason):
# where the breakdowns are counted too, the totals are taken from them instead of reading and placing
# the same leads again (the leads received are half of a year's lead facts).
SUM_OF = {"received": "received_by_channel", "dismissed": "dismissed_by_reason"}
LEAD_FIGURES = _lead_figures(LEAD_FACTS)
LEAD_FIGURES_BESIDE_BREAKDOWNS = _lead_figures([fact for fact in LEAD_FACTS if fact[0] not in SUM_OF])

# Outcomes in the range, each placed on its day.
OUTCOMES = f"""
SELECT o.outcome, {PLACED}
  FROM rm_lead_outcomes o JOIN rm_leads l ON l.lead_id = o.lead_id
  {covering("l.village_code", "o.outcome_on")}
 WHERE o.outcome_on BETWEEN $1 AND $2
"""

OUTCOME_FIGURES = per_key(
    "count(*) AS outcomes, count(*) FILTER (WHERE r.outcome = 'fugitive_arrested') AS fugitives_arrested",
    OUTCOMES,
)

# Breakdowns: a column of the leads received, dismissed, or of the outcomes, each placed like its total
# (at the station covering the village on the day of receipt, of the dismissal, of the outcome: a
# coverage entered with an earlier start must not make total and breakdown differ), by {cell} (a
# village of one station, or nothing for the whole scope). A row (cell, breakdown, key, n) per count.
# The leads received by channel and by category are one scan, grouped twice (GROUPING SETS): two
# statements read and placed every lead of the range twice.
RECEIVED_BY = f"""
SELECT {{cell}} AS cell,
       CASE WHEN grouping(r.channel) = 0 THEN 'received_by_channel' ELSE 'received_by_category' END
           AS breakdown,
       coalesce(r.channel, r.category) AS key, count(*) AS n
  FROM (SELECT l.channel, l.category, {PLACED}
          FROM rm_leads l {covering("l.village_code", "l.received_on")}
         WHERE l.received_on BETWEEN $1 AND $2) r
 WHERE {in_scope(3)} GROUP BY GROUPING SETS (({{cell}}, r.channel), ({{cell}}, r.category))
"""
DISMISSED_BY_REASON = f"""
SELECT {{cell}} AS cell, 'dismissed_by_reason' AS breakdown, r.dismissal_reason AS key, count(*) AS n
  FROM (SELECT l.dismissal_reason, {PLACED}
          FROM rm_leads l {covering("l.village_code", "l.dismissed_on")}
         WHERE l.dismissed_on BETWEEN $1 AND $2) r
 WHERE {in_scope(3)} GROUP BY 1, 3
"""
OUTCOMES_BY_KIND = f"""
SELECT {{cell}} AS cell, 'outcomes_by_kind' AS breakdown, r.outcome AS key, count(*) AS n
  FROM ({OUTCOMES}) r WHERE {in_scope(3)} GROUP BY 1, 3
"""
BREAKDOWN_QUERIES = (RECEIVED_BY, DISMISSED_BY_REASON, OUTCOMES_BY_KIND)
# Each breakdown and the values it counts.
BREAKDOWNS = {
    "received_by_channel": LeadChannel,
    "received_by_category": LeadCategory,
    "dismissed_by_reason": DismissalReason,
    "outcomes_by_kind": LeadOutcome,
}
# A total and its breakdowns (for complementary suppression within an answer).
TOTAL_OF = {
    "received_by_channel": "received",
    "received_by_category": "received",
    "dismissed_by_reason": "dismissed",
    "outcomes_by_kind": "outcomes",
}

# The cells of stations: (station, village; '' for the station's leads of no village), every one that
# ever had a lead of the station or is covered by it.
STATION_CELLS = """
SELECT station_code, coalesce(village_code, '') AS village FROM rm_leads WHERE station_code = ANY($1)
UNION
SELECT station_code, village_code FROM rm_village_coverage WHERE station_code = ANY($1)
"""
# The cells a scope counts leads of, whatever their days: each lead's own station's, and those of every
# station that ever covered its village (a figure counts at the station covering the village that day).
SCOPE_CELLS = f"""
SELECT DISTINCT r.station_code, coalesce(r.village_code, '') AS village
  FROM (SELECT l.township_code, l.village_code, l.station_code FROM rm_leads l
        UNION
        SELECT l.township_code, l.village_code, c.station_code
          FROM rm_leads l JOIN rm_village_coverage c ON c.village_code = l.village_code) r
 WHERE {in_scope(1)}
"""
CALLER_KINDS = "SELECT DISTINCT kind FROM rm_org_units WHERE code = ANY($1)"

WHOLE_SCOPE, BY_STATION, VILLAGE_CELL = "NULL::text", "r.station_code", "coalesce(r.village_code, '')"

ZEROS = {
    "received": 0,
    "verified": 0,
    "dismissed": 0,
    "outcomes": 0,
    "fugitives_arrested": 0,
    "open": 0,
    "overdue": 0,
}
BREAKDOWN_ZEROS = {f"{name}.{v.value}": 0 for name, values in BREAKDOWNS.items() for v in values}


def _args(scope: Scope, first: date, last: date) -> tuple[Any, ...]:
    return first, last, *scope.params


async def _figures(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, key: str, lead_figures: str = LEAD_FIGURES
) -> dict[str | None, dict[str, Any]]:
    """Every figure by ``key`` (those ``lead_figures`` counts, and the outcomes); zeros where a query
    found nothing."""
    end_of_last_day = occurred_on(last + timedelta(days=1))
    args = _args(scope, first, last)
    statements = [
        (lead_figures.format(key=key), (*args, end_of_last_day)),
        (OUTCOME_FIGURES.format(key=key), args),
    ]
    figures = by_key(
        await fetch_together(pool, all_placed_if_read(statements, scope, by_station=key == BY_STATION))
    )
    return {k: {**ZEROS, **v} for k, v in figures.items()}


async def _breakdowns(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, cell: str
) -> dict[str | None, dict[str, int]]:
    """Every breakdown by ``cell``, flattened (``received_by_channel.hotline``), zeros included."""
    found: dict[str | None, dict[str, int]] = {}
    args = _args(scope, first, last)
    statements = [(query.format(cell=cell), args) for query in BREAKDOWN_QUERIES]
    for rows in await fetch_together(
        pool, all_placed_if_read(statements, scope, by_station=cell == BY_STATION)
    ):
        for row in rows:
            found.setdefault(row["cell"], {})[f"{row['breakdown']}.{row['key']}"] = row["n"]
    return {c: {**BREAKDOWN_ZEROS, **counts} for c, counts in found.items()}


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` as ``{"a": {"b": 1}}``."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        head, _, tail = path.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = value
        else:
            nested[head] = value
    return nested


async def _counts(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, cell: str
) -> dict[str | None, dict[str, int]]:
    """Every figure and breakdown by ``cell``, flattened, zeros included; the totals of SUM_OF from
    their breakdowns."""
    figures, breakdowns = await asyncio.gather(
        _figures(pool, scope, first, last, cell, LEAD_FIGURES_BESIDE_BREAKDOWNS),
        _breakdowns(pool, scope, first, last, cell),
    )
    counts: dict[str | None, dict[str, int]] = {}
    for c in {*figures, *breakdowns}:
        counted = breakdowns.get(c, BREAKDOWN_ZEROS)
        sums = {
            total: sum(n for path, n in counted.items() if path.startswith(f"{name}."))
            for total, name in SUM_OF.items()
        }
        counts[c] = {**ZEROS, **figures.get(c, {}), **sums, **counted}
    return counts


async def _flat_summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, int]:
    return (await _counts(pool, scope, first, last, WHOLE_SCOPE)).get(None) or {**ZEROS, **BREAKDOWN_ZEROS}


async def _hidden_by_station(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, stations: set[str], small: SmallCounts
) -> dict[str, dict[str, set[str]]]:
    """Per station, per figure path: the station's hidden cells (villages) over the range."""
    cells_of: dict[str, set[str]] = {}
    for row in await pool.fetch(STATION_CELLS, sorted(stations)):
        cells_of.setdefault(row["station_code"], set()).add(row["village"])
    hidden: dict[str, dict[str, set[str]]] = {}
    for station, cells in cells_of.items():
        whole = Scope(scope.as_of, None, station=station)
        counts = await _counts(pool, whole, first, last, VILLAGE_CELL)
        paths = [*ZEROS, *BREAKDOWN_ZEROS]
        hidden[station] = {
            path: small.hidden_cells({cell: counts.get(cell, {}).get(path, 0) for cell in cells})
            for path in paths
        }
    return hidden


async def _suppressed(
    pool: asyncpg.Pool,
    scope: Scope,
    first: date,
    last: date,
    figures: dict[str, int],
    small: SmallCounts,
    groups: list[tuple[str, list[str]]],
) -> set[str]:
    """The paths of ``figures`` (of ``scope``, below station level) its caller sees suppressed: below
    the threshold, or holding a station's hidden cell; then completed in the answer's groups."""
    touched = {(r["station_code"], r["village"]) for r in await pool.fetch(SCOPE_CELLS, *scope.params)}
    hidden = await _hidden_by_station(pool, scope, first, last, {s for s, _ in touched}, small)
    suppressed = {
        path
        for path, n in figures.items()
        if n < small.threshold or any(cell in hidden[station].get(path, ()) for station, cell in touched)
    }
    suppressed = small.complete_groups(figures, suppressed, groups)
    # The same count twice: one hidden, both hidden.
    if {"fugitives_arrested", "outcomes_by_kind.fugitive_arrested"} & suppressed:
        suppressed |= {"fugitives_arrested", "outcomes_by_kind.fugitive_arrested"}
    return suppressed


async def villages_received_hidden(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, small: SmallCounts
) -> set[str]:
    """The villages of ``scope`` whose count of leads received in the range its caller may not see
    one by one (the map's figure): a village's count is below station level, so below city level it is
    hidden where it is a hidden cell of any station that counted it (below the threshold included)."""
    if scope.codes is None:
        return set()
    touched = {(r["station_code"], r["village"]) for r in await pool.fetch(SCOPE_CELLS, *scope.params)}
    hidden = await _hidden_by_station(pool, scope, first, last, {s for s, _ in touched}, small)
    return {village for station, village in touched if village in hidden[station]["received"]}


async def _caller_kinds(pool: asyncpg.Pool, scope: Scope) -> frozenset[str]:
    if scope.codes is None:
        return frozenset()
    return frozenset(r["kind"] for r in await pool.fetch(CALLER_KINDS, scope.codes))


def _shown(figures: dict[str, Any], suppressed: set[str], small: SmallCounts) -> dict[str, Any]:
    """The figures with the suppressed ones null, and which they are."""
    return {
        **_nest({path: None if path in suppressed else n for path, n in figures.items()}),
        "suppressed": sorted(suppressed),
        "suppressed_below": small.threshold,
    }


async def summary(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, small: SmallCounts
) -> dict[str, Any]:
    figures = await _flat_summary(pool, scope, first, last)
    suppressed: set[str] = set()
    if below_station_level(scope, await _caller_kinds(pool, scope)):
        groups = [
            (total, [p for p in figures if p.startswith(f"{name}.")]) for name, total in TOTAL_OF.items()
        ]
        suppressed = await _suppressed(pool, scope, first, last, figures, small, groups)
    return {"from": first.isoformat(), "to": last.isoformat(), **_shown(figures, suppressed, small)}


async def by_station(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, small: SmallCounts
) -> list[dict[str, Any]]:
    """The summary's totals per handling station, for charts."""
    figures = await _figures(pool, scope, first, last, BY_STATION)
    codes = placed_codes(figures)
    names = await unit_names(pool, codes)
    kinds = await _caller_kinds(pool, scope)
    rows = []
    for code in codes:
        station = replace(scope, station=code)
        suppressed: set[str] = set()
        if below_station_level(station, kinds):
            suppressed = await _suppressed(pool, station, first, last, figures[code], small, [])
        rows.append(
            {
                "station_code": code,
                **names_of(names, code),
                **_shown(figures[code], suppressed, small),
            }
        )
    return rows
