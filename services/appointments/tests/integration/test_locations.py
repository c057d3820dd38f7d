"""Where org units are, through the API on real PostgreSQL: latitude and longitude columns in the
import (a bad cell is a row-level error), a point moved by a re-import keeping the boundary, and the
command that sets or corrects a location."""

from __future__ import annotations

import httpx

from services.appointments.tests.integration.conftest import ADMIN
from services.appointments.tests.integration.conftest import ok
from services.appointments.tests.integration.test_imports import CSV
from services.appointments.tests.integration.test_imports import UNITS_CSV

HEADER = "code,kind,name_zh,name_en,parent_code,station_code,coverage_from"
LOCATED_CSV = UNITS_CSV.replace(HEADER, HEADER + ",latitude,longitude").replace(
    "S01,2023-01-01\n", "S01,2023-01-01,19.52,109.58\n"
)
RING = [[109.57, 19.51], [109.59, 19.51], [109.59, 19.53], [109.57, 19.51]]


async def post_csv(api: httpx.AsyncClient, text: str) -> httpx.Response:
    return await api.post("/org-units/import", content=text.encode(), headers={**ADMIN, **CSV})


async def test_the_import_places_units_and_a_command_corrects_them(api: httpx.AsyncClient) -> None:
    assert "V01,village,干冲村,Ganchong,T01,S01,2023-01-01,19.52,109.58" in LOCATED_CSV
    assert (await ok(await post_csv(api, LOCATED_CSV)))["imported"] == 5
    village = await ok(await api.get("/org-units/V01", headers=ADMIN))
    assert village["location"] == {"latitude": 19.52, "longitude": 109.58, "boundary": None}
    assert (await ok(await api.get("/org-units/T01", headers=ADMIN)))["location"] is None

    # The boundary drawn later; a re-import of the same point changes nothing and keeps it.
    outlined = {"location": {"latitude": 19.52, "longitude": 109.58, "boundary": RING}}
    assert (await ok(await api.post("/org-units/V01/location", json=outlined, headers=ADMIN)))["location"][
        "boundary"
    ] == RING
    again = await ok(await post_csv(api, LOCATED_CSV))
    assert (again["changed"], again["unchanged"]) == (0, 5)

    # A corrected point in the spreadsheet moves it, boundary kept; the same command twice is one event.
    moved = await ok(await post_csv(api, LOCATED_CSV.replace("19.52,109.58", "19.53,109.57")))
    assert (moved["changed"], moved["unchanged"]) == (1, 4)
    village = await ok(await api.get("/org-units/V01", headers=ADMIN))
    assert village["location"] == {"latitude": 19.53, "longitude": 109.57, "boundary": RING}
    history = (await api.get("/org-units/V01/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history] == [
        "OrganisationUnitRegistered",
        "VillageCoverageAssigned",
        "OrganisationUnitLocated",
        "OrganisationUnitLocated",
    ]


async def test_bad_coordinates_are_refused_row_by_row_and_field_by_field(api: httpx.AsyncClient) -> None:
    bad = LOCATED_CSV + "V02,village,松林村,Songlin,T01,,,91,109.6\nV03,village,前进村,Qianjin,T01,,,19.5,\n"
    answer = await post_csv(api, bad)
    assert answer.status_code == 422
    rows = [(r["row"], r["field"], r["reason"]) for r in answer.json()["detail"]]
    assert rows[0][:2] == (6, "latitude") and "less than or equal to 90" in rows[0][2]
    assert rows[1][0] == 7 and "latitude and longitude go together" in rows[1][2]
    assert len(rows) == 2
    assert (await api.get("/org-units/V01", headers=ADMIN)).status_code == 404  # nothing imported

    await ok(await post_csv(api, LOCATED_CSV))
    open_ring = {"location": {"latitude": 19.5, "longitude": 109.6, "boundary": [*RING[:3], [109.0, 19.0]]}}
    answer = await api.post("/org-units/V01/location", json=open_ring, headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "body.location"
    assert "closed ring" in answer.json()["detail"][0]["reason"]
    off_the_globe = {"location": {"latitude": 19.5, "longitude": 190}}
    answer = await api.post("/org-units/V01/location", json=off_the_globe, headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "body.location.longitude"
