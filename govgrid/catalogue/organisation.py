"""Organisation registry events, emitted by the appointments service on govgrid.appointments.events.

Other services keep a local reference table of org units and station coverage fed by these
(event-carried state transfer), so they never call the appointments service to check a code.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from typing import Any
from typing import Self

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_validator

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import OrgName
from govgrid.catalogue.registry import DomainEvent

SERVICE = "appointments"


class OrgUnitKind(StrEnum):
    CITY = "city"
    TOWNSHIP = "township"
    SUBDISTRICT_OFFICE = "subdistrict_office"
    POLICE_STATION = "police_station"
    VILLAGE = "village"
    COMMUNITY = "community"
    GRID = "grid"


Latitude = Field(ge=-90, le=90, description="Degrees north (WGS 84); negative south.")
Longitude = Field(ge=-180, le=180, description="Degrees east (WGS 84); negative west.")
# [longitude, latitude], the GeoJSON order, so that a boundary is served as it is stored.
Position = tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]]
BOUNDARY_POINTS = 2000  # a village's outline drawn by hand or simplified from a survey fits well within


class Location(BaseModel):
    """Where a unit is on the map: a point (its office or centre, where its marker goes) and, when
    known, its boundary: one closed ring of [longitude, latitude] positions, as a GeoJSON Polygon's
    exterior (first position repeated last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latitude: float = Latitude
    longitude: float = Longitude
    boundary: list[Position] | None = Field(default=None, min_length=4, max_length=BOUNDARY_POINTS)

    @model_validator(mode="after")
    def _boundary_is_a_closed_ring(self) -> Self:
        if self.boundary is not None and self.boundary[0] != self.boundary[-1]:
            raise ValueError("a boundary is a closed ring: its last position repeats its first")
        return self


@catalogue.event(SERVICE, "OrganisationUnitRegistered", 1)
class OrganisationUnitRegisteredV1(DomainEvent):
    code: OrgCode
    kind: OrgUnitKind
    name_zh: OrgName
    name_en: OrgName
    parent_code: str | None = Field(default=None, description="None only for the city.")


@catalogue.event(SERVICE, version=2)
class OrganisationUnitRegistered(OrganisationUnitRegisteredV1):
    """v2: with the unit's location, when the registration gave one."""

    location: Location | None = None


@catalogue.upcaster("OrganisationUnitRegistered", 1)
def _registered_without_a_location(payload: dict[str, Any]) -> dict[str, Any]:
    # Units registered before locations existed have none, until OrganisationUnitLocated gives one.
    return {**payload, "location": None}


@catalogue.event(SERVICE)
class OrganisationUnitLocated(DomainEvent):
    """The unit's location set or corrected (replacing the previous one, boundary included)."""

    code: OrgCode
    location: Location


@catalogue.event(SERVICE)
class OrganisationUnitRenamed(DomainEvent):
    code: OrgCode
    name_zh: OrgName
    name_en: OrgName


class _VillageCoverage(BaseModel):
    """Whose coverage an event is about: a police station's, of a village or community (the station
    answers for it). A group of fields, not an event: each coverage event is a ``DomainEvent`` first."""

    station_code: OrgCode
    village_code: OrgCode


@catalogue.event(SERVICE)
class VillageCoverageAssigned(DomainEvent, _VillageCoverage):
    """From ``effective_from`` on, the police station covers the village or community."""

    effective_from: date


@catalogue.event(SERVICE)
class VillageCoverageEnded(DomainEvent, _VillageCoverage):
    """After ``effective_until`` the police station no longer covers the village or community."""

    effective_until: date
