"""Rules that more than one aggregate of this service applies: time runs forward, and a station
works only where it is responsible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.rules import BusinessRule
from govgrid.rules import broken_if

Member = OfficerMember | VolunteerMember


class TimeMustNotGoBackwards(BusinessRule):
    """What a record says happened cannot come before what its aggregate already knows. ``when``
    and ``earliest`` are both dates or both datetimes."""

    code = "time_went_backwards"
    what: str
    when: date
    earliest: date | None

    def is_broken(self) -> bool:
        return self.earliest is not None and self.when < self.earliest

    def message(self) -> str:
        return f"{self.what} ({self.when.isoformat()}) cannot be before {self.earliest}"


@dataclass(frozen=True)
class Place:
    """A village, community or grid, with the station that covers it on the day in question (as the
    local organisation reference says; None when no station does)."""

    code: str
    station_code: str | None


@broken_if("outside_station_coverage", "{place.code} is not covered by station {station_code} on {on}")
def MustBeInStationCoverage(place: Place, station_code: str, on: date) -> bool:
    return place.station_code != station_code
