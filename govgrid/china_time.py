"""Time as the programme lives it: days are days in China (UTC+8, no daylight saving), whatever zone
a server runs in."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone

# China Standard Time has no daylight saving: a fixed offset needs no time-zone database.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def occurred_on(day: date) -> datetime:
    """When a dated act (an approval, a certificate) happened: the start of that day in China."""
    return datetime.combine(day, time.min, CHINA_STANDARD_TIME)


def china_day(moment: datetime) -> date:
    """The day a moment falls on in China."""
    return moment.astimezone(CHINA_STANDARD_TIME).date()


def today_in_china() -> date:
    """Today in China: "not in the future" and default dates are judged by this calendar."""
    return datetime.now(CHINA_STANDARD_TIME).date()


def year_earlier(day: date) -> date:
    """The same day a year earlier, what a year-on-year comparison sets ``day`` against; 29 February
    becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
