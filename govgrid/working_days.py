"""Working days in China: what "3 working days" means for a deadline.

Each year the State Council publishes its holiday arrangement (国务院办公厅关于部分节假日安排的通知):
days off (法定节假日 and the days swapped around them, 调休) and weekend days that are working days
(调休上班). It is data, one file a year in govgrid/calendars/ (``cn-<year>.json``); add next year's when
the notice comes out (usually in November). A year without a file counts Monday to Friday: a deadline
never waits for a notice, and ``covers`` says which years are known.

A deadline of n working days from a moment ends with the n-th working day *after* that moment's day
in China: a lead received on a Friday with 3 working days is due by the end of the next Wednesday;
the day it arrived does not count, whatever the hour.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import cache
from pathlib import Path

from govgrid.china_time import china_day
from govgrid.china_time import occurred_on

CALENDARS = Path(__file__).parent / "calendars"
SATURDAY = 5
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class HolidayArrangement:
    """One year's notice: its days off on weekdays and weekend days worked."""

    year: int
    days_off: frozenset[date]
    working_weekend_days: frozenset[date]
    source: str = ""

    def __post_init__(self) -> None:
        for day in self.days_off | self.working_weekend_days:
            if day.year != self.year:
                raise ValueError(f"{day} is not in {self.year}")
        for day in self.working_weekend_days:
            if day.weekday() < SATURDAY:
                raise ValueError(f"{day} is a weekday: only a weekend day can be made a working day")
        if both := self.days_off & self.working_weekend_days:
            raise ValueError(f"{min(both)} is both a day off and a working day")

    @classmethod
    def from_json(cls, text: str) -> HolidayArrangement:
        data = json.loads(text)
        days_off: set[date] = set()
        for first, last, *_name in data["days_off"]:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            if end < day:
                raise ValueError(f"days off from {first} to {last}: the range is backwards")
            while day <= end:
                days_off.add(day)
                day += ONE_DAY
        return cls(
            year=int(data["year"]),
            days_off=frozenset(days_off),
            working_weekend_days=frozenset(date.fromisoformat(d) for d in data["working_weekend_days"]),
            source=str(data.get("source", "")),
        )


class WorkingDays:
    """The working-day calendar: the one place that decides whether a day is worked."""

    def __init__(self, arrangements: Iterable[HolidayArrangement] = ()) -> None:
        self._years: Mapping[int, HolidayArrangement] = {a.year: a for a in arrangements}

    @classmethod
    def load(cls, directory: Path = CALENDARS) -> WorkingDays:
        """Every ``cn-<year>.json`` in ``directory``."""
        files = sorted(directory.glob("cn-*.json"))
        arrangements = [HolidayArrangement.from_json(f.read_text(encoding="utf-8")) for f in files]
        for path, arrangement in zip(files, arrangements, strict=True):
            if path.stem != f"cn-{arrangement.year}":
                raise ValueError(f"{path.name} holds the arrangement of {arrangement.year}")
        return cls(arrangements)

    def covers(self, year: int) -> bool:
        """Whether the year's notice is known (else weekends are the only days off)."""
        return year in self._years

    def is_working_day(self, day: date) -> bool:
        arrangement = self._years.get(day.year)
        if arrangement is not None:
            if day in arrangement.working_weekend_days:
                return True
            if day in arrangement.days_off:
                return False
        return day.weekday() < SATURDAY

    def after(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself never counts); n = 0 is ``day``."""
        if n < 0:
            raise ValueError("a number of working days is never negative")
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, first: date, last: date) -> int:
        """How many working days from ``first`` up to, not including, ``last`` (0 when last <= first)."""
        count, day = 0, first
        while day < last:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def due_on(self, start: datetime, n: int) -> date:
        """The last day of a deadline of ``n`` working days starting at the moment ``start``."""
        return self.after(china_day(start), n)


def end_of(day: date) -> datetime:
    """The moment a deadline ending with ``day`` has passed: the start of the next day in China."""
    return occurred_on(day + ONE_DAY)


@cache
def china_working_days() -> WorkingDays:
    """The calendar of the notices shipped in govgrid/calendars/, read once per process."""
    return WorkingDays.load()
