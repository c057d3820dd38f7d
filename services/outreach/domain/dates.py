"""Rules about dates that every aggregate of this service applies to the acts it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govgrid.rules import BusinessRule


@dataclass(frozen=True)
class DateMustNotPrecede(BusinessRule):
    """``what`` happened on ``when``, which cannot be before ``earliest`` (``earliest_what``)."""

    code = "dates_incoherent"
    what: str
    when: date
    earliest_what: str
    earliest: date

    def is_broken(self) -> bool:
        return self.when < self.earliest

    def message(self) -> str:
        return f"{self.what} ({self.when}) cannot be before {self.earliest_what} ({self.earliest})"


@dataclass(frozen=True)
class MustNotBeInTheFuture(BusinessRule):
    """An act is recorded once it happened: its day is today (in China) at the latest."""

    code = "date_in_the_future"
    what: str
    when: date
    today: date

    def is_broken(self) -> bool:
        return self.when > self.today

    def message(self) -> str:
        return f"{self.what} ({self.when}) is after today ({self.today}): record it once it happened"
