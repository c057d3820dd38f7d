"""The map's GeoJSON on real Kafka and PostgreSQL: villages where the registry knows their location
(a registration from before locations included, upcast), their coverage on the last day, the
disputes and leads received in the range, scoped to the caller in SQL; a station's checkpoints."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrganisationUnitLocated
from govgrid.catalogue.organisation import OrganisationUnitRegisteredV1
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections import writes
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.readmodels.coverage import COVERAGE
from services.projections.readmodels.disputes import DISPUTES
from services.projections.readmodels.patrols import PATROLS
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_coverage import DEPUTY
from services.projections.tests.integration.test_coverage import appointment
from services.projections.tests.integration.test_disputes_read import D1
from services.projections.tests.integration.test_disputes_read import D2
from services.projections.tests.integration.test_disputes_read import D3
from services.projections.tests.integration.test_disputes_read import D4
from services.projections.tests.integration.test_disputes_read import D5
from services.projections.tests.integration.test_disputes_read import D6
from services.projections.tests.integration.test_disputes_read import D7
from services.projections.tests.integration.test_disputes_read import D8
from services.projections.tests.integration.test_leads_read import L1
from services.projections.tests.integration.test_leads_read import L2
from services.projections.tests.integration.test_leads_read import L3
from services.projections.tests.integration.test_leads_read import L4
from services.projections.tests.integration.test_leads_read import L5
from services.projections.tests.integration.test_leads_read import L6
from services.projections.tests.integration.test_leads_read import L7
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import DAY0
from services.projections.tests.integration.test_patrols_read import GRIDS
from services.projections.tests.integration.test_patrols_read import NOVEMBER
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import Patrol
from services.projections.tests.integration.test_patrols_read import cst
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation

RING = [(109.50, 19.60), (109.56, 19.60), (109.56, 19.64), (109.50, 19.60)]
AT = {
    "V1": Location(latitude=19.52, longitude=109.58),
    "V2": Location(latitude=19.62, longitude=109.53, boundary=RING),
    "V4": Location(latitude=19.48, longitude=109.66),
}


def located(code: str, j: Jurisdiction, version: int) -> EventEnvelope:
    stream = Stream(f"orgunit-{code}", j)
    stream.version = version
    return stream.next(OrganisationUnitLocated(code=code, location=AT[code]), date(2024, 1, 5))


def places() -> list[EventEnvelope]:
    """The grid of the read tests; V1 and V2 located afterwards (registered, covered: version 3);
    V3 never; V4 registered as version 1 of the event (before locations existed), uncovered."""
    v4 = Stream("orgunit-V4", Jurisdiction(township="T01", village="V4"))
    v4_registered = OrganisationUnitRegisteredV1(
        code="V4", kind=OrgUnitKind.VILLAGE, name_zh="新村", name_en="Xincun", parent_code="T01"
    )
    return [
        *organisation(VILLAGES, GRIDS),
        located("V1", Jurisdiction(township="T01", station="S01", village="V1"), 2),
        located("V2", Jurisdiction(township="T02", station="S01", village="V2"), 2),
        v4.next(v4_registered, DAY0),
        located("V4", Jurisdiction(township="T01", village="V4"), 1),
    ]


def checkpoints() -> list[EventEnvelope]:
    """S01's patrol: two located visits in November, one without a location, one in December."""
    start = cst("2023-11-20T09:00+08:00")
    patrol = Patrol("P9", "S01", start)
    visits = [
        ("G11", start, (19.521, 109.581)),
        ("G12", start + timedelta(minutes=30), (19.523, 109.584)),
        ("G11", start + timedelta(hours=1), None),
        ("G11", cst("2023-12-02T09:00+08:00"), (19.521, 109.581)),
    ]
    for grid, at, where in visits:
        visited = CheckpointVisited(
            patrol_id="P9",
            grid_code=grid,
            visited_at=at,
            latitude=where[0] if where else None,
            longitude=where[1] if where else None,
        )
        patrol._add(visited, at, Jurisdiction(township="T01", station="S01", village="V1"))
    return patrol.events


def history() -> list[EventEnvelope]:
    work = (D1, D2, D3, D4, D5, D6, D7, D8, L1, L2, L3, L4, L5, L6, L7)
    deputy = appointment("a1", DEPUTY, "V1", "S01", "T01", approved=date(2023, 5, 1))
    return [*places(), *deputy, *(e for x in work for e in x.events), *checkpoints()]


