"""Daily police activity imported in bulk through the API and the CLI: every row validated, a report of
rejected rows, all or nothing, and re-importing the same file changes nothing."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from govgrid.auth import Role
from govgrid.china_time import today_in_china
from services.patrols.bootstrap import PatrolsService
from services.patrols.tests.integration.conftest import ADMIN
from services.patrols.tests.integration.conftest import S01
from services.patrols.tests.integration.conftest import T01
from services.patrols.tests.integration.conftest import bearer
from services.patrols.tests.integration.conftest import ok
from services.patrols.tests.integration.conftest import refused

ACTIVITY_CSV = """station_code,day,calls_for_service,criminal_cases,public_security_cases
S01,2023-11-20,17,1,3
S01,2023-11-21,12,0,2
S02,2023-11-20,25,2,4
"""
CSV = {"Content-Type": "text/csv"}


async def import_csv(api: httpx.AsyncClient, text: str, headers: dict[str, str] = ADMIN) -> httpx.Response:
    return await api.post("/police-activity/import", content=text.encode(), headers={**headers, **CSV})


async def event_types(api: httpx.AsyncClient, station: str, day: str) -> list[str]:
    return [
        e["event_type"]
        for e in (await api.get(f"/police-activity/{station}/{day}/history", headers=ADMIN)).json()
    ]


async def test_import_then_reimport_changes_nothing_and_a_correction_is_recorded(
    api: httpx.AsyncClient,
) -> None:
    assert await ok(await import_csv(api, ACTIVITY_CSV)) == {
        "imported": 3,
        "changed": 0,
        "unchanged": 0,
        "rows": 3,
    }
    day = await ok(await api.get("/police-activity/S01/2023-11-20", headers=S01))
    assert day == {
        "station_code": "S01",
        "day": "2023-11-20",
        "figures": {"calls_for_service": 17, "criminal_cases": 1, "public_security_cases": 3},
        "corrections": 0,
        "version": 1,
    }

    assert await ok(await import_csv(api, ACTIVITY_CSV)) == {
        "imported": 0,
        "changed": 0,
        "unchanged": 3,
        "rows": 3,
    }
    assert await event_types(api, "S01", "2023-11-20") == ["PoliceActivityRecorded"]

    corrected = ACTIVITY_CSV.replace("S01,2023-11-20,17,1,3", "S01,2023-11-20,18,1,2")
    assert await ok(await import_csv(api, corrected)) == {
        "imported": 0,
        "changed": 1,
        "unchanged": 2,
        "rows": 3,
    }
    assert await event_types(api, "S01", "2023-11-20") == [
        "PoliceActivityRecorded",
        "PoliceActivityCorrected",
    ]
    state = await ok(await api.get("/police-activity/S01/2023-11-20", headers=ADMIN))
    assert (state["figures"]["calls_for_service"], state["corrections"]) == (18, 1)
    assert (await ok(await import_csv(api, corrected)))["unchanged"] == 3

    history = (await api.get("/police-activity/S01/2023-11-20/history", headers=ADMIN)).json()
    assert history[0]["jurisdiction"] == {"township": None, "station": "S01", "village": None}
    assert history[0]["occurred_at"].startswith("2023-11-19T16:00:00")  # the day, in China


async def test_json_and_csv_of_the_same_figures_are_the_same_import(api: httpx.AsyncClient) -> None:
    rows = [
        {
            "station_code": "S01",
            "day": "2023-11-20",
            "calls_for_service": 17,
            "criminal_cases": 1,
            "public_security_cases": 3,
        }
    ]
    assert (await ok(await api.post("/police-activity/import", json=rows, headers=ADMIN)))["imported"] == 1
    assert (await ok(await import_csv(api, ACTIVITY_CSV)))["unchanged"] == 1


async def test_rejected_rows_are_reported_and_nothing_is_imported(api: httpx.AsyncClient) -> None:
    tomorrow = (today_in_china() + timedelta(days=1)).isoformat()
    bad = (
        ACTIVITY_CSV
        + "S99,2023-11-20,1,0,0\n"
        + "V01,2023-11-20,1,0,0\n"
        + f"S01,{tomorrow},1,0,0\n"
        + "S01,2023-11-21,13,0,2\n"
    )
    report = refused(await import_csv(api, bad), 422, "validation_failed")
    assert [(r["row"], r["key"], r["reason"].split(":")[0]) for r in report["detail"]] == [
        (4, "S99/2023-11-20", "unknown_org_unit"),
        (5, "V01/2023-11-20", "wrong_org_unit_kind"),
        (6, f"S01/{tomorrow}", "day_in_the_future"),
        (7, "S01/2023-11-21", "duplicate_station_day"),
    ]
    refused(await api.get("/police-activity/S01/2023-11-20", headers=ADMIN), 404, "not_found")


async def test_a_station_officer_imports_only_its_own_station_s_figures(api: httpx.AsyncClient) -> None:
    report = refused(await import_csv(api, ACTIVITY_CSV, S01), 422, "validation_failed")
    assert [(r["row"], r["reason"].split(":")[0]) for r in report["detail"]] == [(3, "forbidden")]
    own = "".join(line + "\n" for line in ACTIVITY_CSV.splitlines() if not line.startswith("S02"))
    assert (await ok(await import_csv(api, own, S01)))["imported"] == 2
    refused(
        await api.get("/police-activity/S01/2023-11-20", headers=bearer(Role.STATION_OFFICER, "S02")),
        403,
        "forbidden",
    )


async def test_malformed_files_and_rows_are_422_with_row_field_and_reason(api: httpx.AsyncClient) -> None:
    malformed = ACTIVITY_CSV + "S01,2023-11-31,1,0,0\nS01,2023-11-22,-4,0,0\nS01,2023-11-23,1,0\n"
    report = refused(await import_csv(api, malformed), 422, "validation_failed")
    assert [(d["row"], d["field"]) for d in report["detail"]] == [
        (4, "day"),
        (5, "calls_for_service"),
        (6, "public_security_cases"),
    ]
    refused(
        await api.post("/police-activity/import", json={"rows": []}, headers=ADMIN), 422, "validation_failed"
    )
    not_utf8 = await api.post("/police-activity/import", content=b"\xff\xfe\x00", headers={**ADMIN, **CSV})
    refused(not_utf8, 422, "validation_failed")
    refused(await api.get("/police-activity/S01/2023-13-01", headers=ADMIN), 422, "validation_failed")


async def test_a_bare_carriage_return_in_a_field_is_422_naming_the_line(api: httpx.AsyncClient) -> None:
    report = refused(
        await import_csv(api, ACTIVITY_CSV + "S01,2023-11-24,\r1,0,0\n"), 422, "validation_failed"
    )

    assert [(d["row"], d["reason"].split(":")[0]) for d in report["detail"]] == [(4, "line 5")]


async def test_who_may_import(api: httpx.AsyncClient) -> None:
    refused(await import_csv(api, ACTIVITY_CSV, {}), 401, "unauthenticated")
    refused(await import_csv(api, ACTIVITY_CSV, T01), 403, "forbidden")
    refused(await import_csv(api, ACTIVITY_CSV, bearer(Role.VIEWER, "S01")), 403, "forbidden")


async def test_a_retried_upload_replays_the_first_report(api: httpx.AsyncClient) -> None:
    keyed = {**ADMIN, "Idempotency-Key": "activity-2023-11-upload-1"}
    first, again = [await import_csv(api, ACTIVITY_CSV, keyed) for _ in range(2)]
    assert again.json() == first.json() == {"imported": 3, "changed": 0, "unchanged": 0, "rows": 3}
    assert again.headers.get("Idempotent-Replayed") == "true"
    refused(
        await import_csv(api, ACTIVITY_CSV + "S02,2023-11-21,3,0,0\n", keyed), 409, "idempotency_key_reused"
    )


# ---------------------------------------------------------------- the CLI


async def run_cli(service: PatrolsService, *args: str) -> tuple[int, str, str]:
    settings = service.settings
    env = {**os.environ, "DATABASE_URL": settings.database_url, "DATABASE_SCHEMA": settings.database_schema}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.patrols.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_cli_imports_the_same_files(
    service: PatrolsService, api: httpx.AsyncClient, tmp_path: Path
) -> None:
    csv_file = tmp_path / "activity.csv"
    csv_file.write_text(ACTIVITY_CSV, encoding="utf-8")
    code, out, err = await run_cli(service, "import-police-activity", str(csv_file))
    assert code == 0, err
    assert json.loads(out) == {"imported": 3, "changed": 0, "unchanged": 0, "rows": 3}
    code, out, _ = await run_cli(service, "import-police-activity", str(csv_file))
    assert (code, json.loads(out)["unchanged"]) == (0, 3)
    history = (await api.get("/police-activity/S02/2023-11-20/history", headers=ADMIN)).json()
    assert [e["actor"] for e in history] == [f"cli:{getpass.getuser()}"]

    json_file = tmp_path / "activity.json"
    rows: list[dict[str, Any]] = [
        {
            "station_code": "S01",
            "day": "2023-11-20",
            "calls_for_service": 99,
            "criminal_cases": 0,
            "public_security_cases": 0,
        },
        {
            "station_code": "S99",
            "day": "2023-11-20",
            "calls_for_service": 1,
            "criminal_cases": 0,
            "public_security_cases": 0,
        },
    ]
    json_file.write_text(json.dumps(rows), encoding="utf-8")
    code, out, _ = await run_cli(service, "import-police-activity", str(json_file))
    assert code == 1
    assert [(r["row"], r["reason"].split(":")[0]) for r in json.loads(out)["detail"]] == [
        (2, "unknown_org_unit")
    ]
    assert (await ok(await api.get("/police-activity/S01/2023-11-20", headers=ADMIN)))["corrections"] == 0
