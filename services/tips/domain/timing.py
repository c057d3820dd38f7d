"""Rules about when things happen, shared by the aggregates of this service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from govgrid.rules import BusinessRule

# A client's clock may run a little ahead of ours: a moment this far ahead is still "now".
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class NotInTheFuture(BusinessRule):
    """``when`` (a day, or a moment) has happened already: ``latest`` is today, or now."""

    code = "date_in_future"
    what: str
    when: date
    latest: date

    def is_broken(self) -> bool:
        return self.when > self.latest

    def message(self) -> str:
        return f"{self.what} ({self.when.isoformat()}) is in the future"


@dataclass(frozen=True)
class MustNotPrecede(BusinessRule):
    """``when`` is not before ``earliest`` (both days, or both moments)."""

    code = "dates_incoherent"
    what: str
    when: date
    earliest: date

    def is_broken(self) -> bool:
        return self.when < self.earliest

    def message(self) -> str:
        return f"{self.what} ({self.when.isoformat()}) cannot be before {self.earliest.isoformat()}"
