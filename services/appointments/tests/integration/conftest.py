"""The appointments API on real PostgreSQL, in the test's own schema, with a small Danzhou grid."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.config import get_settings
from services.appointments.bootstrap import AppointmentsService
from services.appointments.bootstrap import start_service
from services.appointments.main import create_app
from services.appointments.settings import AppointmentsSettings


def bearer(role: Role, *jurisdiction: str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


ADMIN = bearer(Role.CITY_ADMIN, subject="city-admin")
T01 = bearer(Role.TOWNSHIP_OFFICER, "T01", subject="t01-officer")  # 那大镇
S01 = bearer(Role.STATION_OFFICER, "S01", subject="s01-officer")  # 西华派出所

GRID: list[dict[str, Any]] = [
    {"code": "C4604", "kind": "city", "name_zh": "儋州市", "name_en": "Danzhou"},
    {"code": "T01", "kind": "township", "name_zh": "那大镇", "name_en": "Nada", "parent_code": "C4604"},
    {"code": "T02", "kind": "township", "name_zh": "中和镇", "name_en": "Zhonghe", "parent_code": "C4604"},
    {
        "code": "S01",
        "kind": "police_station",
        "name_zh": "西华派出所",
        "name_en": "Xihua",
        "parent_code": "C4604",
    },
    {
        "code": "S02",
        "kind": "police_station",
        "name_zh": "东城派出所",
        "name_en": "Dongcheng",
        "parent_code": "C4604",
    },
    {"code": "V01", "kind": "village", "name_zh": "干冲村", "name_en": "Ganchong", "parent_code": "T01"},
    {"code": "V02", "kind": "community", "name_zh": "前进社区", "name_en": "Qianjin", "parent_code": "T01"},
    {"code": "V03", "kind": "village", "name_zh": "松林村", "name_en": "Songlin", "parent_code": "T02"},
]
COVERAGE = {"V01": "S01", "V02": "S01", "V03": "S02"}


@pytest.fixture
async def service(database_url: str, schema: str) -> AsyncIterator[AppointmentsService]:
    service = await start_service(AppointmentsSettings(database_url=database_url, database_schema=schema))
    yield service
    await service.pool.close()


@pytest.fixture
async def api(service: AppointmentsService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service.settings)
    app.state.service = service  # what the lifespan does when uvicorn runs it
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://appointments") as client:
        yield client


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def grid(api: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API with the grid, station coverage, two officers and two cadres registered."""
    for unit in GRID:
        await ok(await api.post("/org-units", json=unit, headers=ADMIN), 201)
    for village, station in COVERAGE.items():
        body = {"station_code": station, "effective_from": "2023-01-01"}
        await ok(await api.post(f"/org-units/{village}/coverage", json=body, headers=ADMIN))
    for person_id, badge, station in [("P001", "460001", "S01"), ("P002", "460002", "S02")]:
        officer = {
            "person_id": person_id,
            "badge_number": badge,
            "station_code": station,
            "display_name": "王警官",
        }
        await ok(await api.post("/people/officers", json=officer, headers=ADMIN), 201)
    for person_id, village in [("K001", "V01"), ("K003", "V03")]:
        cadre = {
            "person_id": person_id,
            "village_code": village,
            "display_name": "李主任",
            "post": "村委会主任",
        }
        await ok(await api.post("/people/cadres", json=cadre, headers=ADMIN), 201)
    return api
