"""Filters shared by every read-model query: the caller's jurisdiction and the place asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govgrid.auth import Principal, Role


@dataclass(frozen=True)
class Scope:
    """``codes`` None: everything (a city admin). Otherwise a row is visible when its township,
    station or village code is one of them (the same rule as govgrid.auth.Principal.can_see)."""

    as_of: date
    codes: list[str] | None
    township: str | None = None
    station: str | None = None
    village: str | None = None

    @classmethod
    def of(
        cls, principal: Principal, as_of: date, township: str | None, station: str | None, village: str | None
    ) -> Scope:
        codes = None if principal.role is Role.CITY_ADMIN else sorted(principal.jurisdiction)
        return cls(as_of, codes, township, station, village)


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def in_scope(n: int) -> str:
    """A WHERE clause on a row ``r`` with township_code, station_code and village_code: ``$n`` the
    caller's codes (None: everything), ``$n+1`` .. ``$n+3`` the township, station and village asked for."""
    return f"""
    (${n}::text[] IS NULL
     OR r.township_code = ANY(${n}) OR r.station_code = ANY(${n}) OR r.village_code = ANY(${n}))
    AND (${n + 1}::text IS NULL OR r.township_code = ${n + 1})
    AND (${n + 2}::text IS NULL OR r.station_code = ${n + 2})
    AND (${n + 3}::text IS NULL OR r.village_code = ${n + 3})
"""
