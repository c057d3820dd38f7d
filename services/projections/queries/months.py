"""A range of days as its whole months and the days around them.

A read model may keep a table of monthly sums (``rm_<rows>_by_month``, kept by PostgreSQL as the rows
change: its migration says how). A summary of a range then adds up those sums for the range's whole
months and the rows themselves for the days before and after them: a year at 1 M events is 2.4 k
monthly sums of patrols instead of 20 k patrols, and the answer is the same to the last minute.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def whole_months(first: date, last: date) -> tuple[date, date]:
    """The first day of the range's first whole month and the day after its last whole month; one
    day twice when it holds no whole month (the days before that day and from it on are then all the
    range's: ``months_and_days`` reads them all from the rows)."""
    start = first if first.day == 1 else first_of_month(first_of_month(first) + timedelta(days=32))
    end = first_of_month(last + timedelta(days=1))
    return (start, end) if start < end else (start, start)


def months_and_days(months: str, days: str, first: str, last: str, start: str, end: str) -> str:
    """SQL: the rows of ``months`` (a SELECT from monthly sums, its first column their ``month``) for
    the months from ``start`` until ``end``, and of ``days`` (the same columns, from the rows summed,
    the first their ``day``) for the other days from ``first`` to ``last``. The four are SQL
    expressions, parameters mostly: ``start`` and ``end`` from ``whole_months``."""
    return f"""SELECT * FROM ({months}) m WHERE m.month >= {start} AND m.month < {end}
UNION ALL SELECT * FROM ({days}) d WHERE d.day BETWEEN {first} AND {last} AND d.day < {start}
UNION ALL SELECT * FROM ({days}) d WHERE d.day BETWEEN {first} AND {last} AND d.day >= {end}"""
