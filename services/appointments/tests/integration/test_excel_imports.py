"""Imports as Chinese offices make the files: an Excel workbook (.xlsx) and CSV saved by Chinese Excel
(GBK), through the same endpoint and with the same row-level report as UTF-8 CSV."""

from __future__ import annotations

import io
from datetime import date

import httpx
from openpyxl import Workbook

from services.appointments.tests.integration.conftest import ADMIN
from services.appointments.tests.integration.conftest import ok
from services.appointments.tests.integration.test_imports import CSV
from services.appointments.tests.integration.test_imports import UNITS_CSV

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def workbook(text: str) -> bytes:
    """The CSV's rows in a workbook, as an office types them: dates as dates, blank cells empty."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in text.splitlines():
        sheet.append(
            [date.fromisoformat(c) if c.startswith("2023-") else (c or None) for c in line.split(",")]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_an_xlsx_workbook_imports_like_its_csv(api: httpx.AsyncClient) -> None:
    report = await ok(
        await api.post("/org-units/import", content=workbook(UNITS_CSV), headers={**ADMIN, **XLSX})
    )
    assert report == {"imported": 5, "changed": 0, "unchanged": 0, "rows": 5}
    village = await ok(await api.get("/org-units/V01", headers=ADMIN))
    assert (village["name_zh"], village["coverage"][0]["effective_from"]) == ("干冲村", "2023-01-01")

    # The same rows as UTF-8 CSV are what is registered already: nothing changes.
    again = await ok(
        await api.post("/org-units/import", content=UNITS_CSV.encode(), headers={**ADMIN, **CSV})
    )
    assert again == {"imported": 0, "changed": 0, "unchanged": 5, "rows": 5}


async def test_gbk_csv_imports_like_utf8_and_bad_rows_get_the_same_report(api: httpx.AsyncClient) -> None:
    gbk = UNITS_CSV.encode("gbk")
    assert await ok(await api.post("/org-units/import", content=gbk, headers={**ADMIN, **CSV})) == {
        "imported": 5,
        "changed": 0,
        "unchanged": 0,
        "rows": 5,
    }
    assert (await ok(await api.get("/org-units/T01", headers=ADMIN)))["name_zh"] == "那大镇"

    bad = UNITS_CSV + "V03,castle,城堡,Castle,T01,,\n"
    reports = []
    for content, headers in ((bad.encode("gb18030"), CSV), (workbook(bad), XLSX), (bad.encode(), CSV)):
        answer = await api.post("/org-units/import", content=content, headers={**ADMIN, **headers})
        assert answer.status_code == 422, answer.text
        reports.append(answer.json()["detail"])
    assert reports[0] == reports[1] == reports[2]
    assert [(r["row"], r["field"]) for r in reports[0]] == [(6, "kind")]


async def test_a_file_that_is_no_text_nor_workbook_is_a_422(api: httpx.AsyncClient) -> None:
    not_text = await api.post("/org-units/import", content=b"\xff\xfe\x00", headers={**ADMIN, **CSV})
    assert not_text.status_code == 422
    assert not_text.json()["detail"][0]["reason"] == "the file is neither UTF-8 nor GB18030/GBK text"
    broken = await api.post("/org-units/import", content=b"PK\x03\x04broken", headers={**ADMIN, **XLSX})
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["reason"].startswith("not a readable .xlsx file")
