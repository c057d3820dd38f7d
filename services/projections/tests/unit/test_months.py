"""A range of days as its whole months and the days around them."""

from __future__ import annotations

from datetime import date

import pytest

from services.projections.queries.months import whole_months


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        (date(2025, 12, 1), date(2026, 11, 30), (date(2025, 12, 1), date(2026, 12, 1))),  # a year
        (date(2023, 10, 15), date(2024, 1, 10), (date(2023, 11, 1), date(2024, 1, 1))),
        (date(2024, 2, 1), date(2024, 2, 29), (date(2024, 2, 1), date(2024, 3, 1))),  # leap February
        (date(2024, 1, 31), date(2024, 3, 30), (date(2024, 2, 1), date(2024, 3, 1))),
        (date(2023, 12, 31), date(2024, 1, 31), (date(2024, 1, 1), date(2024, 2, 1))),
    ],
)
def test_the_whole_months_of_a_range(first: date, last: date, months: tuple[date, date]) -> None:
    assert whole_months(first, last) == months


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2024, 3, 5), date(2024, 3, 20)),
        (date(2024, 3, 1), date(2024, 3, 30)),  # all but the last day
        (date(2024, 3, 2), date(2024, 3, 31)),  # all but the first
        (date(2024, 3, 31), date(2024, 4, 29)),  # two months' days
        (date(2024, 3, 1), date(2024, 3, 1)),
    ],
)
def test_a_range_with_no_whole_month_has_none(first: date, last: date) -> None:
    # The days before the one day given and from it on are then all of the range's.
    start, end = whole_months(first, last)
    assert start == end
