"""The field app on a phone-sized Chromium (Debian's, driven by Playwright) against the platform as
`make up` runs it (Kafka, PostgreSQL, the write services and their relays, the projections, the field
app): a dispute from registration to agreement, a patrol with two checkpoints, three commands made
offline and applied exactly once when the connection returns (one of them sent twice), a refused
command shown in Chinese, fixed and resent, the informant's contact gone from the phone once sent, and
what a village cadre is not offered. Screenshots of the main screens go to artifacts/field-*.png."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext
from playwright.async_api import Geolocation
from playwright.async_api import Page
from playwright.async_api import Route
from playwright.async_api import ViewportSize
from playwright.async_api import async_playwright
from supervised_platform import CHROMIUM
from supervised_platform import CHROMIUM_ARGS
from supervised_platform import Platform
from supervised_platform import request
from supervised_platform import run_platform

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.china_time import today_in_china
from govgrid.config import get_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = ViewportSize(width=360, height=740)
HOME = Geolocation(latitude=19.5175, longitude=109.5806)  # 那大镇
CONTACT = "王大妈 13800138000"

UNITS: list[dict[str, Any]] = [
    {"code": "C4604", "kind": "city", "name_zh": "儋州市", "name_en": "Danzhou"},
    {"code": "T01", "kind": "township", "name_zh": "那大镇", "name_en": "Nada", "parent_code": "C4604"},
    {
        "code": "S01",
        "kind": "police_station",
        "name_zh": "西华派出所",
        "name_en": "Xihua",
        "parent_code": "C4604",
    },
    {"code": "V01", "kind": "village", "name_zh": "干冲村", "name_en": "Ganchong", "parent_code": "T01"},
    {"code": "G01", "kind": "grid", "name_zh": "干冲一网格", "name_en": "Ganchong 1", "parent_code": "V01"},
    {"code": "G02", "kind": "grid", "name_zh": "干冲二网格", "name_en": "Ganchong 2", "parent_code": "V01"},
]


class Field:
    """The running platform and the field app's address."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.url = f"http://127.0.0.1:{platform.field_port}"
        self.token = platform.token()

    def service(self, name: str) -> str:
        return f"http://127.0.0.1:{self.platform.ports[name.upper() + '_PORT']}"

    def get(self, service: str, path: str) -> Any:
        return request("GET", self.service(service) + path, self.token)[1]

    def post(self, service: str, path: str, body: dict[str, Any]) -> Any:
        return request("POST", self.service(service) + path, self.token, body)[1]


