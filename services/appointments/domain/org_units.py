"""Organisation units of the grid and which police station covers each village or community.

Coverage events live on the village's stream, so "one station at a time" is a rule of one aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import timedelta

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrganisationUnitLocated
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.envelope import Jurisdiction
from govgrid.envelope import StreamNaming
from govgrid.rules import BusinessRule
from govgrid.rules import KeyMustBeFree
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by

VILLAGE_KINDS = frozenset({OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY})
TOWNSHIP_KINDS = frozenset({OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT_OFFICE})

# Which kind of unit may be the parent of which (None: no parent).
ALLOWED_PARENT: dict[OrgUnitKind, frozenset[OrgUnitKind | None]] = {
    OrgUnitKind.CITY: frozenset({None}),
    OrgUnitKind.TOWNSHIP: frozenset({OrgUnitKind.CITY}),
    OrgUnitKind.SUBDISTRICT_OFFICE: frozenset({OrgUnitKind.CITY}),
    OrgUnitKind.POLICE_STATION: frozenset({OrgUnitKind.CITY}),
    OrgUnitKind.VILLAGE: TOWNSHIP_KINDS,
    OrgUnitKind.COMMUNITY: TOWNSHIP_KINDS,
    OrgUnitKind.GRID: VILLAGE_KINDS,
}


stream_id = StreamNaming("orgunit")


@dataclass(frozen=True)
class CoveragePeriod:
    """A station's coverage of a village, from its first day to its last (None: still covering)."""

    station_code: str
    effective_from: date
    effective_until: date | None = None

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)


@dataclass(frozen=True)
class OrgUnit:
    """A unit of the grid (city, township, station, village, community or grid) and, for a village
    or community, the stations that covered it over time."""

    code: str
    kind: OrgUnitKind
    name_zh: str
    name_en: str
    parent_code: str | None
    coverage: tuple[CoveragePeriod, ...] = ()
    location: Location | None = None

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    @property
    def current_coverage(self) -> CoveragePeriod | None:
        open_periods = [p for p in self.coverage if p.effective_until is None]
        return open_periods[-1] if open_periods else None

    def station_on(self, on: date) -> str | None:
        for period in reversed(self.coverage):
            if period.covers(on):
                return period.station_code
        return None


def evolve(state: OrgUnit | None, event: DomainEvent) -> OrgUnit:
    match event:
        case OrganisationUnitRegistered():
            return told_by(OrgUnit, event)
        case OrganisationUnitRenamed() | OrganisationUnitLocated() if state is not None:
            return updated_by(state, event)
        case VillageCoverageAssigned() if state is not None:
            return replace(
                state, coverage=(*state.coverage, CoveragePeriod(event.station_code, event.effective_from))
            )
        case VillageCoverageEnded() if state is not None:
            return replace(
                state,
                coverage=tuple(
                    replace(p, effective_until=event.effective_until)
                    if p.station_code == event.station_code and p.effective_until is None
                    else p
                    for p in state.coverage
                ),
            )
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


class UnitCodeMustBeFree(KeyMustBeFree):
    code = "unit_already_registered"
    record = "organisation unit"


class ParentMustFit(BusinessRule):
    """A unit hangs under a registered parent of the right kind (a village under a township...)."""

    code = "unit_parent_invalid"
    kind: OrgUnitKind
    parent_code: str | None
    parent: OrgUnit | None

    def is_broken(self) -> bool:
        if self.parent_code is None:
            return None not in ALLOWED_PARENT[self.kind]
        return self.parent is None or self.parent.kind not in ALLOWED_PARENT[self.kind]

    def message(self) -> str:
        allowed = sorted(k.value for k in ALLOWED_PARENT[self.kind] if k is not None) or ["none"]
        found = "missing" if self.parent is None else self.parent.kind.value
        return (
            f"a {self.kind.value} needs a parent of kind {' or '.join(allowed)} "
            f"(parent {self.parent_code}: {found})"
        )


@broken_if("not_a_village", "{unit.code} is a {unit.kind.value}, not a village or community")
def MustBeAVillage(unit: OrgUnit) -> bool:
    return not unit.is_village


@broken_if("not_a_police_station", "{unit.code} is a {unit.kind.value}, not a police station")
def MustBeAStation(unit: OrgUnit) -> bool:
    return unit.kind is not OrgUnitKind.POLICE_STATION


