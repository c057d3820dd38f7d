"""The outreach API on real PostgreSQL, in the test's own schema, with a small Danzhou grid in its copy
of the registry (applied the way the feeds apply the appointments topic, without Kafka)."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
from govgrid.config import get_settings
from govgrid.envelope import EventEnvelope
from govgrid.projection import ApplyOnce
from govgrid.reference import apply_org_event
from govgrid.reference import apply_person_event
from govgrid.reference.org import PROJECTION as ORG_REFERENCE
from govgrid.reference.people import PROJECTION as PEOPLE_REFERENCE
from govgrid.testing.factories import draft
from services.outreach.bootstrap import OutreachService
from services.outreach.bootstrap import start_service
from services.outreach.main import create_app
from services.outreach.settings import OutreachSettings


def bearer(role: Role, *jurisdiction: str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


ADMIN = bearer(Role.CITY_ADMIN, subject="city-admin")
S01 = bearer(Role.STATION_OFFICER, "S01", subject="s01-officer")  # 东风派出所
S02 = bearer(Role.STATION_OFFICER, "S02", subject="s02-officer")  # 西华派出所
T01 = bearer(Role.TOWNSHIP_OFFICER, "T01", subject="t01-officer")  # 那大镇
T02 = bearer(Role.TOWNSHIP_OFFICER, "T02", subject="t02-officer")  # 中和镇


def unit(code: str, kind: OrgUnitKind, name_zh: str, parent: str | None) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(code=code, kind=kind, name_zh=name_zh, name_en=code, parent_code=parent)


def covered(village: str, station: str, since: date = date(2023, 1, 1)) -> VillageCoverageAssigned:
    return VillageCoverageAssigned(station_code=station, village_code=village, effective_from=since)


# What the appointments topic says, stream by stream.
REGISTRY: dict[str, list[DomainEvent]] = {
    "orgunit-C4604": [unit("C4604", OrgUnitKind.CITY, "儋州市", None)],
    "orgunit-T01": [unit("T01", OrgUnitKind.TOWNSHIP, "那大镇", "C4604")],
    "orgunit-T02": [unit("T02", OrgUnitKind.TOWNSHIP, "中和镇", "C4604")],
    "orgunit-S01": [unit("S01", OrgUnitKind.POLICE_STATION, "东风派出所", "C4604")],
    "orgunit-S02": [unit("S02", OrgUnitKind.POLICE_STATION, "西华派出所", "C4604")],
    "orgunit-V01": [unit("V01", OrgUnitKind.VILLAGE, "干冲村", "T01"), covered("V01", "S01")],
    "orgunit-V02": [unit("V02", OrgUnitKind.COMMUNITY, "东风社区", "T01"), covered("V02", "S01")],
    "orgunit-V03": [unit("V03", OrgUnitKind.VILLAGE, "松林村", "T02"), covered("V03", "S02")],
    "person-P001": [
        PoliceOfficerRegistered(
            person_id="P001", badge_number="460001", station_code="S01", display_name="王警官"
        )
    ],
    "person-P002": [
        PoliceOfficerRegistered(
            person_id="P002", badge_number="460002", station_code="S02", display_name="李警官"
        ),
        PersonLeftService(person_id="P002", reason=LeavingReason.RETIRED, effective_on=date(2023, 6, 30)),
    ],
}


def registry_envelopes(streams: dict[str, list[DomainEvent]] = REGISTRY) -> list[EventEnvelope]:
    now = datetime.now(UTC)
    return [
        draft(event).seal(stream_id, version, now)
        for stream_id, events in streams.items()
        for version, event in enumerate(events, start=1)
    ]


async def apply_registry(service: OutreachService, envelopes: list[EventEnvelope]) -> None:
    """What the service's feeds do with these events of the appointments topic."""
    org_reference = ApplyOnce(service.pool, ORG_REFERENCE)
    people_reference = ApplyOnce(service.pool, PEOPLE_REFERENCE)
    for envelope in envelopes:
        await org_reference.apply(envelope, apply_org_event)
        await people_reference.apply(envelope, apply_person_event)


@pytest.fixture
async def service(database_url: str, schema: str) -> AsyncIterator[OutreachService]:
    service = await start_service(OutreachSettings(database_url=database_url, database_schema=schema))
    await apply_registry(service, registry_envelopes())
    yield service
    await service.pool.close()


@pytest.fixture
async def api(service: OutreachService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service.settings)
    app.state.service = service  # what the lifespan does when uvicorn runs it
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://outreach") as client:
        yield client


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


SCHOOLS = [
    {"school_code": "SCH1", "name_zh": "干冲小学", "village_code": "V01"},
    {"school_code": "SCH2", "name_zh": "东风中学", "village_code": "V02"},
    {"school_code": "SCH3", "name_zh": "松林小学", "village_code": "V03"},
]
ENTERPRISES = [
    {"enterprise_code": "ENT1", "name": "干冲橡胶加工厂", "village_code": "V01", "sector": "manufacturing"},
    {"enterprise_code": "ENT2", "name": "松林渔业合作社", "village_code": "V03", "sector": "fishery"},
]


@pytest.fixture
async def world(api: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API with three schools and two enterprises registered."""
    for school in SCHOOLS:
        await ok(await api.post("/schools", json=school, headers=ADMIN), 201)
    for enterprise in ENTERPRISES:
        await ok(await api.post("/enterprises", json=enterprise, headers=ADMIN), 201)
    return api