def retried(what: str, attempt: Any, timeout: float = 120) -> Any:
    """``attempt()`` until it stops raising: a service learns the registry from Kafka a moment after
    the appointments service recorded it (409 unknown_org_unit meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except Exception:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: still refused after {timeout}s") from None
            time.sleep(0.5)


def seed(field: Field) -> None:
    """The registry through the appointments API; then wait until mediation suggests the village's pair
    and patrols and tips know the station, its officer and its grids."""
    today = today_in_china()
    for unit in UNITS:
        field.post("appointments", "/org-units", unit)
    field.post(
        "appointments", "/org-units/V01/coverage", {"station_code": "S01", "effective_from": "2023-01-01"}
    )
    officer = {"person_id": "P001", "badge_number": "460001", "station_code": "S01", "display_name": "王警官"}
    field.post("appointments", "/people/officers", officer)
    cadre = {"person_id": "K001", "village_code": "V01", "display_name": "李主任", "post": "村委会主任"}
    field.post("appointments", "/people/cadres", cadre)
    for kind, person, organisation in [
        ("deputy_party_secretary", "P001", "V01"),
        ("joint_defence_director", "K001", "S01"),
    ]:
        nomination = {
            "kind": kind,
            "person_id": person,
            "organisation_code": organisation,
            "term_start": str(today - timedelta(days=30)),
            "term_end": str(today + timedelta(days=700)),
        }
        appointment = field.post("appointments", "/appointments", nomination)
        approval = {"approved_on": str(today - timedelta(days=20))}
        field.post("appointments", f"/appointments/{appointment['appointment_id']}/approve", approval)

    def suggested() -> None:
        pair = field.get("mediation", "/villages/V01/suggested-mediators")
        assert pair["officer"]["person_id"] == "P001" and pair["cadre"]["person_id"] == "K001"

    retried("mediation's suggested pair", suggested)
    team = retried(
        "patrols learning S01",
        lambda: field.post(
            "patrols", "/teams", {"station_code": "S01", "name": "seed", "formed_on": str(today)}
        ),
    )
    retried(
        "patrols learning P001",
        lambda: field.post(
            "patrols",
            f"/teams/{team['team_id']}/members",
            {"member": {"kind": "officer", "person_id": "P001"}, "joined_on": str(today)},
        ),
    )
    retried(
        "patrols learning G02",
        lambda: field.post(
            "patrols",
            "/clearance-operations",
            {"station_code": "S01", "focus": "出租屋", "planned_on": str(today), "area_codes": ["G02"]},
        ),
    )
    lead = {"channel": "hotline", "category": "safety_hazard", "place_code": "G01", "description": "桥面破损"}
    retried("tips learning G01", lambda: field.post("tips", "/leads", lead))
    enterprise = {"enterprise_code": "91469003MA5T0001X", "name": "干冲橡胶加工厂", "village_code": "V01"}
    retried(
        "outreach learning V01",
        lambda: field.post("outreach", "/enterprises", {**enterprise, "sector": "manufacturing"}),
    )


@pytest.fixture(scope="module")
def field() -> Iterator[Field]:
    for platform in run_platform("--no-demo"):
        running = Field(platform)
        seed(running)
        yield running


@pytest.fixture
async def phone(field: Field) -> AsyncIterator[tuple[BrowserContext, Page]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            geolocation=HOME,
            permissions=["geolocation"],
        )
        page = await context.new_page()
        uncaught: list[str] = []
        page.on("pageerror", lambda exc: uncaught.append(str(exc)))
        await page.goto(f"{field.url}/app/#token={field.token}")
        await page.wait_for_selector("body[data-ready]")
        yield context, page
        assert uncaught == []
        await browser.close()


async def show(page: Page, screen: str) -> None:
    await page.click(f'nav button[data-screen="{screen}"]')
    await page.wait_for_function(f"document.body.dataset.rendered === {json.dumps(screen)}")


async def act(page: Page, action: str) -> None:
    await page.click(f'button[data-action="{action}"]')
    await page.wait_for_selector("#form-title")


async def submit(page: Page, *, sent: bool = True) -> None:
    await page.click('form button[type="submit"].primary')
    await page.wait_for_function("!document.body.dataset.rendered.includes(':')")
    if sent:
        await page.wait_for_function("document.getElementById('queue-count').textContent === '0'")


async def selected(page: Page, kind: str) -> str:
    """The id the service gave the record shown open on the screen."""
    card = page.locator(f'main .card[data-record^="{kind}:"]').first
    key = await card.get_attribute("data-record")
    assert key is not None and "local-" not in key, key
    return key.split(":", 1)[1]


async def screenshot(page: Page, name: str) -> None:
    """Saves the screen, once it fits the phone's width (nothing to scroll sideways)."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"field-{name}.png"), full_page=True)


async def stored_on_the_phone(page: Page) -> str:
    """Everything the app keeps in the browser: every IndexedDB store, localStorage, sessionStorage."""
    dump: str = await page.evaluate(
        """async () => {
            const stores = {};
            for (const name of ["queue", "records", "ids", "sent"]) stores[name] = await Store.all(name);
            return JSON.stringify({ stores, local: { ...localStorage }, session: { ...sessionStorage } });
        }"""
    )
    return dump


def event_types(field: Field, service: str, path: str) -> list[str]:
    return [event["event_type"] for event in field.get(service, path + "/history")]


