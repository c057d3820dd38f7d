"""Police activity of a station per day: calls for police service (接处警), criminal cases (刑事案件)
and public-security cases (治安案件), imported from the station's own system.

One stream per station-day. The first import of a day records it; importing the same figures again
appends nothing; different figures append a PoliceActivityCorrected carrying the full new figures.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import replace
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import PoliceActivityCorrected
from govgrid.catalogue.patrols import PoliceActivityRecorded
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by


def stream_id(station_code: str, day: date) -> str:
    return f"policeactivity-{station_code}-{day.isoformat()}"


@dataclass(frozen=True)
class DailyFigures:
    """A station's police activity of one day, as its own system counts it."""

    calls_for_service: int
    criminal_cases: int
    public_security_cases: int


@dataclass(frozen=True)
class PoliceActivity:
    """A station's figures of a day, and how many times they were corrected."""

    station_code: str
    day: date
    figures: DailyFigures
    corrections: int = 0


def evolve(state: PoliceActivity | None, event: DomainEvent) -> PoliceActivity:
    match event:
        case PoliceActivityRecorded() | PoliceActivityCorrected():
            figures = told_by(DailyFigures, event)
            if state is None:
                return told_by(PoliceActivity, event, figures=figures)
            return replace(state, figures=figures, corrections=state.corrections + 1)
    raise CannotApply(event, state)


@broken_if("day_in_the_future", "{day} is after today ({today})")
def DayMustHaveBegun(day: date, today: date) -> bool:
    """Figures of a day that has not begun in China yet are a mistake in the file."""
    return day > today


def record(
    current: PoliceActivity | None, *, station_code: str, day: date, figures: DailyFigures, today: date
) -> list[DomainEvent]:
    """``station_code`` names a police station (checked by the caller against the reference)."""
    check(DayMustHaveBegun(day, today))
    if current is not None and current.figures == figures:
        return []  # the same figures again: a re-import changes nothing
    event_type = PoliceActivityRecorded if current is None else PoliceActivityCorrected
    return [event_type(station_code=station_code, day=day, **asdict(figures))]