def by_code(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in collection["features"]}


@pytest.fixture
async def fed(generations: Generations, kafka_log: KafkaLog) -> None:
    await kafka_log.feed(generations, history())


async def test_a_table_two_read_models_name_alike_is_written_with_each_ones_columns(
    generations: Generations,
) -> None:
    # Disputes' rm_org_units has no location columns, coverage's has: whichever a process writes first,
    # the other's registration must not park (it did, with KeyError: 'latitude', when the column types
    # were cached by table name alone).
    writes._types.clear()
    for event in places():
        await project(generations, (DISPUTES, COVERAGE), event)
    coverage = await generations.active_pool(COVERAGE)
    located = await coverage.fetch("SELECT code FROM rm_org_units WHERE latitude IS NOT NULL ORDER BY code")
    assert [r["code"] for r in located] == ["V1", "V2", "V4"]
    for model in (DISPUTES, COVERAGE):
        pool = await generations.active_pool(model)
        assert await pool.fetchval("SELECT count(*) FROM parked_events") == 0, model.name


async def test_generations_made_before_the_locations_get_them_when_the_new_release_starts(
    generations: Generations, kafka_log: KafkaLog, read_api: httpx.AsyncClient
) -> None:
    # The coverage and patrols generations as the release before the map left them: no location columns.
    for model, table, columns, migration in (
        (COVERAGE, "rm_org_units", ("latitude", "longitude", "boundary"), "0002_org_unit_locations.sql"),
        (PATROLS, "rm_patrol_checkpoints", ("latitude", "longitude"), "0003_checkpoint_locations.sql"),
    ):
        pool = await generations.active_pool(model)
        await pool.execute(f"ALTER TABLE {table} " + ", ".join(f"DROP COLUMN {c}" for c in columns))
        assert (
            await pool.execute("DELETE FROM schema_migrations WHERE name LIKE $1", f"%/{migration}")
            == "DELETE 1"
        )

    upgraded = await Generations.open(generations.settings)  # as any process of the new release does
    await upgraded.close()

    await kafka_log.feed(generations, history())
    villages = by_code(await get(read_api, f"/map/villages?{NOVEMBER}"))
    assert sorted(villages) == ["V1", "V2", "V4"]
    assert villages["V1"]["geometry"] == {"type": "Point", "coordinates": [109.58, 19.52]}
    checkpoints = await get(read_api, f"/map/checkpoints?station=S01&{NOVEMBER}")
    assert [f["properties"]["grid_code"] for f in checkpoints["features"]] == ["G12", "G11"]


@pytest.mark.usefixtures("fed")
async def test_villages_with_coverage_and_the_periods_disputes_and_leads(read_api: httpx.AsyncClient) -> None:
    answer = await get(read_api, f"/map/villages?{NOVEMBER}")
    assert (answer["type"], answer["from"], answer["to"], answer["unlocated"]) == (
        "FeatureCollection",
        "2023-11-01",
        "2023-11-30",
        1,  # V3
    )
    villages = by_code(answer)
    assert sorted(villages) == ["V1", "V2", "V4"]
    assert villages["V1"]["geometry"] == {"type": "Point", "coordinates": [109.58, 19.52]}
    assert villages["V2"]["geometry"] == {"type": "Polygon", "coordinates": [[list(p) for p in RING]]}
    assert villages["V4"]["geometry"] == {"type": "Point", "coordinates": [109.66, 19.48]}
    figures = {
        code: {k: v for k, v in f["properties"].items() if k not in ("name_zh", "name_en")}
        for code, f in villages.items()
    }
    assert figures == {
        "V1": {
            "code": "V1",
            "township_code": "T01",
            "station_code": "S01",
            "centre": [109.58, 19.52],
            "has_deputy_secretary": True,
            "disputes_received": 2,  # D2, D6
            "leads_received": 3,  # L1, L4, L5
        },
        "V2": {
            "code": "V2",
            "township_code": "T02",
            "station_code": "S01",
            "centre": [109.53, 19.62],
            "has_deputy_secretary": False,
            "disputes_received": 1,  # D3
            "leads_received": 1,  # L2
        },
        "V4": {
            "code": "V4",
            "township_code": "T01",
            "station_code": None,
            "centre": [109.66, 19.48],
            "has_deputy_secretary": False,
            "disputes_received": 0,
            "leads_received": 0,
        },
    }
    assert villages["V4"]["properties"]["name_zh"] == "新村"

    # April: other counts, the same places; before the deputy's approval, V1 was not covered.
    october = by_code(await get(read_api, "/map/villages?from=2023-04-01&to=2023-04-30"))
    assert {
        c: (f["properties"]["has_deputy_secretary"], f["properties"]["disputes_received"])
        for c, f in october.items()
    } == {
        "V1": (False, 0),
        "V2": (False, 0),
        "V4": (False, 0),
    }


