"""Organisation registry events, emitted by the appointments service on govgrid.appointments.events.

Other services keep a local reference table of org units and station coverage fed by these
(event-carried state transfer), so they never call the appointments service to check a code.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from govgrid.catalogue import catalogue
from govgrid.catalogue.registry import DomainEvent

SERVICE = "appointments"

OrgCode = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class OrgUnitKind(StrEnum):
    CITY = "city"
    TOWNSHIP = "township"
    SUBDISTRICT_OFFICE = "subdistrict_office"
    POLICE_STATION = "police_station"
    VILLAGE = "village"
    COMMUNITY = "community"
    GRID = "grid"


@catalogue.event(SERVICE, "OrganisationUnitRegistered", 1)
class OrganisationUnitRegistered(DomainEvent):
    code: str = OrgCode
    kind: OrgUnitKind
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    parent_code: str | None = Field(default=None, description="None only for the city.")


@catalogue.event(SERVICE, "OrganisationUnitRenamed", 1)
class OrganisationUnitRenamed(DomainEvent):
    code: str = OrgCode
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


@catalogue.event(SERVICE, "VillageCoverageAssigned", 1)
class VillageCoverageAssigned(DomainEvent):
    """From ``effective_from`` on, the police station covers the village or community."""

    station_code: str = OrgCode
    village_code: str = OrgCode
    effective_from: date


@catalogue.event(SERVICE, "VillageCoverageEnded", 1)
class VillageCoverageEnded(DomainEvent):
    """After ``effective_until`` the police station no longer covers the village or community."""

    station_code: str = OrgCode
    village_code: str = OrgCode
    effective_until: date
