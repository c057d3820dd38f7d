"""The patrols API on real PostgreSQL, in the test's own schema, with a small Danzhou grid and a few
officers in its reference tables (applied as the appointments topic would deliver them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.config import get_settings
from govgrid.envelope import EventEnvelope
from govgrid.reference import apply_org_event
from govgrid.reference import apply_person_event
from govgrid.testing.factories import draft
from services.patrols.bootstrap import PatrolsService
from services.patrols.bootstrap import start_service
from services.patrols.main import create_app
from services.patrols.settings import PatrolsSettings


def bearer(role: Role, *jurisdiction: str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


ADMIN = bearer(Role.CITY_ADMIN, subject="city-admin")
S01 = bearer(Role.STATION_OFFICER, "S01", subject="s01-officer")  # 干冲海岸派出所
S02 = bearer(Role.STATION_OFFICER, "S02", subject="s02-officer")  # 西华派出所
T01 = bearer(Role.TOWNSHIP_OFFICER, "T01", subject="t01-officer")  # 那大镇
T02 = bearer(Role.TOWNSHIP_OFFICER, "T02", subject="t02-officer")  # 中和镇

COVERAGE_CHANGE = date(2023, 11, 25)  # V02 moves from S01 to S02


def unit(code: str, kind: OrgUnitKind, name_zh: str, parent_code: str | None) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(
        code=code, kind=kind, name_zh=name_zh, name_en=code, parent_code=parent_code
    )


def covered(village: str, station: str, since: date = date(2023, 1, 1)) -> VillageCoverageAssigned:
    return VillageCoverageAssigned(station_code=station, village_code=village, effective_from=since)


def officer(person_id: str, station: str) -> PoliceOfficerRegistered:
    return PoliceOfficerRegistered(
        person_id=person_id, badge_number=f"46{person_id}", station_code=station, display_name="民警"
    )


# What the appointments topic says, stream by stream (a stream's events in order).
APPOINTMENTS_STREAMS: dict[str, list[DomainEvent]] = {
    "orgunit-C4604": [unit("C4604", OrgUnitKind.CITY, "儋州市", None)],
    "orgunit-T01": [unit("T01", OrgUnitKind.TOWNSHIP, "那大镇", "C4604")],
    "orgunit-T02": [unit("T02", OrgUnitKind.TOWNSHIP, "中和镇", "C4604")],
    "orgunit-S01": [unit("S01", OrgUnitKind.POLICE_STATION, "干冲海岸派出所", "C4604")],
    "orgunit-S02": [unit("S02", OrgUnitKind.POLICE_STATION, "西华派出所", "C4604")],
    "orgunit-V01": [unit("V01", OrgUnitKind.VILLAGE, "干冲村", "T01"), covered("V01", "S01")],
    "orgunit-V02": [
        unit("V02", OrgUnitKind.COMMUNITY, "干冲社区", "T01"),
        covered("V02", "S01"),
        VillageCoverageEnded(station_code="S01", village_code="V02", effective_until=date(2023, 11, 24)),
        covered("V02", "S02", since=COVERAGE_CHANGE),
    ],
    "orgunit-V03": [unit("V03", OrgUnitKind.VILLAGE, "松林村", "T02"), covered("V03", "S02")],
    "orgunit-G0101": [unit("G0101", OrgUnitKind.GRID, "干冲村第一网格", "V01")],
    "orgunit-G0201": [unit("G0201", OrgUnitKind.GRID, "干冲社区第一网格", "V02")],
    "orgunit-G0301": [unit("G0301", OrgUnitKind.GRID, "松林村第一网格", "V03")],
    "person-P001": [officer("P001", "S01")],
    "person-P002": [officer("P002", "S02")],
    "person-P003": [
        officer("P003", "S01"),
        PersonLeftService(person_id="P003", reason=LeavingReason.RETIRED, effective_on=date(2023, 6, 30)),
    ],
    "person-K001": [
        VillageCadreRegistered(person_id="K001", village_code="V01", display_name="村干部", post="村委会主任")
    ],
}


def appointments_envelopes() -> list[EventEnvelope]:
    now = datetime.now(UTC)
    return [
        draft(event).seal(stream_id, version, now)
        for stream_id, events in APPOINTMENTS_STREAMS.items()
        for version, event in enumerate(events, start=1)
    ]


async def seed_reference(pool: asyncpg.Pool) -> None:
    """The organisation and people references, as the service's feeds would fill them."""
    async with pool.acquire() as conn:
        for envelope in appointments_envelopes():
            await apply_org_event(conn, envelope)
            await apply_person_event(conn, envelope)


@pytest.fixture
async def service(database_url: str, schema: str) -> AsyncIterator[PatrolsService]:
    service = await start_service(PatrolsSettings(database_url=database_url, database_schema=schema))
    await seed_reference(service.pool)
    yield service
    await service.pool.close()


@pytest.fixture
async def api(service: PatrolsService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service.settings)
    app.state.service = service  # what the lifespan does when uvicorn runs it (feeds aside)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://patrols") as client:
        yield client


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert (response.status_code, response.json()["error"]) == (status, error), response.text
    body: dict[str, Any] = response.json()
    return body


# ---------------------------------------------------------------- a team of 干冲海岸派出所 (S01)

FISHERMAN = {"kind": "volunteer", "volunteer_id": "GC-V01", "affiliation": "fisherman", "party_member": True}
SANITATION = {
    "kind": "volunteer",
    "volunteer_id": "GC-V02",
    "affiliation": "sanitation_worker",
    "party_member": True,
}
OFFICER = {"kind": "officer", "person_id": "P001"}


async def form_team(api: httpx.AsyncClient, headers: dict[str, str] = S01) -> str:
    body = {"station_code": "S01", "name": "干冲海岸党员巡逻队", "formed_on": "2023-03-01"}
    team_id: str = (await ok(await api.post("/teams", json=body, headers=headers), 201))["team_id"]
    for member in (OFFICER, FISHERMAN, SANITATION):
        await ok(
            await api.post(
                f"/teams/{team_id}/members",
                json={"member": member, "joined_on": "2023-03-05"},
                headers=headers,
            )
        )
    return team_id


async def schedule_patrol(api: httpx.AsyncClient, team_id: str, headers: dict[str, str] = S01) -> str:
    body = {
        "team_id": team_id,
        "planned_start": "2023-11-20T19:00:00+08:00",
        "planned_end": "2023-11-20T21:00:00+08:00",
    }
    patrol_id: str = (await ok(await api.post("/patrols", json=body, headers=headers), 201))["patrol_id"]
    return patrol_id


async def started_patrol(api: httpx.AsyncClient, headers: dict[str, str] = S01) -> str:
    patrol_id = await schedule_patrol(api, await form_team(api, headers), headers)
    start = {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": ["P001", "GC-V01"]}
    await ok(await api.post(f"/patrols/{patrol_id}/start", json=start, headers=headers))
    return patrol_id
