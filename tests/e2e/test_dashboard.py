"""The dashboard in headless Chromium (Debian's, driven by Playwright) against a real read API on
real PostgreSQL: no console errors, the figures the API returns, the language switch, drill-down and
live updates. Saves a screenshot to artifacts/dashboard.png."""

from __future__ import annotations

import asyncio
import io
import socket
import unicodedata
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.async_api import Page
from pypdf import PdfReader
from supervised_platform import dashboard_page
from supervised_platform import figure

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.config import get_settings
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.testing.fixtures import wait_until
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.main import create_app
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.test_clocks_read import scenario as clock_scenario
from services.projections.tests.integration.test_coverage import DEPUTY
from services.projections.tests.integration.test_coverage import HISTORY
from services.projections.tests.integration.test_coverage import appointment

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def generations(database_url: str, schema: str) -> AsyncIterator[Generations]:
    opened = await Generations.open(ProjectionsSettings(database_url=database_url, database_schema=schema))
    for envelope in HISTORY:
        await project(opened, READ_MODELS, envelope)
    yield opened
    await opened.close_and_drop()


@pytest.fixture
async def read_api(generations: Generations) -> AsyncIterator[str]:
    """The read API and dashboard served over HTTP by uvicorn, as in production."""
    app = create_app()
    app.state.generations = generations
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    await wait_until(lambda: _answers(port), timeout=20, what="the read API to listen")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


async def _answers(port: int) -> bool:
    try:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


async def rendered_after(page: Page, before: str | None) -> None:
    await page.wait_for_function(
        "before => document.body.dataset.rendered && document.body.dataset.rendered !== before", arg=before
    )


async def test_the_dashboard_shows_the_read_api_and_drills_down(
    read_api: str, generations: Generations
) -> None:
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    async with httpx.AsyncClient(base_url=read_api, headers={"Authorization": f"Bearer {token}"}) as client:
        today: dict[str, Any] = (await client.get("/coverage/summary")).json()
        police: dict[str, Any] = (await client.get("/police-activity/summary")).json()
        patrols: dict[str, Any] = (await client.get("/patrols/summary")).json()
        services: dict[str, Any] = (await client.get("/outreach/summary")).json()
    async with dashboard_page(f"{read_api}/dashboard/#token={token}") as (page, errors):
        # The figures are the read API's.
        assert await figure(page, "villages") == str(today["villages"])
        assert await figure(page, "withDeputy") == str(today["villages_with_deputy_secretary"])
        assert await figure(page, "stations") == str(today["stations"])
        assert await figure(page, "calls") == str(police["calls_for_service"]["current"])
        assert await figure(page, "patrolsCompleted") == str(patrols["patrols_completed"])
        assert await figure(page, "studentsProcessed") == str(services["students_processed"])
        assert await page.locator("header h1").inner_text() == "党务+警务+村务 · 双向兼职工作台"

        # Language switch.
        before = await page.evaluate("document.body.dataset.rendered")
        await page.click("#language")
        await rendered_after(page, before)
        title = await page.locator("header h1").inner_text()
        assert title == "Party + Police + Village Affairs · Dual appointments"
        assert await page.locator('.card[data-figure="villages"] .label').inner_text() == "Villages"

        # Drill-down: click the first township's bar, then its first station's.
        for expected_group in ("station", "village"):
            point = await page.evaluate(
                """() => {
                  const chart = echarts.getInstanceByDom(document.getElementById('coverage-chart'));
                  const [x] = chart.convertToPixel({seriesIndex: 0}, [0, 0]);
                  const [, y] = chart.convertToPixel({seriesIndex: 0}, [0, 0.5]);
                  return [x, y];
                }"""
            )
            box = await page.locator("#coverage-chart").bounding_box()
            assert box is not None
            before = await page.evaluate("document.body.dataset.rendered")
            await page.mouse.click(box["x"] + point[0], box["y"] + point[1] - 2)
            await rendered_after(page, before)
            assert await page.evaluate("window.govgridChart.groupBy") == expected_group
        crumbs = await page.locator("#crumbs").inner_text()
        assert crumbs.startswith("City") and crumbs.count("›") == 2

        # Live: a new appointment lands in the read models; the page updates by itself.
        await page.click("#crumbs a[data-level='city']")
        await page.wait_for_function("document.getElementById('crumbs').innerText.indexOf('›') < 0")
        shown = await figure(page, "withDeputy")
        for envelope in appointment("a5", DEPUTY, "V2", "S01", "T01", approved=today_as_date(today)):
            await project(generations, READ_MODELS, envelope)
        await page.wait_for_function(
            "shown => document.querySelector('[data-figure=\"withDeputy\"] .figure').innerText !== shown",
            arg=shown,
            timeout=15_000,
        )
        assert int(await figure(page, "withDeputy")) == int(shown) + 1

        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        assert errors == []


