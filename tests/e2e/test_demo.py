"""`make up` on an empty platform loads the Danzhou demo through the write services' APIs; once the
projections catch up, the read API and the dashboard show the programme's published figures."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from supervised_platform import Platform
from supervised_platform import dashboard_page
from supervised_platform import figure
from supervised_platform import run_platform

from demo import danzhou
from demo import published
from govgrid.testing.servers import PROJECT_ROOT

CITY = danzhou.build()
XIHUA, GANCHONG, QIANJIN = (CITY.station(n).code for n in ("西华派出所", "干冲海岸派出所", "前进派出所"))


def published_figures(platform: Platform, token: str, first: str, last: str) -> dict[str, Any]:
    """The read API's answers to the questions the published figures answer, for the demo's year."""
    period = f"from={first}&to={last}"

    def read(path: str) -> Any:
        return platform.read(path, token)

    def units(kind: str) -> int:
        return len(read(f"/org-units?kind={kind}"))

    coverage = read(f"/coverage/summary?as_of={last}")
    operations = read(f"/patrols/summary?station={GANCHONG}&{period}")["clearance_operations_carried_out"]
    police = read(f"/police-activity/summary?station={GANCHONG}&{period}")
    changes = {measure: police[measure]["change_percent"] for measure in published.GANCHONG_CHANGE_PERCENT}
    leads = read(f"/leads/summary?station={QIANJIN}&{period}")
    services = read(f"/outreach/summary?{period}")
    return {
        "townships": units("township"),
        "subdistrict offices": units("subdistrict_office"),
        "police stations": units("police_station"),
        "officers certified": coverage["officers_ever_certified"],
        "cadres certified": coverage["cadres_ever_certified"],
        "西华 disputes mediated": read(f"/disputes/summary?station={XIHUA}&{period}")["resolved"],
        "干冲海岸 clearance operations ≥ 30": operations >= published.GANCHONG_CLEARANCE_OPERATIONS_AT_LEAST,
        "干冲海岸 change percent": changes,
        "前进 leads ≥ 10": leads["received"] >= published.QIANJIN_LEADS_AT_LEAST,
        "前进 fugitives arrested": leads["fugitives_arrested"],
        "schools served": services["schools_served"],
        "students processed ≥ 85,000": (
            services["students_processed"] >= published.STUDENTS_PROCESSED_AT_LEAST
        ),
    }


EXPECTED = {
    "townships": published.TOWNSHIPS,
    "subdistrict offices": published.SUBDISTRICT_OFFICES,
    "police stations": published.POLICE_STATIONS,
    "officers certified": published.OFFICERS_CERTIFIED,
    "cadres certified": published.CADRES_CERTIFIED,
    "西华 disputes mediated": published.XIHUA_DISPUTES_MEDIATED,
    "干冲海岸 clearance operations ≥ 30": True,
    "干冲海岸 change percent": published.GANCHONG_CHANGE_PERCENT,
    "前进 leads ≥ 10": True,
    "前进 fugitives arrested": published.QIANJIN_FUGITIVES_ARRESTED,
    "schools served": published.SCHOOLS_SERVED,
    "students processed ≥ 85,000": True,
}


@pytest.fixture
def demo_platform() -> Iterator[Platform]:
    """The platform exactly as `make up` starts it: the demo loads once the services answer."""
    yield from run_platform()


async def test_the_demo_shows_the_published_figures(demo_platform: Platform) -> None:
    token = demo_platform.token()
    outcome = demo_platform.wait_for_line("demo: loaded", "demo failed", timeout=1500)
    assert "demo: loaded" in outcome, "\n".join(demo_platform.lines)
    dates = re.search(r"from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)", outcome)
    assert dates is not None, outcome
    first, last = dates.groups()

    # The projections catch up a little after the last command.
    deadline = time.monotonic() + 600
    while (seen := published_figures(demo_platform, token, first, last)) != EXPECTED:
        assert time.monotonic() < deadline, f"the read API shows {seen}, not {EXPECTED}"
        await asyncio.sleep(2)

    # The page shows the read API's figures for the demo's year.
    period = f"from={first}&to={last}"
    coverage = demo_platform.read(f"/coverage/summary?as_of={last}", token)
    disputes = demo_platform.read(f"/disputes/summary?{period}", token)
    services = demo_platform.read(f"/outreach/summary?{period}", token)
    address = f"http://127.0.0.1:{demo_platform.read_port}/dashboard/"
    async with dashboard_page(f"{address}#token={token}&from={first}&as_of={last}") as (page, errors):
        assert await page.input_value("#from") == first
        assert await figure(page, "deputiesCertified") == str(published.OFFICERS_CERTIFIED)
        assert await figure(page, "directorsCertified") == str(published.CADRES_CERTIFIED)
        assert await figure(page, "villages") == str(coverage["villages"])
        assert await figure(page, "disputesResolved") == str(disputes["resolved"])
        assert await figure(page, "schoolsServed") == str(published.SCHOOLS_SERVED)
        assert await figure(page, "studentsProcessed") == str(services["students_processed"])
        artifacts = PROJECT_ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        await page.screenshot(path=str(artifacts / "dashboard-demo.png"), full_page=True)
        assert errors == []