@pytest.mark.usefixtures("fed")
async def test_the_caller_sees_the_villages_of_their_jurisdiction(read_api: httpx.AsyncClient) -> None:
    s02 = await get(read_api, f"/map/villages?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S02"))
    assert (s02["features"], s02["unlocated"]) == ([], 1)  # V3, which has no location
    s01 = await get(read_api, f"/map/villages?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S01"))
    assert (sorted(by_code(s01)), s01["unlocated"]) == (["V1", "V2"], 0)
    t01 = await get(read_api, f"/map/villages?{NOVEMBER}&village=V1", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    # V1's three leads are hidden below city level: S01's V2 has one (the small-count rule).
    assert [(f["id"], f["properties"]["leads_received"]) for f in t01["features"]] == [("V1", None)]
    # A place outside the caller's jurisdiction is empty, not an error that would confirm it.
    outside = await get(
        read_api, f"/map/villages?{NOVEMBER}&village=V3", bearer(Role.TOWNSHIP_OFFICER, "T01")
    )
    assert (outside["features"], outside["unlocated"]) == ([], 0)


@pytest.mark.usefixtures("fed")
async def test_a_stations_checkpoints_where_phones_gave_them(read_api: httpx.AsyncClient) -> None:
    answer = await get(read_api, f"/map/checkpoints?station=S01&{NOVEMBER}")
    assert answer["truncated"] is False
    assert [(f["properties"]["grid_code"], f["geometry"]["coordinates"]) for f in answer["features"]] == [
        ("G12", [109.584, 19.523]),  # the latest first
        ("G11", [109.581, 19.521]),
    ]
    assert (
        answer["features"][0]["properties"]["visited_at"]
        == datetime.fromisoformat("2023-11-20T01:30:00+00:00").isoformat()
    )
    other = await get(read_api, f"/map/checkpoints?station=S02&{NOVEMBER}")
    assert other["features"] == []
    hidden = await get(
        read_api, f"/map/checkpoints?station=S01&{NOVEMBER}", bearer(Role.STATION_OFFICER, "S02")
    )
    assert hidden["features"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/map/checkpoints?from=2023-11-01&to=2023-11-30", "query.station"),
        ("/map/villages?from=2023-12-01&to=2023-11-30", "query.from"),
        ("/map/villages?to=1999-12-31", "query.to"),
        ("/map/villages?station=S%2701", "query.station"),
    ],
)
async def test_bad_queries_are_422_naming_the_field(
    read_api: httpx.AsyncClient, path: str, field: str
) -> None:
    answer = await read_api.get(path, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["detail"]]


@pytest.mark.usefixtures("fed")
async def test_the_map_shows_no_village_lead_count_the_leads_summary_hides(
    read_api: httpx.AsyncClient,
) -> None:
    # A village's leads are a figure below station level: below city level, the small-count rule hides
    # it on the map as in the leads summary, else the map hands out the cell the summary suppresses.
    for caller in (bearer(Role.STATION_OFFICER, "S01"), bearer(Role.TOWNSHIP_OFFICER, "T01")):
        villages = by_code(await get(read_api, f"/map/villages?{NOVEMBER}", caller))
        assert villages
        for code, feature in villages.items():
            summary = await get(read_api, f"/leads/summary?{NOVEMBER}&village={code}", caller)
            assert feature["properties"]["leads_received"] == summary["received"], (caller, code)
    s01 = by_code(await get(read_api, f"/map/villages?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S01")))
    # V2's one lead is below 3; V1's three would give it back from S01's total: both hidden.
    assert {c: f["properties"]["leads_received"] for c, f in s01.items()} == {"V1": None, "V2": None}
    assert (
        by_code(await get(read_api, f"/map/villages?{NOVEMBER}"))["V1"]["properties"]["leads_received"] == 3
    )
