"""Filters shared by every read-model query: the caller's jurisdiction and the place asked for."""

from __future__ import annotations

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


def station_on(village: str, day: str) -> str:
    """SQL: the station covering ``village`` on ``day`` (both SQL expressions), from the read model's
    own ``rm_village_coverage``: a village's records are its station's of that day, so when it moves,
    what is open follows it and what happened before stays with the old station."""
    return f"""(SELECT c.station_code FROM rm_village_coverage c
                 WHERE c.village_code = {village} AND c.effective_from <= {day}
                   AND (c.effective_until IS NULL OR c.effective_until >= {day})
                 ORDER BY c.effective_from DESC LIMIT 1)"""


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
