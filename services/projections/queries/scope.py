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