def today_as_date(summary: dict[str, Any]) -> date:
    return date.fromisoformat(summary["as_of"])


def renamed(code: str, name_zh: str, name_en: str, events_before: int, j: Jurisdiction) -> EventEnvelope:
    stream = Stream(f"orgunit-{code}", j)
    stream.version = events_before
    return stream.next(OrganisationUnitRenamed(code=code, name_zh=name_zh, name_en=name_en), date(2023, 2, 1))


async def test_the_dashboard_names_places_drills_down_by_keyboard_and_marks_the_partial_month(
    read_api: str, generations: Generations
) -> None:
    for envelope in (
        renamed("T01", "那大镇", "Nada", 1, Jurisdiction(township="T01")),
        renamed("S01", "那大派出所", "Nada station", 1, Jurisdiction(station="S01")),
    ):
        await project(generations, READ_MODELS, envelope)
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    async with dashboard_page(f"{read_api}/dashboard/#token={token}&as_of=2026-12-03") as (page, errors):
        # The villages lacking a deputy secretary: township and station by name, not code (V2 of T01).
        row = await page.locator("#lacking tbody tr", has_text="V2").all_inner_texts()
        assert row == ["V2\tV2\t那大镇\t那大派出所"]

        # ECharts' aria is on, with decal patterns; covered/lacking are blue/orange, not green/red.
        options = await page.evaluate(
            """() => ['coverage-chart', 'police-chart'].map((id) => {
                 const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
                 return {aria: o.aria.enabled, decal: o.aria.decal.show,
                         colours: o.series.map((s) => s.itemStyle.color),
                         data: o.series.map((s) => s.data)};
               })"""
        )
        coverage, police = options
        assert coverage["aria"] and coverage["decal"] and police["aria"]
        assert coverage["colours"] == ["#56B4E9", "#E69F00"]

        # The as-of month (December, up to the 3rd) is partial: not on the full-month line, drawn dashed
        # from November, and compared with the same days a year earlier in a note.
        this_year, so_far, _ = police["data"]
        assert this_year[10] == 0 and this_year[11] is None
        assert so_far[:10] == [None] * 10 and so_far[10:] == [0, 0]
        note = await page.locator("#police-partial").inner_text()
        assert "2026-12-01 至 2026-12-03" in note and "2025-12-01 至 2025-12-03" in note

        # Drill-down by keyboard: Tab to the first township's link in the units table, Enter.
        first = page.locator("#children tbody a").first
        assert await first.inner_text() == "那大镇"
        await first.focus()
        before = await page.evaluate("document.body.dataset.rendered")
        await page.keyboard.press("Enter")
        await rendered_after(page, before)
        assert await page.evaluate("window.govgridChart.groupBy") == "station"
        assert await page.locator("#children tbody a").all_inner_texts() == ["那大派出所"]
        assert await page.locator("#crumbs [aria-current='page']").inner_text() == "那大镇"

        # Back to the city by keyboard: the breadcrumb is a link in the tab order.
        for _ in range(40):
            await page.keyboard.press("Shift+Tab")
            if await page.evaluate("document.activeElement.dataset.level") == "city":
                break
        before = await page.evaluate("document.body.dataset.rendered")
        await page.keyboard.press("Enter")
        await rendered_after(page, before)
        assert await page.evaluate("window.govgridChart.groupBy") == "township"
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "dashboard-named.png"), full_page=True)
        assert errors == []