class CoverageMustNotGoBackwards(BusinessRule):
    """A new coverage starts after the latest one started and, if that one ended, after its end:
    a village is never covered by two stations on one day."""

    code = "dates_incoherent"
    latest: CoveragePeriod | None
    effective_from: date

    def is_broken(self) -> bool:
        if self.latest is None:
            return False
        floor = self.latest.effective_until or self.latest.effective_from
        return self.effective_from <= floor

    def message(self) -> str:
        assert self.latest is not None
        floor = self.latest.effective_until or self.latest.effective_from
        station = self.latest.station_code
        return f"coverage from {self.effective_from} must start after {floor} (coverage of {station})"


@broken_if("village_not_covered", "village {village.code} is not currently covered by station {station_code}")
def MustBeCovered(village: OrgUnit, station_code: str) -> bool:
    current = village.current_coverage
    return current is None or current.station_code != station_code


# ---------------------------------------------------------------- decisions


def register(
    existing: OrgUnit | None,
    parent: OrgUnit | None,
    *,
    code: str,
    kind: OrgUnitKind,
    name_zh: str,
    name_en: str,
    parent_code: str | None,
    location: Location | None = None,
) -> list[DomainEvent]:
    check(UnitCodeMustBeFree(existing, code), ParentMustFit(kind, parent_code, parent))
    return [
        OrganisationUnitRegistered(
            code=code, kind=kind, name_zh=name_zh, name_en=name_en, parent_code=parent_code, location=location
        )
    ]


def rename(unit: OrgUnit, *, name_zh: str, name_en: str) -> list[DomainEvent]:
    if (unit.name_zh, unit.name_en) == (name_zh, name_en):
        return []  # nothing changed: no event
    return [OrganisationUnitRenamed(code=unit.code, name_zh=name_zh, name_en=name_en)]


def locate(unit: OrgUnit, location: Location) -> list[DomainEvent]:
    """Set or correct where the unit is (the point, and the boundary: a location without one clears it)."""
    if unit.location == location:
        return []  # nothing changed: no event
    return [OrganisationUnitLocated(code=unit.code, location=location)]


def assign_coverage(village: OrgUnit, station: OrgUnit, *, effective_from: date) -> list[DomainEvent]:
    """The station covers the village from ``effective_from``; a previous coverage ends the day before."""
    current = village.current_coverage
    check(MustBeAVillage(village), MustBeAStation(station))
    if current is not None and current.station_code == station.code:
        return []  # already covered by this station
    check(CoverageMustNotGoBackwards(village.coverage[-1] if village.coverage else None, effective_from))
    events: list[DomainEvent] = []
    if current is not None:
        events.append(
            VillageCoverageEnded(
                station_code=current.station_code,
                village_code=village.code,
                effective_until=effective_from - timedelta(days=1),
            )
        )
    events.append(
        VillageCoverageAssigned(
            station_code=station.code, village_code=village.code, effective_from=effective_from
        )
    )
    return events


def end_coverage(village: OrgUnit, *, station_code: str, effective_until: date) -> list[DomainEvent]:
    check(MustBeCovered(village, station_code))
    current = village.current_coverage
    assert current is not None
    check(EndMustFollowStart(current.effective_from, effective_until))
    return [
        VillageCoverageEnded(
            station_code=station_code, village_code=village.code, effective_until=effective_until
        )
    ]


@broken_if("dates_incoherent", "the end ({end}) is before the start ({start})")
def EndMustFollowStart(start: date, end: date) -> bool:
    return end < start


def jurisdiction_of(unit: OrgUnit, parent: OrgUnit | None) -> Jurisdiction:
    """The codes a unit's events are filed under, for access control."""
    match unit.kind:
        case OrgUnitKind.CITY:
            return Jurisdiction()
        case OrgUnitKind.TOWNSHIP | OrgUnitKind.SUBDISTRICT_OFFICE:
            return Jurisdiction(township=unit.code)
        case OrgUnitKind.POLICE_STATION:
            return Jurisdiction(station=unit.code)
        case OrgUnitKind.VILLAGE | OrgUnitKind.COMMUNITY:
            current = unit.current_coverage
            return Jurisdiction(
                township=unit.parent_code,
                village=unit.code,
                station=current.station_code if current else None,
            )
        case OrgUnitKind.GRID:
            assert parent is not None
            current = parent.current_coverage
            return Jurisdiction(
                township=parent.parent_code,
                village=parent.code,
                station=current.station_code if current else None,
            )