async def test_a_dispute_from_registration_to_agreement(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    _, page = phone
    await screenshot(page, "my-work")
    await show(page, "mediation")
    await act(page, "dispute.register")
    await page.fill("#f-village_code", "V01")
    await page.select_option("#f-category", "land_or_house")
    await page.fill("#f-description", "两户宅基地边界纠纷，party-A 认为 party-B 的围墙占地")
    await screenshot(page, "register-dispute")
    await submit(page)
    dispute = await selected(page, "dispute")

    await act(page, "dispute.mediators")
    await page.click("#use-suggestion")
    assert await page.input_value("#f-officer_person_id") == "P001"
    assert await page.input_value("#f-cadre_person_id") == "K001"
    await screenshot(page, "suggested-mediators")
    await submit(page)
    await act(page, "dispute.session")
    await page.fill("#f-parties_present", "party-A, party-B")
    await page.fill("#f-officials_present", "P001, K001")
    await page.fill("#f-summary", "现场测量，双方同意按 2019 年界桩划界")
    await submit(page)
    await act(page, "dispute.agreement")
    await page.fill("#f-terms", "按界桩划界，party-B 于月底前拆除越界围墙")
    await submit(page)
    await act(page, "dispute.close")
    await page.select_option("#f-outcome", "resolved")
    await submit(page)

    state = field.get("mediation", f"/disputes/{dispute}")
    assert (state["status"], state["mediators"]["follows_suggestion"], state["category"]) == (
        "closed",
        True,
        "land_or_house",
    )
    assert event_types(field, "mediation", f"/disputes/{dispute}") == [
        "DisputeRegistered",
        "MediatorsAssigned",
        "MediationSessionHeld",
        "AgreementReached",
        "DisputeClosed",
    ]


async def test_a_patrol_with_two_checkpoints(field: Field, phone: tuple[BrowserContext, Page]) -> None:
    _, page = phone
    await show(page, "patrols")
    await act(page, "team.form")
    await page.fill("#f-station_code", "S01")
    await page.fill("#f-name", "西华巡逻一队")
    await submit(page)
    team = await selected(page, "team")
    await act(page, "team.officer")
    await page.fill("#f-person_id", "P001")
    await submit(page)
    await act(page, "team.volunteer")
    await page.fill("#f-volunteer_id", "GC-V012")
    await page.select_option("#f-affiliation", "fisherman")
    await page.check("#f-party_member")
    await submit(page)

    await act(page, "patrol.schedule")
    assert await page.input_value("#f-team_id") == team
    await submit(page)
    patrol = await selected(page, "patrol")
    await act(page, "patrol.start")
    assert await page.input_value("#f-participant_ids") == "P001, GC-V012"  # the team, proposed
    await submit(page)
    await act(page, "patrol.checkpoint")
    await page.fill("#f-grid_code", "G01")
    await page.click("#locate")  # the phone's position
    await page.wait_for_function("document.getElementById('f-latitude').value !== ''")
    await screenshot(page, "checkpoint")
    await submit(page)
    await act(page, "patrol.checkpoint")
    await page.fill("#f-grid_code", "G02")
    await page.fill("#f-latitude", "19.52")  # typed by hand
    await page.fill("#f-longitude", "109.59")
    await submit(page)
    await act(page, "patrol.complete")
    await page.fill("#f-distance_km", "3.5")
    await submit(page)
    await screenshot(page, "patrol")

    history = field.get("patrols", f"/patrols/{patrol}/history")
    assert [event["event_type"] for event in history] == [
        "PatrolScheduled",
        "PatrolStarted",
        "CheckpointVisited",
        "CheckpointVisited",
        "PatrolCompleted",
    ]
    checkpoints = [event["payload"] for event in history if event["event_type"] == "CheckpointVisited"]
    assert [(c["grid_code"], c["latitude"], c["longitude"]) for c in checkpoints] == [
        ("G01", HOME["latitude"], HOME["longitude"]),
        ("G02", 19.52, 109.59),
    ]
    participants = history[1]["payload"]["participants"]
    assert sorted(p.get("person_id") or p.get("volunteer_id") for p in participants) == ["GC-V012", "P001"]


async def test_commands_made_offline_are_applied_exactly_once_when_back_online(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    context, page = phone
    disputes_before = field.get("mediation", "/disputes?limit=1")["total"]
    leads_before = field.get("tips", "/leads?limit=1")["total"]
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await context.set_offline(True)
    await page.reload()  # the app opens without a connection: the service worker has it
    await page.wait_for_selector("body[data-ready]")
    cached = await page.evaluate(
        "caches.open('govgrid-field-v1').then((cache) => cache.keys())"
        ".then((requests) => requests.map((r) => new URL(r.url).pathname))"
    )
    assert {f"/app/{name}" for name in ["", "index.html", "app.js", "store.js", "errors.json"]} <= set(cached)
    await page.wait_for_function("document.getElementById('connection').classList.contains('offline')")

    await show(page, "leads")
    await act(page, "lead.submit")
    await page.select_option("#f-channel", "in_person")
    await page.select_option("#f-category", "theft")
    await page.fill("#f-place_code", "V01")
    await page.fill("#f-informant_contact", CONTACT)
    await page.fill("#f-description", "村口小卖部夜间被撬")
    await submit(page, sent=False)
    await show(page, "mediation")
    await act(page, "dispute.register")
    await page.fill("#f-village_code", "V01")
    await page.fill("#f-description", "鱼塘承包费拖欠")
    await submit(page, sent=False)
    await act(page, "dispute.mediators")  # on the dispute made offline: no id from the service yet
    await page.fill("#f-officer_person_id", "P001")
    await page.fill("#f-cadre_person_id", "K001")
    await submit(page, sent=False)
    assert await page.text_content("#queue-count") == "3"
    assert CONTACT in await stored_on_the_phone(page)  # queued, as it must be until sent
    await show(page, "queue")
    await screenshot(page, "offline-queue")

    # The dispute's registration reaches the service but its answer is lost: the app sends it again.
    lost: list[str] = []

    async def lose_the_answer(route: Route) -> None:
        if lost:
            await route.continue_()
            return
        answer = await route.fetch()
        lost.append(answer.status_text)
        await route.abort("connectionreset")

    await page.route("**/api/mediation/disputes", lose_the_answer)
    await context.set_offline(False)
    deadline = time.monotonic() + 60
    while await page.text_content("#queue-count") != "0":
        assert time.monotonic() < deadline, await page.text_content("main")
        await page.click("#send-now")
        await page.wait_for_timeout(300)  # the next press of a user, not a condition
    assert len(lost) == 1

    stored = await stored_on_the_phone(page)
    assert CONTACT not in stored and "13800138000" not in stored
    sent = {entry["action"]: entry for entry in json.loads(stored)["stores"]["sent"][-3:]}
    assert set(sent) == {"lead.submit", "dispute.register", "dispute.mediators"}
    assert sent["dispute.register"]["replayed"] is True  # the second sending was a replay
    dispute = sent["dispute.register"]["record"].split(":")[1]
    lead = sent["lead.submit"]["record"].split(":")[1]
    assert field.get("mediation", "/disputes?limit=1")["total"] == disputes_before + 1
    assert field.get("tips", "/leads?limit=1")["total"] == leads_before + 1
    assert event_types(field, "mediation", f"/disputes/{dispute}") == [
        "DisputeRegistered",
        "MediatorsAssigned",
    ]
    assert event_types(field, "tips", f"/leads/{lead}") == ["LeadReceived"]
    assert field.get("tips", f"/leads/{lead}")["anonymous"] is False

    # The read side counts each once too.
    def read_side_counts_each_once() -> None:
        disputes = field.platform.read("/disputes/summary", field.token)
        leads = field.platform.read("/leads/summary", field.token)
        assert (disputes["received"], leads["received"]) == (disputes_before + 1, leads_before + 1)

    retried("the read API to count them", read_side_counts_each_once)


async def test_a_refused_command_is_shown_in_chinese_fixed_and_resent(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    _, page = phone
    before = field.get("mediation", "/disputes?limit=1")["total"]
    await show(page, "mediation")
    await act(page, "dispute.register")
    await page.fill("#f-village_code", "V01")
    await page.fill("#f-description", "邻里噪音纠纷")
    await page.fill("#f-registered_on", str(today_in_china() + timedelta(days=1)))
    await submit(page, sent=False)
    await show(page, "queue")
    refused = page.locator('main .card[data-queue="refused"]')
    assert await refused.locator(".error").get_attribute("data-error") == "date_in_future"
    assert await refused.locator(".error").inner_text() == "日期不能晚于今天"
    await screenshot(page, "refused")
    assert field.get("mediation", "/disputes?limit=1")["total"] == before

    await refused.locator("button[data-edit]").click()
    await page.wait_for_selector("#form-title")
    assert await page.locator(".refusal .error").inner_text() == "日期不能晚于今天"
    assert await page.input_value("#f-description") == "邻里噪音纠纷"  # the command as it was sent
    await page.fill("#f-registered_on", str(today_in_china()))
    await submit(page)
    assert field.get("mediation", "/disputes?limit=1")["total"] == before + 1


async def test_a_village_cadre_is_offered_only_what_the_role_may_do(field: Field) -> None:
    cadre = mint_token(get_settings(), "K001", Role.VILLAGE_CADRE, ["V01"])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PHONE)
        await page.goto(f"{field.url}/app/#token={cadre}")
        await page.wait_for_selector("body[data-ready]")
        await show(page, "patrols")
        assert await page.locator("button[data-action]").count() == 0
        await show(page, "leads")
        assert await page.locator("button[data-action]").all_inner_texts() == ["受理线索", "登记联络群"]
        await page.fill("#open-id", "someleadid")
        await page.click("#open-id ~ button")
        await page.wait_for_selector('main .card[data-record="lead:someleadid"]')
        # No triage, and no clock of a lead (the station's).
        assert await page.locator("button[data-action]").all_inner_texts() == ["受理线索", "登记联络群"]
        await page.focus('nav button[data-screen="mediation"]')  # the keyboard alone
        await page.keyboard.press("Enter")
        await page.wait_for_function("document.body.dataset.rendered === 'mediation'")
        assert await page.locator("button[data-action]").all_inner_texts() == ["登记纠纷"]
        await screenshot(page, "cadre")
        await page.click("#language")
        await page.wait_for_selector('button[data-action="dispute.register"]:text("Register a dispute")')
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.inner_text('nav [data-screen="patrols"]') == "Patrols"
        await browser.close()


async def test_a_lead_from_a_resident_to_its_close(field: Field, phone: tuple[BrowserContext, Page]) -> None:
    _, page = phone
    await show(page, "leads")
    await act(page, "lead.submit")
    await page.select_option("#f-channel", "in_person")
    await page.select_option("#f-category", "safety_hazard")
    await page.fill("#f-place_code", "G01")
    await page.fill("#f-informant_contact", CONTACT)
    await page.fill("#f-description", "水库堤坝有裂缝")
    await screenshot(page, "take-lead")
    await submit(page)
    lead = await selected(page, "lead")
    assert CONTACT not in await stored_on_the_phone(page)
    await act(page, "lead.triage")
    await page.select_option("#f-priority", "urgent")
    pressed = datetime.now(UTC)
    await submit(page)
    await act(page, "lead.assign")
    await page.fill("#f-officer_person_id", "P001")
    await submit(page)
    await act(page, "lead.verify")
    await submit(page)
    await act(page, "lead.outcome")
    await page.select_option("#f-outcome", "hazard_removed")
    await submit(page)
    await act(page, "lead.close")
    await submit(page)
    await screenshot(page, "leads")
    assert event_types(field, "tips", f"/leads/{lead}") == [
        "LeadReceived",
        "LeadTriaged",
        "LeadAssigned",
        "LeadVerified",
        "LeadOutcomeRecorded",
        "LeadClosed",
    ]
    state = field.get("tips", f"/leads/{lead}")
    assert (state["anonymous"], state["priority"], state["status"]) == (False, "urgent", "closed")
    # Left blank, the triage's moment is the one its button was pressed at, stamped by the phone.
    triaged_at = datetime.fromisoformat(state["triaged_at"])
    assert pressed - timedelta(seconds=5) <= triaged_at <= pressed + timedelta(seconds=30)


async def test_an_enterprise_case_and_a_job_referral(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    _, page = phone
    await show(page, "outreach")
    await act(page, "case.open")
    await page.fill("#f-enterprise_code", "91469003MA5T0001X")
    await page.select_option("#f-category", "theft")
    await page.fill("#f-summary", "仓库橡胶被盗")
    await submit(page)
    case = await selected(page, "case")
    await act(page, "case.handle")
    await page.select_option("#f-outcome", "solved")
    await submit(page)
    await act(page, "referral.make")
    await page.fill("#f-person_ref", "JR-0007")
    await page.fill("#f-enterprise_code", "91469003MA5T0001X")
    await page.fill("#f-position", "割胶工")
    await submit(page)
    referral = await selected(page, "referral")
    await act(page, "referral.outcome")
    await page.select_option("#f-outcome", "hired")
    await submit(page)
    await screenshot(page, "outreach")
    assert field.get("outreach", f"/enterprise-cases/{case}")["handling_days"] == 0
    assert event_types(field, "outreach", f"/job-referrals/{referral}") == [
        "JobReferralMade",
        "JobReferralOutcomeRecorded",
    ]


async def test_my_work_puts_what_is_overdue_first(field: Field, phone: tuple[BrowserContext, Page]) -> None:
    _, page = phone
    long_ago = str(today_in_china() - timedelta(days=40))  # past the village level's 30 days
    overdue = field.post(
        "mediation",
        "/disputes",
        {
            "source": "walk_in",
            "village_code": "V01",
            "category": "debt",
            "parties": [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}],
            "description": "借款未还",
            "registered_on": long_ago,
        },
    )
    await show(page, "mediation")  # and back: My work reads the services again
    await show(page, "work")
    first = page.locator("main [data-work]").first
    assert await first.get_attribute("data-work") == f"dispute:{overdue['dispute_id']}"
    assert "overdue" in (await first.get_attribute("class") or "")
    assert "已逾期" in await first.inner_text()
    keys = await page.locator("main [data-work]").evaluate_all("cards => cards.map((c) => c.dataset.work)")
    assert any(key.startswith("lead:") for key in keys)  # the seeded lead, still waiting for triage
    assert len(keys) == len(set(keys))

    # Its clock, once the read model has it: no pair assigned within 3 working days, overdue.
    def clock_in_the_read_model() -> None:
        read_api = f"http://127.0.0.1:{field.platform.read_port}"
        open_clocks = request("GET", read_api + "/clocks/open?page_size=500", field.token)[1]["items"]
        assert any(c["record_id"] == overdue["dispute_id"] and c["overdue"] for c in open_clocks)

    retried("the dispute's clock in the read model", clock_in_the_read_model)
    await show(page, "mediation")
    await show(page, "work")
    clock = page.locator(f'main [data-work="dispute:{overdue["dispute_id"]}"] [data-clock="assignment"]')
    assert "overdue" in (await clock.get_attribute("class") or "")
    assert (await clock.inner_text()).startswith("⏱ 指派调解员")
    await screenshot(page, "my-work-overdue")


async def sign_in(page: Page, token: str) -> None:
    await show(page, "work")
    await page.click("#sign-out")
    await page.wait_for_function("document.body.dataset.rendered === 'signin'")
    await page.fill("#token-input", token)
    await page.click('form button[type="submit"]')
    await page.wait_for_function("document.body.dataset.rendered === 'work'")


async def test_a_command_is_sent_only_with_the_token_of_its_maker(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    context, page = phone
    before = field.get("mediation", "/disputes?limit=1")["total"]
    await context.set_offline(True)
    await show(page, "mediation")
    await act(page, "dispute.register")
    await page.fill("#f-village_code", "V01")
    await page.fill("#f-description", "宅前排水沟堵塞争执")
    await submit(page, sent=False)

    # Another user signs in on the same phone: the command waits, it is not theirs to send.
    await sign_in(page, mint_token(get_settings(), "K001", Role.VILLAGE_CADRE, ["V01"]))
    await context.set_offline(False)
    await show(page, "queue")
    await page.click("#send-now")
    await page.wait_for_selector("main .card[data-queue='waiting']:has-text('另一账号')")
    assert field.get("mediation", "/disputes?limit=1")["total"] == before

    await sign_in(page, field.token)
    await show(page, "queue")
    await page.click("#send-now")
    await page.wait_for_function("document.getElementById('queue-count').textContent === '0'")
    assert field.get("mediation", "/disputes?limit=1")["total"] == before + 1
    sent = json.loads(await stored_on_the_phone(page))["stores"]["sent"][-1]
    dispute = sent["record"].split(":")[1]
    [registered] = field.get("mediation", f"/disputes/{dispute}/history")
    assert (registered["event_type"], registered["actor"]) == ("DisputeRegistered", "dev")  # its maker


# ---------------------------------------------------------------- the forms for the services' other commands


async def refused_as(page: Page, code: str, chinese: str, english: str) -> None:
    """The queue shows the one refused command with the service's code in Chinese, then in English;
    then it is discarded."""
    await show(page, "queue")
    refused = page.locator('main .card[data-queue="refused"]')
    assert await refused.count() == 1
    assert await refused.locator(".error").get_attribute("data-error") == code
    assert await refused.locator(".error").inner_text() == chinese
    assert await refused.locator("[role=alert]").count() == 1  # announced
    for message in (english, chinese):  # the language switched, and back
        await page.click("#language")
        shown = "(text) => document.querySelector('main [data-queue=refused] .error').textContent === text"
        await page.wait_for_function(shown, arg=message)
    await page.click("button[data-discard]")
    await page.wait_for_function("document.getElementById('queue-count').textContent === '0'")


async def sent_when_back_online(context: BrowserContext, page: Page) -> dict[str, Any]:
    """Back online, the queue is sent (a press of "send now"); the note of the last command sent."""
    assert await page.text_content("#queue-count") == "1"
    await context.set_offline(False)
    await show(page, "queue")
    await page.click("#send-now")
    await page.wait_for_function("document.getElementById('queue-count').textContent === '0'")
    sent: dict[str, Any] = json.loads(await stored_on_the_phone(page))["stores"]["sent"][-1]
    return sent


def registered_dispute(field: Field, on: date) -> str:
    parties = [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}]
    body = {
        "source": "walk_in",
        "village_code": "V01",
        "category": "neighbour",
        "parties": parties,
        "description": "院墙滴水",
        "registered_on": str(on),
    }
    dispute: str = field.post("mediation", "/disputes", body)["dispute_id"]
    return dispute


def assignment_clock(field: Field, dispute: str) -> dict[str, Any]:
    """The dispute's assignment clock as the read API has it."""
    items = field.platform.read("/clocks/open?page_size=500", field.token)["items"]
    [clock] = [c for c in items if c["record_id"] == dispute and c["stage"] == "assignment"]
    assert isinstance(clock, dict)
    return clock


async def clock_command(page: Page, dispute: str, action: str) -> None:
    """Presses a command of the dispute's assignment clock on My work (read afresh)."""
    await show(page, "mediation")
    await show(page, "work")
    button = f'main [data-work="dispute:{dispute}"] [data-clock="assignment"] button[data-action="{action}"]'
    await page.click(button)
    await page.wait_for_selector("#form-title")


async def test_a_clock_paused_resumed_extended_and_carried_over_from_my_work(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    context, page = phone
    today = today_in_china()
    running = registered_dispute(field, today)  # its pair is due within 3 working days
    due_this_month = registered_dispute(field, today.replace(day=1))  # may be carried over this month
    both = [running, due_this_month]
    retried("the clocks in the read model", lambda: [assignment_clock(field, dispute) for dispute in both])
    before = assignment_clock(field, running)

    await clock_command(page, running, "dispute.clock.pause")
    assert await page.inner_text("#form-title") == f"暂停计时 · 指派调解员 · 纠纷 {running[:8]}…"
    await page.select_option("#f-reason", "waiting_for_party")
    await screenshot(page, "clock-pause")
    await submit(page)

    def paused(pauses: int) -> None:
        clock = assignment_clock(field, running)
        assert (clock["paused"], clock["pauses"]) == (True, pauses)

    retried("the pause in the read model", lambda: paused(1))
    await clock_command(page, running, "dispute.clock.resume")
    await submit(page)

    def resumed() -> None:
        clock = assignment_clock(field, running)
        assert (clock["paused"], clock["pauses"]) == (False, 1)

    retried("the resumption in the read model", resumed)
    await clock_command(page, running, "dispute.clock.resume")  # not paused: refused
    await submit(page, sent=False)
    await refused_as(page, "clock_not_paused", "该环节未暂停，无需恢复", "That clock is not paused")

    # A city admin is above the station, which answers for the assignment: the extension is offered.
    await clock_command(page, running, "dispute.clock.extend")
    await page.fill("#f-working_days", "5")
    await page.fill("#f-reason", "双方当事人外出务工，月底返乡")
    await submit(page)

    def extended() -> None:
        clock = assignment_clock(field, running)
        assert (clock["extended_by"], clock["due_on"] > before["due_on"]) == ("city_admin", True)

    retried("the extension in the read model", extended)
    await clock_command(page, due_this_month, "dispute.clock.carryover")
    await page.fill("#f-reason", "调解员人选待乡镇协调")
    await submit(page)
    next_month = (today.replace(day=28) + timedelta(days=5)).strftime("%Y-%m")

    def carried_over() -> None:
        assert assignment_clock(field, due_this_month)["carried_over_into"] == next_month

    retried("the carry-over in the read model", carried_over)
    await show(page, "mediation")
    await show(page, "work")
    await screenshot(page, "my-work-clocks")

    # Offline: the pause waits in the queue; back online it is sent, its first answer lost, then sent
    # again with the same Idempotency-Key: paused once.
    await context.set_offline(True)
    clock = f'main [data-work="dispute:{running}"] [data-clock="assignment"]'
    await page.click(f'{clock} button[data-action="dispute.clock.pause"]')
    await page.wait_for_selector("#form-title")
    await page.select_option("#f-reason", "holiday")
    await submit(page, sent=False)
    lost: list[str] = []

    async def lose_the_answer(route: Route) -> None:
        if lost:
            await route.continue_()
            return
        answer = await route.fetch()
        lost.append(answer.status_text)
        await route.abort("connectionreset")

    await page.route(f"**/api/mediation/disputes/{running}/clocks/assignment/pause", lose_the_answer)
    await context.set_offline(False)
    await show(page, "queue")
    deadline = time.monotonic() + 60
    while await page.text_content("#queue-count") != "0":
        assert time.monotonic() < deadline, await page.text_content("main")
        await page.click("#send-now")
        await page.wait_for_timeout(300)  # the next press of a user, not a condition
    assert len(lost) == 1
    sent = json.loads(await stored_on_the_phone(page))["stores"]["sent"][-1]
    assert (sent["action"], sent["record"]) == ("dispute.clock.pause", f"dispute:{running}")
    assert sent["replayed"] is True  # the second sending was a replay
    retried("the offline pause in the read model", lambda: paused(2))

    # A village cadre sees the clock and is offered none of its commands.
    await sign_in(page, mint_token(get_settings(), "K001", Role.VILLAGE_CADRE, ["V01"]))
    assert "计时已暂停" in await page.locator(clock).inner_text()
    assert await page.locator(f"{clock} button").count() == 0


async def test_a_lead_clock_paused_from_my_work_and_extended_only_above_the_station(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    _, page = phone
    lead = {"channel": "hotline", "category": "theft", "place_code": "G01", "description": "电动车被盗"}
    lead_id = field.post("tips", "/leads", lead)["lead_id"]  # received now: its triage clock starts

    def triage_clock() -> dict[str, Any]:
        items = field.platform.read("/clocks/open?page_size=500", field.token)["items"]
        [clock] = [c for c in items if c["record_id"] == lead_id and c["stage"] == "triage"]
        assert isinstance(clock, dict)
        return clock

    retried("the lead's clock in the read model", triage_clock)
    clock = f'main [data-work="lead:{lead_id}"] [data-clock="triage"]'
    await show(page, "mediation")
    await show(page, "work")
    # A city admin is above the station, which answers for a lead's stages.
    assert await page.locator(f"{clock} button").all_inner_texts() == ["暂停计时", "恢复计时", "延期", "挂账"]
    await page.click(f'{clock} button[data-action="lead.clock.pause"]')
    await page.wait_for_selector("#form-title")
    assert await page.inner_text("#f-note-hint") == "不要写举报人的姓名或联系方式"
    await page.select_option("#f-reason", "other")
    await page.fill("#f-note", "等待视频监控调取")
    await submit(page)

    def paused() -> None:
        assert triage_clock()["paused"] is True

    retried("the pause in the read model", paused)

    # The station officer answers for it: no extension offered.
    await sign_in(page, mint_token(get_settings(), "P001", Role.STATION_OFFICER, ["S01"]))
    assert await page.locator(f"{clock} button").all_inner_texts() == ["暂停计时", "恢复计时", "挂账"]


async def test_parties_added_to_a_dispute(field: Field, phone: tuple[BrowserContext, Page]) -> None:
    context, page = phone
    await show(page, "mediation")
    await act(page, "dispute.register")
    await page.fill("#f-village_code", "V01")
    await page.fill("#f-description", "三兄弟分家产生争执")
    await submit(page)
    dispute = await selected(page, "dispute")

    await act(page, "dispute.parties")
    assert await page.input_value("#party-label-0") == "party-C"  # the first label free on the dispute
    assert await page.input_value("#party-role-0") == "third_party"
    await screenshot(page, "add-parties")
    await submit(page)
    parties = field.get("mediation", f"/disputes/{dispute}")["parties"]
    assert [(p["label"], p["role"]) for p in parties] == [
        ("party-A", "claimant"),
        ("party-B", "respondent"),
        ("party-C", "third_party"),
    ]

    await act(page, "dispute.parties")
    await page.fill("#party-label-0", "party-A")  # a party already
    await submit(page, sent=False)
    await refused_as(page, "party_already_recorded", "该当事人代号已存在", "Party label already taken")

    await context.set_offline(True)
    await show(page, "mediation")
    await act(page, "dispute.parties")
    assert await page.input_value("#party-label-0") == "party-D"
    await submit(page, sent=False)
    sent = await sent_when_back_online(context, page)
    assert (sent["action"], sent["record"]) == ("dispute.parties", f"dispute:{dispute}")
    labels = [p["label"] for p in field.get("mediation", f"/disputes/{dispute}")["parties"]]
    assert labels == ["party-A", "party-B", "party-C", "party-D"]
    assert event_types(field, "mediation", f"/disputes/{dispute}") == [
        "DisputeRegistered",
        "DisputePartiesAdded",
        "DisputePartiesAdded",
    ]


async def test_a_school_drive_launched_and_its_targets_added(
    field: Field, phone: tuple[BrowserContext, Page]
) -> None:
    context, page = phone
    schools = ["GC-XX1", "GC-XX2", "GC-ZX1"]
    for n, school in enumerate(schools):
        registration = {"school_code": school, "name_zh": f"干冲第{n + 1}学校", "village_code": "V01"}
        field.post("outreach", "/schools", registration)
    await show(page, "outreach")
    await act(page, "drive.launch")
    await page.fill("#f-station_code", "S01")
    await page.fill("#f-title", "秋季户籍窗口进校园")
    await page.fill("#f-period_end", str(today_in_china() + timedelta(days=30)))
    await page.fill("#f-target_school_codes", "GC-XX1")
    await screenshot(page, "launch-drive")
    await submit(page)
    drive = await selected(page, "drive")
    assert field.get("outreach", f"/registration-drives/{drive}")["target_school_codes"] == ["GC-XX1"]

    await act(page, "drive.targets")
    await page.fill("#f-school_codes", "GC-XX2")
    await submit(page)
    targets = field.get("outreach", f"/registration-drives/{drive}")["target_school_codes"]
    assert targets == ["GC-XX1", "GC-XX2"]

    await act(page, "drive.targets")
    await page.fill("#f-school_codes", "GC-NONE")
    await submit(page, sent=False)
    await refused_as(page, "unknown_school", "找不到该学校", "Unknown school")

    await context.set_offline(True)
    await show(page, "outreach")
    await act(page, "drive.targets")
    await page.fill("#f-school_codes", "GC-ZX1")
    await submit(page, sent=False)
    sent = await sent_when_back_online(context, page)
    assert (sent["action"], sent["record"]) == ("drive.targets", f"drive:{drive}")
    targets = field.get("outreach", f"/registration-drives/{drive}")["target_school_codes"]
    assert targets == schools
    assert event_types(field, "outreach", f"/registration-drives/{drive}") == [
        "RegistrationDriveLaunched",
        "RegistrationDriveTargetsAdded",
        "RegistrationDriveTargetsAdded",
    ]


async def test_a_contact_group_registered(field: Field, phone: tuple[BrowserContext, Page]) -> None:
    context, page = phone

    async def register(group: str, kind: str, name: str, *, sent: bool = True) -> None:
        await show(page, "leads")
        await act(page, "group.register")
        await page.fill("#f-group_id", group)
        await page.fill("#f-village_code", "V01")
        await page.select_option("#f-kind", kind)
        await page.fill("#f-name", name)
        await submit(page, sent=sent)

    await register("GC-WX-1", "police_resident", "干冲村警民联络群")
    assert await selected(page, "group") == "GC-WX-1"
    group = field.get("tips", "/contact-groups/GC-WX-1")
    assert (group["village_code"], group["kind"]) == ("V01", "police_resident")
    assert group["name"] == "干冲村警民联络群"
    await screenshot(page, "contact-group")

    await register("GC-WX-1", "village_safety", "干冲村安全防范群", sent=False)  # the id is taken
    already = ("contact_group_already_registered", "联络群已登记", "Contact group already registered")
    await refused_as(page, *already)
    assert field.get("tips", "/contact-groups/GC-WX-1")["kind"] == "police_resident"

    await context.set_offline(True)
    await register("GC-WX-2", "village_safety", "干冲村安全防范群", sent=False)
    sent = await sent_when_back_online(context, page)
    assert (sent["action"], sent["record"]) == ("group.register", "group:GC-WX-2")
    assert field.get("tips", "/contact-groups/GC-WX-2")["kind"] == "village_safety"
    assert event_types(field, "tips", "/contact-groups/GC-WX-2") == ["ContactGroupRegistered"]
