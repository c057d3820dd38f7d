"""The field app on a phone-sized Chromium (Debian's, driven by Playwright) against the platform as
`make up` runs it (Kafka, PostgreSQL, the write services and their relays, the projections, the field
app): a dispute from registration to agreement, a patrol with two checkpoints, three commands made
offline and applied exactly once when the connection returns (one of them sent twice), a refused
command shown in Chinese, fixed and resent, the informant's contact gone from the phone once sent, and
what a village cadre is not offered. Screenshots of the main screens go to artifacts/field-*.png."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Geolocation, Page, Route, ViewportSize, async_playwright
from supervised_platform import CHROMIUM, CHROMIUM_ARGS, Platform, request, run_platform

from govgrid.auth import Role, mint_token
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
        assert await page.locator("button[data-action]").all_inner_texts() == ["受理线索"]
        await page.fill("#open-id", "someleadid")
        await page.click("#open-id ~ button")
        await page.wait_for_selector('main .card[data-record="lead:someleadid"]')
        assert await page.locator("button[data-action]").all_inner_texts() == ["受理线索"]  # no triage
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
