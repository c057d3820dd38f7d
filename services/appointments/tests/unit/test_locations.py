"""Where org units are: the location's bounds, the upcaster that reads registrations from before
locations, setting and correcting a location, and the import row's columns."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from govgrid.catalogue import catalogue
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrganisationUnitLocated
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.testing.scenario import then_events
from services.appointments.application.imports import OrgUnitRow
from services.appointments.domain import org_units
from services.appointments.tests.unit.scenario import TOWNSHIP
from services.appointments.tests.unit.scenario import VILLAGE
from services.appointments.tests.unit.scenario import VILLAGE_REGISTERED
from services.appointments.tests.unit.scenario import given_unit

GANCHONG = Location(latitude=19.52, longitude=109.58)
GANCHONG_ROW = {"code": VILLAGE, "kind": "village", "name_zh": "干冲村", "name_en": "Ganchong"}
GANCHONG_ROW["parent_code"] = TOWNSHIP
RING = [(109.57, 19.51), (109.59, 19.51), (109.59, 19.53), (109.57, 19.51)]


def v1_registration(payload: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type="OrganisationUnitRegistered",
        schema_version=1,
        stream_id=f"orgunit-{payload['code']}",
        stream_version=1,
        occurred_at=datetime(2023, 1, 1, tzinfo=UTC),
        recorded_at=datetime(2023, 1, 1, tzinfo=UTC),
        actor="a",
        correlation_id=uuid.uuid4(),
        jurisdiction=Jurisdiction(village=payload["code"]),
        payload=payload,
    )


def test_a_registration_from_before_locations_reads_as_the_latest_version_without_one() -> None:
    payload = dict(GANCHONG_ROW)
    event = catalogue.decode(v1_registration(payload))
    assert isinstance(event, OrganisationUnitRegistered) and event.schema_version == 2
    assert event.location is None
    assert event.model_dump(exclude={"location"}) == {**payload, "kind": OrgUnitKind.VILLAGE}


@pytest.mark.parametrize(
    ("location", "field"),
    [
        ({"latitude": 90.5, "longitude": 109.6}, "latitude"),
        ({"latitude": -91, "longitude": 109.6}, "latitude"),
        ({"latitude": 19.5, "longitude": 180.1}, "longitude"),
        (
            {
                "latitude": 19.5,
                "longitude": 109.6,
                "boundary": [[109.5, 19.0], [109.6, 95.0], [109.6, 19.1], [109.5, 19.0]],
            },
            "boundary.1.1",
        ),
        ({"latitude": 19.5, "longitude": 109.6, "boundary": RING[:3]}, "boundary"),
        ({"latitude": 19.5, "longitude": 109.6, "boundary": [*RING[:3], (109.0, 19.0)]}, "closed ring"),
    ],
)
def test_a_location_stays_on_the_globe_and_a_boundary_is_a_closed_ring(
    location: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        Location.model_validate(location)
    errors = raised.value.errors()
    assert len(errors) == 1
    where = ".".join(str(part) for part in errors[0]["loc"])
    assert field == where or field in errors[0]["msg"], errors


def test_the_edges_of_the_globe_are_valid() -> None:
    assert Location(latitude=-90, longitude=180).latitude == -90
    assert Location(latitude=19.5, longitude=109.6, boundary=RING).boundary == RING


def test_a_unit_is_located_corrected_and_a_repeat_changes_nothing() -> None:
    unit = given_unit(VILLAGE_REGISTERED)
    assert unit.location is None
    then_events(org_units.locate(unit, GANCHONG), [OrganisationUnitLocated(code=VILLAGE, location=GANCHONG)])
    located = given_unit(VILLAGE_REGISTERED, OrganisationUnitLocated(code=VILLAGE, location=GANCHONG))
    assert located.location == GANCHONG
    then_events(org_units.locate(located, GANCHONG), [])
    outlined = Location(latitude=19.52, longitude=109.58, boundary=RING)
    moved = OrganisationUnitLocated(code=VILLAGE, location=outlined)
    then_events(org_units.locate(located, outlined), [moved])


def test_a_registration_carries_its_location() -> None:
    events = org_units.register(
        None,
        given_unit(VILLAGE_REGISTERED),  # any parent of the right kind is checked elsewhere
        code="NEW",
        kind=OrgUnitKind.GRID,
        name_zh="新网格",
        name_en="New grid",
        parent_code=VILLAGE,
        location=GANCHONG,
    )
    assert given_unit(*events).location == GANCHONG


def row(**cells: str) -> OrgUnitRow:
    return OrgUnitRow.model_validate(GANCHONG_ROW | cells)


def test_an_import_row_takes_a_point_from_two_columns_and_keeps_a_known_boundary() -> None:
    assert row().location_given(None) is None
    point = row(latitude="19.52", longitude="109.58")
    assert point.location_given(None) == GANCHONG
    outlined = Location(latitude=19.0, longitude=109.0, boundary=RING)
    assert point.location_given(outlined) == Location(latitude=19.52, longitude=109.58, boundary=RING)


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"latitude": "19.52"}, "latitude and longitude go together"),
        ({"latitude": "119.5", "longitude": "109.58"}, "less than or equal to 90"),
        ({"latitude": "北纬19", "longitude": "109.58"}, "valid number"),
    ],
)
def test_an_import_row_with_a_bad_point_is_refused(cells: dict[str, str], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        row(**cells)
