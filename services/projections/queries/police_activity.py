"""Calls for police service and case counts (接处警, 刑事案件, 治安案件) over a range of days, against the
same days a year earlier.

Figures are a station's. A township's or village's are those of the stations covering its villages on
the as-of day, the same stations for both years (a station covering villages of two townships counts
in both). The caller sees the stations of their codes and the stations covering their villages or their
townships' villages, as the coverage read model shows them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from govgrid.china_time import year_earlier
from services.projections.queries.figures import change_percent
from services.projections.queries.months import months_and_days
from services.projections.queries.months import whole_months
from services.projections.queries.scope import Scope

MEASURES = ("calls_for_service", "criminal_cases", "public_security_cases")

# The stations' {rows} in scope ($1 as of, $2 the caller's codes, $3 township, $4 station, $5 village).
IN_SCOPE = """
WITH covered AS (
    SELECT c.station_code, c.village_code, v.parent_code AS township_code
      FROM rm_village_coverage c LEFT JOIN rm_org_units v ON v.code = c.village_code
     WHERE c.effective_from <= $1 AND (c.effective_until IS NULL OR c.effective_until >= $1)
)
SELECT a.* FROM ({rows}) a
 WHERE ($2::text[] IS NULL OR a.station_code = ANY($2) OR EXISTS (
        SELECT 1 FROM covered c
         WHERE c.station_code = a.station_code AND (c.village_code = ANY($2) OR c.township_code = ANY($2))))
   AND ($3::text IS NULL OR EXISTS (
        SELECT 1 FROM covered c WHERE c.station_code = a.station_code AND c.township_code = $3))
   AND ($4::text IS NULL OR a.station_code = $4)
   AND ($5::text IS NULL OR EXISTS (
        SELECT 1 FROM covered c WHERE c.station_code = a.station_code AND c.village_code = $5))
"""

COLUMNS = f"station_code, {', '.join(MEASURES)}"
BY_MONTH = f"SELECT month, {COLUMNS} FROM rm_police_activity_by_month"


def _period(name: str, first: str, last: str, start: str, end: str) -> str:
    """SQL: the figures of a range of days, from the monthly sums and the days around them."""
    days = months_and_days(
        BY_MONTH,
        f"SELECT day, {COLUMNS} FROM rm_police_activity",
        first,
        last,
        start,
        end,
    )
    return f"SELECT '{name}' AS period, r.* FROM ({days}) r"


# $6, $7 the range, $8, $9 the same days a year earlier; $10 to $13 their whole months (months.py).
PERIODS = (
    f"{_period('current', '$6', '$7', '$10', '$11')} UNION ALL {_period('earlier', '$8', '$9', '$12', '$13')}"
)
TOTALS = ", ".join(
    f"coalesce(sum({m}) FILTER (WHERE period = 'current'), 0) AS {m},"
    f" coalesce(sum({m}) FILTER (WHERE period = 'earlier'), 0) AS {m}_earlier"
    for m in MEASURES
)
SUMMARY = f"SELECT {TOTALS} FROM ({IN_SCOPE.format(rows=PERIODS)}) a"


def _args(scope: Scope) -> tuple[Any, ...]:
    return scope.as_of, *scope.params


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    earlier_first, earlier_last = year_earlier(first), year_earlier(last)
    row = await pool.fetchrow(
        SUMMARY,
        *_args(scope),
        first,
        last,
        earlier_first,
        earlier_last,
        *whole_months(first, last),
        *whole_months(earlier_first, earlier_last),
    )
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "year_earlier_from": earlier_first.isoformat(),
        "year_earlier_to": earlier_last.isoformat(),
        **{
            m: {
                "current": row[m],
                "year_earlier": row[f"{m}_earlier"],
                "change_percent": change_percent(row[m], row[f"{m}_earlier"]),
            }
            for m in MEASURES
        },
    }


async def monthly(pool: asyncpg.Pool, scope: Scope, year: int) -> dict[str, Any]:
    """The twelve months of ``year`` and of the year before, for a chart."""
    sums = ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
    rows = await pool.fetch(  # whole months: the monthly sums only
        "SELECT extract(year FROM month)::int AS year, extract(month FROM month)::int AS month,"
        f" {sums} FROM ({IN_SCOPE.format(rows=BY_MONTH)}) a WHERE month BETWEEN $6 AND $7 GROUP BY 1, 2",
        *_args(scope),
        date(year - 1, 1, 1),
        date(year, 12, 1),
    )
    figures = {(r["year"], r["month"]): r for r in rows}

    def month_of(y: int, month: int) -> dict[str, int]:
        row = figures.get((y, month))
        return {m: row[m] if row else 0 for m in MEASURES}

    return {
        "year": year,
        "months": [
            {"month": month, "current": month_of(year, month), "year_earlier": month_of(year - 1, month)}
            for month in range(1, 13)
        ],
    }