async def test_each_panel_downloads_its_figures_as_csv_and_excel(read_api: str) -> None:
    token = mint_token(get_settings(), "leader", Role.TOWNSHIP_OFFICER, ["T01"])
    async with dashboard_page(f"{read_api}/dashboard/#token={token}&as_of=2026-12-03") as (page, errors):
        panels = await page.locator("section.panel:not([hidden]) .panel-head").count()
        with_downloads = await page.locator(".panel-head:has(.downloads button[data-format='xlsx'])").count()
        assert panels == with_downloads == 10

        # The list of villages lacking a deputy secretary, as the panel shows it: the officer's only.
        async with page.expect_download() as downloading:
            await page.click("#lacking-panel button[data-format='csv']")
        download = await downloading.value
        assert download.suggested_filename == "coverage-villages-lacking-deputy-secretary_2026-12-03.csv"
        content = await asyncio.to_thread(Path(await download.path()).read_bytes)
        assert content.decode("utf-8-sig").splitlines() == [
            "代码,名称,英文名称,乡镇代码,派出所代码",
            "V2,V2,V2,T01,S01",
        ]
        assert content.startswith(b"\xef\xbb\xbf")

        # In English after the language switch, as Excel.
        before = await page.evaluate("document.body.dataset.rendered")
        await page.click("#language")
        await rendered_after(page, before)
        async with page.expect_download() as downloading:
            await page.click("#summary-panel button[data-format='xlsx']")
        download = await downloading.value
        assert download.suggested_filename == "coverage-summary_2026-12-03.xlsx"
        workbook = await asyncio.to_thread(Path(await download.path()).read_bytes)
        sheet = load_workbook(io.BytesIO(workbook)).active
        assert sheet is not None
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == ["Figure", "Value"]
        assert ["Villages", 2] in rows  # T01's two villages
        assert errors == []


async def test_the_report_of_a_period_and_place_prints_to_pdf(
    read_api: str, generations: Generations
) -> None:
    await project(generations, READ_MODELS, renamed("T01", "那大镇", "Nada", 1, Jurisdiction(township="T01")))
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    async with dashboard_page(f"{read_api}/dashboard/#token={token}&as_of=2026-12-03") as (page, errors):
        # The dashboard links to the report of what it shows.
        before = await page.evaluate("document.body.dataset.rendered")
        await page.click("#children tbody a >> text=那大镇")
        await rendered_after(page, before)
        link = await page.get_attribute("#report-link", "href")
        assert link is not None and link.startswith("?report#token=")
        assert "from=2026-01-01" in link and "as_of=2026-12-03" in link and "township=T01" in link

        await page.goto(f"{read_api}/dashboard/{link}")
        await page.wait_for_function("document.body.dataset.rendered")
        await page.wait_for_function("document.getElementById('report-title').innerText.startsWith('那大镇')")
        pdf = await page.pdf(format="A4", print_background=True)
        await page.emulate_media(media="print")
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        assert errors == []
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    # NFKC on both sides: the PDF's font maps some ideographs to look-alike Kangxi radicals (⼤ for 大).
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = nfkc(" ".join(" ".join(p.extract_text().split()) for p in pages))
    assert nfkc("那大镇 · 党务+警务+村务工作汇报材料") in text
    assert nfkc("统计期间：2026-01-01 至 2026-12-03（数据截至 2026-12-03）") in text
    assert nfkc("2 村（社区） 1 已有") in text and "1 尚缺" in text  # T01: V1 covered, V2 not
    assert "V2 V2 那大镇 S01" in text  # the table of villages lacking a deputy secretary
    assert "12月*" in text  # the police chart, as text (SVG), its partial month marked
    for control in ("English", "实时", "CSV", "Excel", "打印"):
        assert control not in text


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


async def test_the_deadlines_panel_shows_what_was_overdue_on_a_day_and_why(
    read_api: str, generations: Generations
) -> None:
    for envelope in clock_scenario():
        await project(generations, READ_MODELS, envelope)
    token = mint_token(get_settings(), "leader", Role.CITY_ADMIN, [])
    url = f"{read_api}/dashboard/#token={token}&from=2025-06-01&as_of=2025-06-30"
    async with dashboard_page(url) as (page, errors):
        shown = [await figure(page, key) for key in ("clocksOverdue", "clocksDueSoon", "clocksPaused")]
        assert shown == ["3", "0", "1"]
        assert await figure(page, "clocksCarriedOver") == "1"
        rows = page.locator("#overdue-clocks tbody tr")
        assert await rows.evaluate_all("rows => rows.map((r) => r.dataset.clock)") == [
            "dispute:D2:assignment",
            "lead:L2:decision",
            "lead:L3:decision",
        ]
        why = await rows.first.inner_text()
        assert "指派调解员" in why and "乡镇批准延期" in why and "\t4\t" in why
        assert errors == []
