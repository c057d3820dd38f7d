"""Filters shared by every read-model query: the caller's jurisdiction and the place asked for."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from govgrid.auth import Principal
from govgrid.service.visibility import visible_codes
from govgrid.service.visibility import visible_sql
from services.projections.queries.together import Statement


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

    @property
    def reads_stations(self) -> bool:
        """Whether which station a row is placed at can matter: the caller sees only some codes (a
        station's among them, perhaps), or asked for a station. A city admin's answer for the whole
        city, a township or a village reads none (the township and the village are the row's own)."""
        return self.codes is not None or self.station is not None

    @property
    def reads_places(self) -> bool:
        """Whether where a row is placed can matter at all: the caller sees only some codes, or asked
        for a township, station or village. A city admin's answer for the whole city reads no place."""
        return self.reads_stations or self.township is not None or self.village is not None

    @property
    def params(self) -> tuple[list[str] | None, str | None, str | None, str | None]:
        """What ``in_scope(n)`` reads from ``$n`` to ``$n+3``: the caller's codes, then the township,
        station and village asked for."""
        return self.codes, self.township, self.station, self.village


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


COVERED = "LEFT JOIN rm_village_coverage c ON "
# The same join on nothing, and of a row of NULLs rather than the table: PostgreSQL drops it from the
# plan, and each row keeps its own station. (On the table, ``ON false`` still left a nested loop
# probing an empty result once per row: a year's leads at 1 M events, 1.9 → 1.7 ms.)
NOT_COVERED = (
    "LEFT JOIN (SELECT NULL::text AS village_code, NULL::text AS station_code,"
    " NULL::date AS effective_from, NULL::date AS effective_until) c ON false AND "
)


def covering(village: str, day: str) -> str:
    """SQL: a LEFT JOIN of ``c``, the coverage period of ``village`` that holds ``day`` (both SQL
    expressions), from the read model's own ``rm_village_coverage`` (one station at a time: at most one
    row). A village's records are its station's of that day, so when it moves, what is open follows it
    and what happened before stays with the old station. A join, not a subquery per row: PostgreSQL
    evaluates a correlated subquery again at each reference to its column (scope, grouping)."""
    return f"""{COVERED}c.village_code = {village} AND c.effective_from <= {day}
   AND (c.effective_until IS NULL OR c.effective_until >= {day})"""


def placed_if_read(sql: str, scope: Scope, by_station: bool = False) -> str:
    """``sql`` with its ``covering`` joins, or with joins on nothing where nothing reads the station they
    place a row at: neither ``scope`` (Scope.reads_stations) nor the grouping (``by_station``). A city
    admin's year of disputes placed every act of the year for nothing: at 1 M events, the received
    ones 2.6 ms placed, 1.2 ms not (docs/benchmarks.md, "Stop 27")."""
    return sql if scope.reads_stations or by_station else sql.replace(COVERED, NOT_COVERED)


def all_placed_if_read(
    statements: Iterable[Statement], scope: Scope, by_station: bool = False
) -> list[Statement]:
    """``placed_if_read`` of each statement (its SQL; its arguments as they are)."""
    return [(placed_if_read(sql, scope, by_station), args) for sql, args in statements]


Fact = tuple[str, str, str]  # a figure, its day, and when a row has it (SQL on the row ``t``)


def placed_facts(table: str, facts: Sequence[Fact], extra: str = "") -> str:
    """SQL: a row (figure, day, township_code, village_code, station_code ``extra``) for each fact of
    each row ``t`` of ``table``, placed at the station covering its village on the fact's day (the
    row's own station if no coverage says otherwise). One simple filtered scan per figure: expanding
    every row into all its figures first cost four to ten times the old query."""
    scans = " UNION ALL ".join(
        f"SELECT '{figure}' AS figure, ({day})::date AS day, t.township_code, t.village_code,"
        f" t.station_code AS own_station{extra} FROM {table} t WHERE {where}"
        for figure, day, where in facts
    )
    return f"""SELECT f.*, coalesce(c.station_code, f.own_station) AS station_code
  FROM ({scans}) f {covering("f.village_code", "f.day")}"""


def counted_facts(table: str, facts: Sequence[Fact]) -> str:
    """SQL: one row, key NULL, with the count of each fact of ``table`` in the range ``$1``-``$2`` (the
    facts of ``placed_facts``, so each is defined once), for an answer that reads no place (a city
    admin's whole city). Each count comes from its own scan: a union of the facts passed every one
    along as a row to be counted again (a city's year of dispute acts at 1 M events: 1.26 ms as rows,
    0.48 ms counted where found; docs/benchmarks.md, "Stop 28")."""
    counts = ",\n       ".join(
        f"(SELECT count(*) FROM {table} t WHERE {where}) AS {figure}" for figure, _day, where in facts
    )
    return f"SELECT NULL::text AS key,\n       {counts}"


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


def per_key(figures: str, rows: str, scope_from: int = 3) -> str:
    """SQL: ``figures`` (select-list items on a row ``r``) of the ``rows`` (SQL) in the scope from
    ``$scope_from`` (``in_scope``), by ``{key}``: formatted in later, a place or NULL for the whole
    scope."""
    return f"""
SELECT {{key}} AS key,
       {figures}
  FROM ({rows}) r
 WHERE {in_scope(scope_from)}
 GROUP BY 1
"""
