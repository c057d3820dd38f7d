"""Bulk registration of schools and enterprises through the API and the command line: the programme's
274 schools in one file, every row validated, all or nothing, re-importing is a no-op."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from govgrid.auth import Role
from services.outreach.bootstrap import OutreachService
from services.outreach.tests.integration.conftest import ADMIN
from services.outreach.tests.integration.conftest import S01
from services.outreach.tests.integration.conftest import T01
from services.outreach.tests.integration.conftest import bearer
from services.outreach.tests.integration.conftest import ok

CSV = {"Content-Type": "text/csv"}
VILLAGES = ["V01", "V02", "V03"]


def schools_csv(count: int = 274) -> str:
    """儋州's 274 schools, spread over the test grid's villages."""
    lines = ["school_code,name_zh,village_code"]
    lines += [f"46460{n:05d},儋州第{n}学校,{VILLAGES[n % 3]}" for n in range(1, count + 1)]
    return "\n".join(lines) + "\n"


ENTERPRISES = [
    {
        "enterprise_code": "91469003MA5T0001X",
        "name": "干冲橡胶加工厂",
        "village_code": "V01",
        "sector": "manufacturing",
    },
    {
        "enterprise_code": "91469003MA5T0002Y",
        "name": "松林渔业合作社",
        "village_code": "V03",
        "sector": "fishery",
    },
]


async def event_count(service: OutreachService) -> int:
    return int(await service.pool.fetchval("SELECT count(*) FROM events"))


async def test_the_274_schools_import_at_once_and_reimporting_changes_nothing(
    api: httpx.AsyncClient, service: OutreachService
) -> None:
    content = schools_csv().encode()
    report = await ok(await api.post("/schools/import", content=content, headers={**ADMIN, **CSV}))
    assert report == {"imported": 274, "changed": 0, "unchanged": 0, "rows": 274}
    assert await event_count(service) == 274
    school = await ok(await api.get("/schools/4646000001", headers=T01))
    assert school == {
        "school_code": "4646000001",
        "name_zh": "儋州第1学校",
        "village_code": "V02",
        "version": 1,
    }

    again = await ok(await api.post("/schools/import", content=content, headers={**ADMIN, **CSV}))
    assert again == {"imported": 0, "changed": 0, "unchanged": 274, "rows": 274}
    assert await event_count(service) == 274


async def test_one_bad_row_rejects_the_file_with_a_report_and_imports_nothing(
    api: httpx.AsyncClient, service: OutreachService
) -> None:
    unknown_village = schools_csv(5) + "4646099999,无名学校,V99\n"
    answer = await api.post("/schools/import", content=unknown_village.encode(), headers={**ADMIN, **CSV})
    assert answer.status_code == 422
    (rejected,) = answer.json()["detail"]
    assert (rejected["row"], rejected["key"]) == (6, "4646099999")
    assert rejected["reason"].startswith("unknown_org_unit:")
    assert await event_count(service) == 0

    await ok(await api.post("/schools/import", content=schools_csv(5).encode(), headers={**ADMIN, **CSV}))
    renamed = schools_csv(5).replace("儋州第2学校", "儋州第二学校")
    answer = await api.post("/schools/import", content=renamed.encode(), headers={**ADMIN, **CSV})
    assert answer.status_code == 422
    assert [(r["row"], r["reason"].split(":")[0]) for r in answer.json()["detail"]] == [
        (2, "school_already_registered")
    ]
    assert await event_count(service) == 5


async def test_enterprises_import_from_json(api: httpx.AsyncClient, service: OutreachService) -> None:
    report = await ok(await api.post("/enterprises/import", json=ENTERPRISES, headers=ADMIN))
    assert report == {"imported": 2, "changed": 0, "unchanged": 0, "rows": 2}
    assert (await ok(await api.get("/enterprises/91469003MA5T0002Y", headers=ADMIN)))["sector"] == "fishery"
    assert (await ok(await api.post("/enterprises/import", json=ENTERPRISES, headers=ADMIN)))[
        "unchanged"
    ] == 2

    moved = [{**ENTERPRISES[0], "sector": "logistics"}]
    answer = await api.post("/enterprises/import", json=moved, headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["reason"].startswith("enterprise_already_registered:")
    assert await event_count(service) == 2


async def test_malformed_rows_and_files_are_422(api: httpx.AsyncClient) -> None:
    bad_sector = [{**ENTERPRISES[0], "sector": "mining"}, {**ENTERPRISES[1], "village_code": ""}]
    answer = await api.post("/enterprises/import", json=bad_sector, headers=ADMIN)
    assert answer.status_code == 422
    assert [(d["row"], d["field"]) for d in answer.json()["detail"]] == [(1, "sector"), (2, "village_code")]
    missing_column = "school_code,name_zh\n4646000001,儋州第1学校\n"
    answer = await api.post("/schools/import", content=missing_column.encode(), headers={**ADMIN, **CSV})
    assert [(d["row"], d["field"]) for d in answer.json()["detail"]] == [(1, "village_code")]
    assert (await api.post("/schools/import", json={"rows": []}, headers=ADMIN)).status_code == 422
    binary = await api.post("/schools/import", content=b"\xff\xfe\x00", headers={**ADMIN, **CSV})
    assert binary.status_code == 422


@pytest.mark.parametrize("endpoint", ["/schools/import", "/enterprises/import"])
async def test_a_bare_carriage_return_in_a_field_is_422_naming_the_line(
    api: httpx.AsyncClient, endpoint: str
) -> None:
    answer = await api.post(endpoint, content=b"code\n\rx", headers={**ADMIN, **CSV})

    assert answer.status_code == 422
    assert [(d["row"], d["reason"].split(":")[0]) for d in answer.json()["detail"]] == [(1, "line 2")]


async def test_imports_are_for_writers_within_their_station(
    api: httpx.AsyncClient, service: OutreachService
) -> None:
    content = schools_csv(6).encode()
    for reader in (T01, bearer(Role.VIEWER, "T01")):
        assert (
            await api.post("/schools/import", content=content, headers={**reader, **CSV})
        ).status_code == 403
    # A station officer registers the schools of its own villages only: the others are reported.
    answer = await api.post("/schools/import", content=content, headers={**S01, **CSV})
    assert answer.status_code == 422
    assert [(r["row"], r["reason"].split(":")[0]) for r in answer.json()["detail"]] == [
        (2, "forbidden"),
        (5, "forbidden"),
    ]
    own = "\n".join(line for line in schools_csv(6).splitlines() if not line.endswith("V03")) + "\n"
    report = await ok(await api.post("/schools/import", content=own.encode(), headers={**S01, **CSV}))
    assert report["imported"] == 4
    assert await event_count(service) == 4


def run_cli(database_url: str, schema: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_SCHEMA": schema}
    return subprocess.run(
        [sys.executable, "-m", "services.outreach.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_cli_imports_the_same_files(
    service: OutreachService, database_url: str, schema: str, tmp_path: Path
) -> None:
    schools = tmp_path / "schools.csv"
    schools.write_text(schools_csv(), encoding="utf-8")
    enterprises = tmp_path / "enterprises.json"
    enterprises.write_text(json.dumps(ENTERPRISES, ensure_ascii=False), encoding="utf-8")

    first = run_cli(database_url, schema, "import-schools", str(schools))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["imported"] == 274
    again = run_cli(database_url, schema, "import-schools", str(schools))
    assert json.loads(again.stdout)["unchanged"] == 274
    second = run_cli(database_url, schema, "import-enterprises", str(enterprises))
    assert json.loads(second.stdout)["imported"] == 2

    enterprises.write_text(json.dumps([{**ENTERPRISES[0], "enterprise_code": "E9", "village_code": "V99"}]))
    rejected = run_cli(database_url, schema, "import-enterprises", str(enterprises))
    assert rejected.returncode == 1
    assert json.loads(rejected.stdout)["detail"][0]["reason"].startswith("unknown_org_unit")
