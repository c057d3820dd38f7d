"""The tips API on real PostgreSQL, in the test's own schema, with a small Danzhou grid and its police
officers in the reference tables (applied as the feeds would, without Kafka)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.china_time import today_in_china
from govgrid.config import get_settings
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.reference import apply_org_event
from govgrid.reference import apply_person_event
from services.tips.bootstrap import TipsService
from services.tips.bootstrap import start_service
from services.tips.main import create_app
from services.tips.settings import TipsSettings

# A contact nobody would write by chance: the leak scans look for its parts everywhere.
CONTACT = "+86 138 0013 8000 / 微信 wx_informant_42"


def bearer(role: Role, *jurisdiction: str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


# An officer's token subject is their person id in the organisation registry: that is how the
# service recognises a lead's handler.
ADMIN = bearer(Role.CITY_ADMIN, subject="city-admin")
HANDLER = bearer(Role.STATION_OFFICER, "S01", subject="P001")  # 王警官, 西华派出所
COLLEAGUE = bearer(Role.STATION_OFFICER, "S01", subject="P002")  # 陈警官, 西华派出所
S02_OFFICER = bearer(Role.STATION_OFFICER, "S02", subject="P003")  # 东城派出所
CADRE = bearer(Role.VILLAGE_CADRE, "V01", subject="K001")  # 干冲村, joint-defence director
TOWNSHIP = bearer(Role.TOWNSHIP_OFFICER, "T01", subject="t01-officer")
VIEWER = bearer(Role.VIEWER, "T01", subject="dashboard")


def unit(code: str, kind: OrgUnitKind, name: str, parent: str | None) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(code=code, kind=kind, name_zh=name, name_en=code, parent_code=parent)


def covered(village: str, station: str) -> VillageCoverageAssigned:
    return VillageCoverageAssigned(
        station_code=station, village_code=village, effective_from=date(2023, 1, 1)
    )


def officer(person_id: str, station: str) -> PoliceOfficerRegistered:
    return PoliceOfficerRegistered(
        person_id=person_id, badge_number=f"46{person_id[1:]}", station_code=station, display_name="警官"
    )


GRID_EVENTS: list[tuple[str, DomainEvent]] = [
    ("orgunit-C4604", unit("C4604", OrgUnitKind.CITY, "儋州市", None)),
    ("orgunit-T01", unit("T01", OrgUnitKind.TOWNSHIP, "那大镇", "C4604")),
    ("orgunit-T02", unit("T02", OrgUnitKind.TOWNSHIP, "中和镇", "C4604")),
    ("orgunit-S01", unit("S01", OrgUnitKind.POLICE_STATION, "西华派出所", "C4604")),
    ("orgunit-S02", unit("S02", OrgUnitKind.POLICE_STATION, "东城派出所", "C4604")),
    ("orgunit-V01", unit("V01", OrgUnitKind.VILLAGE, "干冲村", "T01")),
    ("orgunit-V02", unit("V02", OrgUnitKind.COMMUNITY, "前进社区", "T01")),
    ("orgunit-V03", unit("V03", OrgUnitKind.VILLAGE, "松林村", "T02")),
    ("orgunit-V04", unit("V04", OrgUnitKind.VILLAGE, "新村 (no station yet)", "T02")),
    ("orgunit-G01", unit("G01", OrgUnitKind.GRID, "干冲村第一网格", "V01")),
    ("orgunit-V01", covered("V01", "S01")),
    ("orgunit-V02", covered("V02", "S01")),
    ("orgunit-V03", covered("V03", "S02")),
    ("person-P001", officer("P001", "S01")),
    ("person-P002", officer("P002", "S01")),
    ("person-P003", officer("P003", "S02")),
    ("person-P004", officer("P004", "S01")),
    (
        "person-P004",
        PersonLeftService(person_id="P004", reason=LeavingReason.RETIRED, effective_on=date(2023, 6, 1)),
    ),
]


def envelopes(events: Sequence[tuple[str, DomainEvent]]) -> list[EventEnvelope]:
    """The events as the appointments service would have published them."""
    now = datetime.now(UTC)
    versions: dict[str, int] = {}
    sealed = []
    for stream, payload in events:
        versions[stream] = versions.get(stream, 0) + 1
        draft = EventDraft(payload, now, Jurisdiction(), "appointments-seed", uuid.uuid4())
        sealed.append(draft.seal(stream, versions[stream], now))
    return sealed


async def apply_registry_events(service: TipsService, events: Sequence[tuple[str, DomainEvent]]) -> None:
    async with service.pool.acquire() as conn:
        for envelope in envelopes(events):
            await apply_org_event(conn, envelope)
            await apply_person_event(conn, envelope)


@pytest.fixture
async def service(database_url: str, schema: str) -> AsyncIterator[TipsService]:
    service = await start_service(TipsSettings(database_url=database_url, database_schema=schema))
    await apply_registry_events(service, GRID_EVENTS)
    yield service
    await service.pool.close()


@pytest.fixture
async def api(service: TipsService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service.settings)
    app.state.service = service  # what the lifespan does when uvicorn runs it
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tips") as client:
        yield client


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def refused(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    return body


LEAD: dict[str, Any] = {
    "channel": "wechat_group",
    "category": "fugitive",
    "place_code": "V01",
    "informant_contact": CONTACT,
    "description": "村东废弃养殖场夜间有陌生人出入，疑似在逃人员",
}


async def submit(api: httpx.AsyncClient, headers: dict[str, str] = CADRE, **changes: Any) -> str:
    created = await ok(await api.post("/leads", json={**LEAD, **changes}, headers=headers), 201)
    lead_id: str = created["lead_id"]
    return lead_id


def today() -> str:
    """Today in China, as the service dates acts."""
    return today_in_china().isoformat()


async def verified_lead(api: httpx.AsyncClient, verified_on: str | None = None, **changes: Any) -> str:
    """A lead received, triaged (urgent), assigned to P001 and verified, by 西华派出所; triaged and
    assigned the moment it arrived when ``received_at`` says it arrived in the past."""
    lead_id = await submit(api, **changes)
    arrived = changes.get("received_at")
    triage = {"priority": "urgent"} | ({"triaged_at": arrived} if arrived else {})
    assignment = {"officer_person_id": "P001"} | ({"assigned_at": arrived} if arrived else {})
    await ok(await api.post(f"/leads/{lead_id}/triage", json=triage, headers=COLLEAGUE))
    await ok(await api.post(f"/leads/{lead_id}/assign", json=assignment, headers=COLLEAGUE))
    verification = {"verified_on": verified_on or today()}
    await ok(await api.post(f"/leads/{lead_id}/verify", json=verification, headers=HANDLER))
    return lead_id
