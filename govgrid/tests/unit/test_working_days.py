"""govgrid.working_days: what "n working days" means across weekends, adjusted Saturdays, the Spring
Festival and the turn of a year, with the State Council's 2025 and 2026 notices as data."""

from __future__ import annotations

import json
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest

from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.working_days import HolidayArrangement
from govgrid.working_days import WorkingDays
from govgrid.working_days import end_of

CALENDAR = WorkingDays.load()


def test_both_notices_are_loaded_and_other_years_count_weekdays() -> None:
    assert CALENDAR.covers(2025) and CALENDAR.covers(2026)
    assert not CALENDAR.covers(2027)
    assert CALENDAR.is_working_day(date(2027, 1, 1))  # a Friday: no notice known, so a weekday
    assert not CALENDAR.is_working_day(date(2027, 1, 2))  # a Saturday


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday worked before the Spring Festival (调休上班)
        (date(2025, 2, 8), True),  # Saturday worked after it
        (date(2025, 1, 28), False),  # New Year's Eve, a Tuesday
        (date(2025, 2, 4), False),  # last day of the festival, a Tuesday
        (date(2025, 2, 5), True),
        (date(2025, 10, 11), True),  # Saturday worked after National Day
        (date(2025, 10, 8), False),  # Wednesday, last day of National Day and Mid-Autumn
        (date(2026, 2, 14), True),  # Saturday worked before the 2026 Spring Festival
        (date(2026, 2, 23), False),  # Monday, its last day
        (date(2026, 2, 28), True),  # Saturday worked after it
        (date(2026, 6, 1), True),  # an ordinary Monday
        (date(2026, 6, 6), False),  # an ordinary Saturday
    ],
)
def test_days_off_and_adjusted_working_days(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_an_adjusted_saturday_counts_as_a_working_day() -> None:
    # Thursday 9 October 2025 + 2: Friday the 10th, then Saturday the 11th (worked), not Monday.
    assert CALENDAR.after(date(2025, 10, 9), 2) == date(2025, 10, 11)


def test_the_spring_festival_stops_the_count() -> None:
    # Friday 13 February 2026 + 3: Saturday the 14th is worked, then nine days off, then 24 and 25.
    assert CALENDAR.after(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert CALENDAR.between(date(2026, 2, 13), date(2026, 2, 26)) == 4  # 13, 14, 24, 25


def test_a_deadline_spanning_the_new_year() -> None:
    # Received Tuesday 30 December 2025 at 23:00: 31 December, then New Year's Day to the 3rd off,
    # Sunday the 4th worked, Monday the 5th.
    received = datetime(2025, 12, 30, 23, 0, tzinfo=CHINA_STANDARD_TIME)
    assert CALENDAR.due_on(received, 3) == date(2026, 1, 5)
    assert end_of(date(2026, 1, 5)) == datetime(2026, 1, 6, tzinfo=CHINA_STANDARD_TIME)


def test_the_day_of_the_start_never_counts_and_china_decides_the_day() -> None:
    # 17:00 UTC on Thursday 5 June 2025 is 01:00 on Friday the 6th in China: + 1 is Monday the 9th.
    assert CALENDAR.due_on(datetime.fromisoformat("2025-06-05T17:00:00+00:00"), 1) == date(2025, 6, 9)
    assert CALENDAR.after(date(2025, 6, 6), 0) == date(2025, 6, 6)
    assert CALENDAR.between(date(2025, 6, 9), date(2025, 6, 9)) == 0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        CALENDAR.after(date(2025, 6, 6), -1)


def test_a_notice_is_checked_when_loaded(tmp_path: Path) -> None:
    notice = {"year": 2027, "days_off": [["2027-01-01", "2027-01-01", "元旦"]], "working_weekend_days": []}
    (tmp_path / "cn-2027.json").write_text(json.dumps(notice), encoding="utf-8")
    assert not WorkingDays.load(tmp_path).is_working_day(date(2027, 1, 1))

    (tmp_path / "cn-2028.json").write_text(json.dumps(notice), encoding="utf-8")
    with pytest.raises(ValueError, match=r"cn-2028\.json holds the arrangement of 2027"):
        WorkingDays.load(tmp_path)
    with pytest.raises(ValueError, match="is a weekday"):
        HolidayArrangement(2027, frozenset(), frozenset({date(2027, 1, 4)}))
    with pytest.raises(ValueError, match="is not in 2027"):
        HolidayArrangement(2027, frozenset({date(2026, 12, 31)}), frozenset())
    with pytest.raises(ValueError, match="backwards"):
        HolidayArrangement.from_json(
            json.dumps({**notice, "days_off": [["2027-01-03", "2027-01-01", "元旦"]]})
        )
