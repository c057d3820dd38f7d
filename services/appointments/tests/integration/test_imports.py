"""Bulk imports through the API and the CLI: every row validated, all or nothing, re-import is a no-op."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from services.appointments.tests.integration.conftest import ADMIN
from services.appointments.tests.integration.conftest import T01
from services.appointments.tests.integration.conftest import bearer
from services.appointments.tests.integration.conftest import ok

# Children before parents on purpose: the import orders rows itself.
UNITS_CSV = """code,kind,name_zh,name_en,parent_code,station_code,coverage_from
V01,village,干冲村,Ganchong,T01,S01,2023-01-01
G0101,grid,干冲村第一网格,Ganchong grid 1,V01,,
T01,township,那大镇,Nada,C4604,,
S01,police_station,西华派出所,Xihua police station,C4604,,
C4604,city,儋州市,Danzhou,,,
"""

PEOPLE = [
    {
        "person_id": "P001",
        "role": "police_officer",
        "display_name": "王警官",
        "badge_number": "460001",
        "station_code": "S01",
    },
    {
        "person_id": "K001",
        "role": "village_cadre",
        "display_name": "李主任",
        "village_code": "V01",
        "post": "村委会主任",
    },
]

CSV = {"Content-Type": "text/csv"}


async def event_count(api: httpx.AsyncClient, path: str) -> int:
    return len((await api.get(path, headers=ADMIN)).json())


async def test_a_tree_imports_in_any_row_order_and_reimporting_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    report = await ok(
        await api.post("/org-units/import", content=UNITS_CSV.encode(), headers={**ADMIN, **CSV})
    )
    assert report == {"imported": 5, "changed": 0, "unchanged": 0, "rows": 5}
    village = await ok(await api.get("/org-units/V01", headers=ADMIN))
    assert village["coverage"][0]["station_code"] == "S01"
    assert (await ok(await api.get("/org-units/G0101", headers=T01)))["parent_code"] == "V01"

    again = await ok(
        await api.post("/org-units/import", content=UNITS_CSV.encode(), headers={**ADMIN, **CSV})
    )
    assert again == {"imported": 0, "changed": 0, "unchanged": 5, "rows": 5}
    assert await event_count(api, "/org-units/V01/history") == 2  # registered, covered: nothing more

    renamed = UNITS_CSV.replace("干冲村,Ganchong,", "干冲村委会,Ganchong,")
    changed = await ok(
        await api.post("/org-units/import", content=renamed.encode(), headers={**ADMIN, **CSV})
    )
    assert (changed["changed"], changed["unchanged"]) == (1, 4)


async def test_one_bad_row_rejects_the_file_with_a_report_and_imports_nothing(api: httpx.AsyncClient) -> None:
    bad = UNITS_CSV + "V02,village,松林村,Songlin,S01,,\nV03,castle,城堡,Castle,T01,,\n"
    answer = await api.post("/org-units/import", content=bad.encode(), headers={**ADMIN, **CSV})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"row": 7, "field": "kind", "reason": answer.json()["detail"][0]["reason"]},
    ]
    assert "village" in answer.json()["detail"][0]["reason"]  # pydantic lists the allowed kinds

    wrong_parent = UNITS_CSV + "V02,village,松林村,Songlin,S01,,\n"
    answer = await api.post("/org-units/import", content=wrong_parent.encode(), headers={**ADMIN, **CSV})
    assert answer.status_code == 422
    (rejected,) = answer.json()["detail"]
    assert (rejected["row"], rejected["key"]) == (6, "V02")
    assert rejected["reason"].startswith("unit_parent_invalid:")
    assert (await api.get("/org-units/C4604", headers=ADMIN)).status_code == 404  # nothing half-imported


async def test_people_import_from_json(api: httpx.AsyncClient) -> None:
    await ok(await api.post("/org-units/import", content=UNITS_CSV.encode(), headers={**ADMIN, **CSV}))
    report = await ok(await api.post("/people/import", json=PEOPLE, headers=ADMIN))
    assert report == {"imported": 2, "changed": 0, "unchanged": 0, "rows": 2}
    assert (await ok(await api.get("/people/K001", headers=ADMIN)))["post"] == "村委会主任"
    again = await ok(await api.post("/people/import", json=PEOPLE, headers=ADMIN))
    assert again["unchanged"] == 2

    clash = [{**PEOPLE[0], "person_id": "P002"}, {**PEOPLE[1], "display_name": "另一个名字"}]
    answer = await api.post("/people/import", json=clash, headers=ADMIN)
    assert answer.status_code == 422
    assert [(r["row"], r["reason"].split(":")[0]) for r in answer.json()["detail"]] == [
        (1, "badge_number_taken"),
        (2, "person_already_registered"),
    ]
    assert (await api.get("/people/P002", headers=ADMIN)).status_code == 404


async def test_malformed_rows_and_files_are_422(api: httpx.AsyncClient) -> None:
    missing = [{"person_id": "P9", "role": "police_officer", "display_name": "x"}]
    answer = await api.post("/people/import", json=missing, headers=ADMIN)
    assert answer.status_code == 422
    assert "badge_number and station_code" in answer.json()["detail"][0]["reason"]
    not_a_list = await api.post("/people/import", json={"rows": []}, headers=ADMIN)
    assert not_a_list.status_code == 422
    binary = await api.post("/org-units/import", content=b"\xff\xfe\x00", headers={**ADMIN, **CSV})
    assert binary.status_code == 422


@pytest.mark.parametrize("endpoint", ["/org-units/import", "/people/import"])
async def test_a_bare_carriage_return_in_a_field_is_422_naming_the_line(
    api: httpx.AsyncClient, endpoint: str
) -> None:
    answer = await api.post(endpoint, content=b"code\n\rx", headers={**ADMIN, **CSV})

    assert answer.status_code == 422
    assert [(d["row"], d["reason"].split(":")[0]) for d in answer.json()["detail"]] == [(1, "line 2")]


async def test_imports_need_an_editor_role(api: httpx.AsyncClient) -> None:
    viewer = bearer(Role.VIEWER, "T01")
    answer = await api.post("/org-units/import", content=UNITS_CSV.encode(), headers={**viewer, **CSV})
    assert answer.status_code == 403
    assert (await api.post("/org-units/import", content=UNITS_CSV.encode(), headers=CSV)).status_code == 401


def run_cli(database_url: str, schema: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_SCHEMA": schema}
    return subprocess.run(
        [sys.executable, "-m", "services.appointments.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_cli_imports_the_same_files(database_url: str, schema: str, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    people = tmp_path / "people.json"
    people.write_text(json.dumps(PEOPLE, ensure_ascii=False), encoding="utf-8")

    first = run_cli(database_url, schema, "import-org-units", str(units))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["imported"] == 5
    second = run_cli(database_url, schema, "import-people", str(people))
    assert json.loads(second.stdout)["imported"] == 2

    bad_people: list[dict[str, Any]] = [{**PEOPLE[0], "person_id": "P003", "station_code": "S99"}]
    people.write_text(json.dumps(bad_people), encoding="utf-8")
    rejected = run_cli(database_url, schema, "import-people", str(people))
    assert rejected.returncode == 1
    assert json.loads(rejected.stdout)["detail"][0]["reason"].startswith("unknown_org_unit")
