"""Filters shared by every read-model query: the caller's jurisdiction and the place asked for."""

from __future__ import annotations

from collections.abc import Sequence
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
