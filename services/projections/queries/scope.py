"""Filters shared by every read-model query: the caller's jurisdiction and the place asked for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from govgrid.auth import Principal
from govgrid.service.visibility import visible_codes, visible_sql


@dataclass(frozen=True)
class Scope:
    """``codes``: govgrid.service.visibility.visible_codes (None: everything, a city admin)."""

    as_of: date
    codes: list[str] | None
    township: str | None = None
    station: str | None = None
    village: str | None = None

    @classmethod
    def of(
        cls, principal: Principal, as_of: date, township: str | None, station: str | None, village: str | None
    ) -> Scope:
        return cls(as_of, visible_codes(principal), township, station, village)


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def covering(village: str, day: str) -> str:
    """SQL: a LEFT JOIN of ``c``, the coverage period of ``village`` that holds ``day`` (both SQL
    expressions), from the read model's own ``rm_village_coverage`` (one station at a time: at most one
    row). A village's records are its station's of that day, so when it moves, what is open follows it
    and what happened before stays with the old station. A join, not a subquery per row: PostgreSQL
    evaluates a correlated subquery again at each reference to its column (scope, grouping)."""
    return f"""LEFT JOIN rm_village_coverage c
    ON c.village_code = {village} AND c.effective_from <= {day}
   AND (c.effective_until IS NULL OR c.effective_until >= {day})"""


Fact = tuple[str, str, str]  # a figure, its day, and when a row has it (SQL on the row ``t``)


def placed_facts(
    rows: str,
    facts: Sequence[Fact],
    first: str,
    last: str,
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """SQL: the facts of the ``rows`` (a FROM item: the row ``t`` with its township_code, village_code
    and station_code, possibly joined), each placed at the station covering its village
    on the fact's day (the row's own station if no coverage says otherwise), counted: a row (figure,
    township_code, village_code, station_code, n, *columns) per group of ``n`` such facts.
    ``first`` and ``last`` (SQL) bound every fact's day; ``columns`` are SQL on ``t`` per figure (NULL
    for the other figures), by name.

    Placing each fact on its own cost more than everything else the summaries do (a year of disputes
    at 1 M events is 15 k facts). But a village's station changes only where a coverage starts or ends:
    a village with one coverage over the whole range, or none, has one station for all its facts, so
    they are counted first and the count is placed once. Only the villages a coverage starts or ends
    in within the range (a move) have their facts placed one by one, each on its day. One simple
    filtered scan per figure: expanding every row into all its figures first cost four to ten times."""
    columns = columns or {}
    scans = " UNION ALL ".join(
        f"SELECT '{figure}' AS figure, t.township_code, t.village_code, t.station_code AS own_station,"
        + "".join(f" {columns[name].get(figure, 'NULL')} AS {name}," for name in columns)
        + f" ({day})::date AS day FROM {rows} WHERE {where}"
        for figure, day, where in facts
    )
    kept = "".join(f", {name}" for name in columns)
    moving = MOVING.format(first=first, last=last)
    return f"""SELECT g.figure, g.township_code, g.village_code, g.n{kept},
       coalesce(c.station_code, g.own_station) AS station_code
  FROM (SELECT figure, township_code, village_code, own_station{kept},
               CASE WHEN village_code IN ({moving}) THEN day END AS day, count(*) AS n
          FROM ({scans}) f
         GROUP BY {", ".join(str(n) for n in range(1, 6 + len(columns)))}) g
  LEFT JOIN rm_village_coverage c
    ON c.village_code = g.village_code AND c.effective_from <= coalesce(g.day, {last})
   AND (c.effective_until IS NULL OR c.effective_until >= coalesce(g.day, {first}))"""


# The villages whose station changes between {first} and {last}: more than one coverage in the range,
# or one that starts after its first day or ends before its last. Every other village has at most
# one coverage in the range, holding every day of it.
MOVING = """SELECT m.village_code FROM rm_village_coverage m
 WHERE m.effective_from <= {last} AND (m.effective_until IS NULL OR m.effective_until >= {first})
 GROUP BY m.village_code
HAVING count(*) > 1 OR min(m.effective_from) > {first}
    OR max(coalesce(m.effective_until, 'infinity')) < {last}"""


def in_scope(n: int) -> str:
    """A WHERE clause on a row ``r`` with township_code, station_code and village_code: ``$n`` the
    caller's codes (None: everything), ``$n+1`` .. ``$n+3`` the township, station and village asked for."""
    visible = visible_sql(f"${n}", "r.township_code", "r.station_code", "r.village_code")
    return f"""
    {visible}
    AND (${n + 1}::text IS NULL OR r.township_code = ${n + 1})
    AND (${n + 2}::text IS NULL OR r.station_code = ${n + 2})
    AND (${n + 3}::text IS NULL OR r.village_code = ${n + 3})
"""
