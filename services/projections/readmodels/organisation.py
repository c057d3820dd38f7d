"""The organisation registry (townships, stations, villages, grids) and which station covers each
village since when, as every read model that names or places things keeps it: the same two tables
(rm_org_units, rm_village_coverage: sql/organisation_tables.sql, which each such model's 0001
migration includes) filled by the same folds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Fold
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import fields_of

ORG_UNITS = Table("rm_org_units", ("code",), "organisation unit")
VILLAGE_COVERAGE = Table(
    "rm_village_coverage", ("village_code", "station_code", "effective_from"), "village coverage"
)


def unit_row(event: OrganisationUnitRegistered) -> dict[str, Any]:
    """A unit's row as every model keeps it (coverage adds where it is)."""
    return fields_of(event, "code", "kind", "name_zh", "name_en", "parent_code")


def unit_registered(c: Changes, e: EventEnvelope, event: OrganisationUnitRegistered) -> None:
    c.insert(ORG_UNITS, **unit_row(event))


def unit_renamed(c: Changes, e: EventEnvelope, event: OrganisationUnitRenamed) -> None:
    # A unit the registry lacks stays unknown, as before (its registration parked, or not this model's).
    c.update_matching(ORG_UNITS, {"code": event.code}, name_zh=event.name_zh, name_en=event.name_en)


def coverage_assigned(c: Changes, e: EventEnvelope, event: VillageCoverageAssigned) -> None:
    c.insert(
        VILLAGE_COVERAGE,
        **fields_of(event, "village_code", "station_code", "effective_from"),
        effective_until=None,
    )


def coverage_ended(c: Changes, e: EventEnvelope, event: VillageCoverageEnded) -> None:
    # The open period of the village with the station, whenever it began.
    c.update_matching(
        VILLAGE_COVERAGE,
        {"village_code": event.village_code, "station_code": event.station_code, "effective_until": None},
        effective_until=event.effective_until,
    )


ORGANISATION: dict[str, Fold] = {
    "OrganisationUnitRegistered": unit_registered,
    "OrganisationUnitRenamed": unit_renamed,
    "VillageCoverageAssigned": coverage_assigned,
    "VillageCoverageEnded": coverage_ended,
}


# Whose topic the registry's events are on.
REGISTRY_SERVICE = "appointments"


def keeping_registry(name: str, services: set[str], appliers: Mapping[str, Fold]) -> ReadModel:
    """A read model of ``services``' events that keeps the organisation registry beside its own
    tables: the registry's folds (``appliers`` may replace one) and the topic they read."""
    return ReadModel(
        name=name, services=frozenset({*services, REGISTRY_SERVICE}), appliers={**ORGANISATION, **appliers}
    )
