"""The dashboard's map panel in headless Chromium against a real read API on real PostgreSQL: the
platform's own GeoJSON drawn without anything from the internet, villages coloured by coverage, then
by disputes in the period (colour-blind safe, aria on, a table of the same figures), and a station's
patrol checkpoints. Saves a screenshot to artifacts/dashboard-map.png."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from datetime import timedelta
from typing import Any

import pytest
from supervised_platform import dashboard_page
from test_dashboard import ARTIFACTS
from test_dashboard import read_api

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrganisationUnitLocated
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.config import get_settings
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.test_coverage import HISTORY
from services.projections.tests.integration.test_disputes_read import Dispute
from services.projections.tests.integration.test_patrols_read import Patrol
from services.projections.tests.integration.test_patrols_read import cst

__all__ = ["read_api"]  # the read API fixture of the dashboard's tests, over this module's generations

WHERE = {
    "V1": (
        Jurisdiction(township="T01", station="S01", village="V1"),
        Location(latitude=19.52, longitude=109.58),
    ),
    "V2": (
        Jurisdiction(township="T01", station="S01", village="V2"),
        Location(latitude=19.55, longitude=109.52),
    ),
    "V3": (
        Jurisdiction(township="T02", station="S02", village="V3"),
        Location(latitude=19.47, longitude=109.66),
    ),
}


def located() -> list[EventEnvelope]:
    events = []
    for code, (j, location) in WHERE.items():
        stream = Stream(f"orgunit-{code}", j)
        stream.version = 2  # registered, covered
        events.append(stream.next(OrganisationUnitLocated(code=code, location=location), date(2024, 1, 5)))
    return events


def november() -> list[EventEnvelope]:
    """Disputes registered in November 2023: one in V1, three in V3; S01's patrol visits a checkpoint."""
    disputes = [Dispute("M1", "V1", date(2023, 11, 2))] + [
        Dispute(f"M{n}", "V3", date(2023, 11, 2 + n)) for n in (2, 3, 4)
    ]
    start = cst("2023-11-20T09:00+08:00")
    patrol = Patrol("P1", "S01", start)
    visit = CheckpointVisited(
        patrol_id="P1",
        grid_code="G11",
        visited_at=start + timedelta(minutes=10),
        latitude=19.521,
        longitude=109.581,
    )
    patrol._add(visit, start, WHERE["V1"][0])
    return [*(e for d in disputes for e in d.events), *patrol.events]


@pytest.fixture
async def generations(database_url: str, schema: str) -> AsyncIterator[Generations]:
    opened = await Generations.open(ProjectionsSettings(database_url=database_url, database_schema=schema))
    for envelope in [*HISTORY, *located(), *november()]:
        await project(opened, READ_MODELS, envelope)
    yield opened
    await opened.close_and_drop()


MAP_OPTION = """() => {
  const o = echarts.getInstanceByDom(document.getElementById('map-chart')).getOption();
  return {aria: o.aria[0] ? o.aria[0].enabled : o.aria.enabled, geo: o.geo[0].map,
          colours: o.series.map((s) => s.itemStyle.color), symbols: o.series.map((s) => s.symbol)};
}"""


async def map_rendered_after(page: Any, before: str | None) -> None:
    await page.wait_for_function(
        "before => document.body.dataset.mapRendered && document.body.dataset.mapRendered !== before",
        arg=before,
    )


async def test_the_map_colours_villages_by_coverage_then_disputes_from_the_platforms_geojson(
    read_api: str,
) -> None:
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    period = "from=2023-11-01&as_of=2023-11-30"
    async with dashboard_page(f"{read_api}/dashboard/#token={token}&{period}") as (page, errors):
        await map_rendered_after(page, None)
        # On 30 November 2023 V1 has a police deputy secretary; V2 never had one, V3's ended in September.
        assert await page.evaluate("window.govgridMap") == {
            "measure": "coverage",
            "series": [{"name": "已配备", "codes": ["V1"]}, {"name": "未配备", "codes": ["V2", "V3"]}],
        }
        option = await page.evaluate(MAP_OPTION)
        assert option == {
            "aria": True,
            "geo": "govgrid-villages",
            "colours": ["#56B4E9", "#E69F00"],  # Okabe-Ito blue and orange, as the coverage chart
            "symbols": ["circle", "triangle"],  # and a shape of its own: colour is not the only cue
        }
        chart = page.locator("#map-chart")
        assert await chart.get_attribute("tabindex") == "0"
        assert await chart.get_attribute("aria-label") == "3 个村（社区）的位置，按民警副书记着色"

        # Disputes received in the period, chosen by keyboard: V3 (3) darker than V1 (1), V2 (0) lightest.
        before = await page.evaluate("document.body.dataset.mapRendered")
        await page.focus("#map-measure")
        await page.keyboard.press("ArrowDown")
        assert await page.evaluate("document.getElementById('map-measure').value") == "disputes"
        await page.wait_for_function("window.govgridMap.measure === 'disputes'")
        assert await page.evaluate("document.body.dataset.mapRendered") == before  # redrawn, not refetched
        assert (await page.evaluate("window.govgridMap"))["series"] == [
            {"name": "0", "codes": ["V2"]},
            {"name": "1–2", "codes": ["V1"]},
            {"name": "3–5", "codes": ["V3"]},
            {"name": "≥6", "codes": []},
        ]
        assert await page.locator("#map-table tbody tr").all_inner_texts() == ["V1\t1", "V2\t0", "V3\t3"]

        # Its figures as files, as every panel's.
        offered = await page.locator("#map-panel .downloads button").evaluate_all(
            "(buttons) => buttons.map((b) => b.dataset.export + ' ' + b.dataset.format)"
        )
        assert offered == [
            f"{path} {format}"
            for path in ("/coverage/breakdown", "/disputes/by-village", "/leads/by-station")
            for format in ("csv", "xlsx")
        ]

        # Nothing came from anywhere but the platform: no tiles, no CDN.
        resources = await page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        assert resources and all(url.startswith(read_api) for url in resources), resources
        ARTIFACTS.mkdir(exist_ok=True)
        await page.locator("#map-panel").screenshot(path=str(ARTIFACTS / "dashboard-map.png"))
        assert errors == []


async def test_a_stations_map_shows_its_patrol_checkpoints(read_api: str) -> None:
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    address = f"{read_api}/dashboard/#token={token}&from=2023-11-01&as_of=2023-11-30&station=S01"
    async with dashboard_page(address) as (page, errors):
        await map_rendered_after(page, None)
        assert (await page.evaluate("window.govgridMap"))["series"] == [
            {"name": "已配备", "codes": ["V1"]},
            {"name": "未配备", "codes": ["V2"]},
            {"name": "巡逻打卡点", "codes": ["G11"]},
        ]
        assert errors == []
