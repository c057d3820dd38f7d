"""Exports of the read API (GET /export/<path>): every figure and list as CSV and XLSX, the same rows,
scope and permissions as the JSON answer, headers in the caller's language."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook
from pydantic import BaseModel

from govgrid.auth import Role
from services.projections.api import export
from services.projections.api.export import exportable_paths
from services.projections.api.export import label
from services.projections.api.export import tabulate
from services.projections.api.export_labels import LABELS
from services.projections.generations import Generations
from services.projections.main import create_app
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_coverage import ADMIN
from services.projections.tests.integration.test_coverage import HISTORY
from services.projections.tests.integration.test_coverage import feed

T01_OFFICER = bearer(Role.TOWNSHIP_OFFICER, "T01")
LACKING = "/coverage/villages-lacking-deputy-secretary"


def read_csv(answer: httpx.Response) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def read_xlsx(answer: httpx.Response) -> dict[str, list[list[Any]]]:
    assert answer.status_code == 200, answer.text
    book = load_workbook(io.BytesIO(answer.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


async def test_every_figure_and_list_exports_with_a_label_for_every_column(
    read_api: httpx.AsyncClient, generations: Generations
) -> None:
    await feed(generations, HISTORY)
    paths = exportable_paths(create_app())
    assert "/coverage/summary" in paths and LACKING in paths and "/activity" in paths
    assert not any(p.startswith(("/live", "/export", "/healthz")) for p in paths)
    for path in paths:
        keys, rows = tabulate((await read_api.get(path, headers=ADMIN)).json())
        if keys[:1] == ["figure"]:
            keys += [row[0] for row in rows]
        assert {part for key in keys for part in key.split(".")} - LABELS.keys() == set(), path

        exported = read_csv(await read_api.get(f"/export{path}", headers=ADMIN))
        assert len(exported) == 1 + len(rows), path
        sheets = read_xlsx(await read_api.get(f"/export{path}?format=xlsx", headers=ADMIN))
        data, query = sheets.values()
        assert [c for c in data[0] if c is not None] == exported[0]  # an empty sheet has a row of None
        assert len(data) == len(exported)
        assert query[0] == ["数据项", path]


async def test_a_list_exports_the_rows_and_scope_of_its_json_answer_whole(
    read_api: httpx.AsyncClient, generations: Generations
) -> None:
    await feed(generations, HISTORY)
    asked = f"{LACKING}?as_of=2024-01-01&page_size=1"
    json_answer = (await read_api.get(asked, headers=T01_OFFICER)).json()
    assert json_answer["total"] == 1 and [v["code"] for v in json_answer["items"]] == ["V2"]

    rows = read_csv(await read_api.get(f"/export{asked}", headers=T01_OFFICER))
    assert rows[0] == ["代码", "名称", "英文名称", "乡镇代码", "派出所代码"]
    assert rows[1:] == [["V2", "V2", "V2", "T01", "S01"]]  # V3 (T02) is not the officer's

    # A city admin sees both; a page of 1 is exported whole, and the file is named for its as-of day.
    answer = await read_api.get(f"/export{asked}", headers=ADMIN)
    assert [r[0] for r in read_csv(answer)[1:]] == ["V2", "V3"]
    disposition = answer.headers["content-disposition"]
    name = "coverage-villages-lacking-deputy-secretary_2024-01-01.csv"
    assert disposition == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"

    # Unless a page is asked for.
    one = read_csv(await read_api.get(f"/export{asked}&page=2", headers=ADMIN))
    assert [r[0] for r in one[1:]] == ["V3"]


async def test_a_summary_is_a_row_per_figure_in_the_callers_language(
    read_api: httpx.AsyncClient, generations: Generations
) -> None:
    await feed(generations, HISTORY)
    summary = (await read_api.get("/coverage/summary?as_of=2024-01-01", headers=ADMIN)).json()
    english = {**ADMIN, "Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.5"}
    rows = read_csv(await read_api.get("/export/coverage/summary?as_of=2024-01-01", headers=english))
    assert rows[0] == ["Figure", "Value"]
    figures = dict(rows[1:])
    assert figures["Villages"] == str(summary["villages"]) == "3"
    assert figures["Villages with a police deputy secretary"] == str(
        summary["villages_with_deputy_secretary"]
    )
    assert figures["As of"] == "2024-01-01"
    assert len(figures) == len(summary)

    chinese = {**ADMIN, "Accept-Language": "en;q=0.4, zh-CN"}
    sheets = read_xlsx(
        await read_api.get("/export/coverage/summary?format=xlsx&as_of=2024-01-01", headers=chinese)
    )
    data = sheets["coverage-summary"]
    assert data[0] == ["指标", "数值"]
    assert ["村（社区）数", 3] in data  # numbers stay numbers in Excel
    assert ["截至", "2024-01-01"] in sheets["查询条件"]


async def test_nested_figures_are_labelled_part_by_part() -> None:
    assert label("calls_for_service.change_percent", "zh") == "接处警 · 同比（%）"
    assert label("calls_for_service.change_percent", "en") == "Calls for service · Change (%)"


async def test_refusals_are_the_json_answers_and_only_figures_export(
    read_api: httpx.AsyncClient, generations: Generations
) -> None:
    await feed(generations, HISTORY)
    unauthenticated = await read_api.get("/export/coverage/summary")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    invalid = await read_api.get("/export/coverage/breakdown?group_by=planet", headers=ADMIN)
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["field"] == "query.group_by"
    bad_format = await read_api.get("/export/coverage/summary?format=pdf", headers=ADMIN)
    assert bad_format.status_code == 422
    for path in ("/export/live", "/export/healthz", "/export/export/coverage/summary", "/export/nothing"):
        answer = await read_api.get(path, headers=ADMIN)
        assert answer.status_code == 404, path
        assert answer.json()["error"] == "not_found"


async def test_an_empty_list_has_the_header_of_its_response_model() -> None:
    class Activity(BaseModel):
        current: int
        year_earlier: int

    class Row(BaseModel):
        station_code: str
        calls_for_service: Activity

    app = FastAPI()
    app.include_router(export.router)

    @app.get("/rows", response_model=list[Row])
    async def rows() -> list[Row]:
        return []

    assert export.record_keys(app, "/rows") == [
        "station_code",
        "calls_for_service.current",
        "calls_for_service.year_earlier",
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        exported = read_csv(await client.get("/export/rows", headers={**ADMIN, "Accept-Language": "en"}))
    assert exported == [
        ["Police station code", "Calls for service · This period", "Calls for service · A year earlier"]
    ]
