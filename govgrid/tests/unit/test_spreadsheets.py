"""Import files as offices make them: .xlsx and GBK CSV give the records UTF-8 CSV gives."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from pydantic import BaseModel

from govgrid.errors import InvalidInput
from govgrid.imports import parse_rows
from govgrid.imports import read_rows_file


class Row(BaseModel):
    code: str
    name_zh: str
    day: date
    count: int = 0


CSV = "code,name_zh,day,count\nV01,干冲村,2023-01-01,3\nV02,松林村,2023-01-02,\n"


def test_gbk_csv_and_an_xlsx_file_give_the_rows_of_utf8_csv(tmp_path: Path) -> None:
    expected = parse_rows(CSV.encode(), "text/csv", Row)
    assert [n for n, _ in expected] == [1, 2]
    assert parse_rows(CSV.encode("gbk"), "text/csv", Row) == expected
    assert parse_rows(CSV.encode("utf-8-sig"), "text/csv", Row) == expected

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name_zh", "day", "count", None])
    sheet.append(["V01", "干冲村", datetime(2023, 1, 1), 3.0])  # Excel keeps numbers as floats
    sheet.append([None, None, None])  # an empty row is no row
    sheet.append(["V02", "松林村", date(2023, 1, 2), None])
    book.save(tmp_path / "units.xlsx")
    assert read_rows_file(tmp_path / "units.xlsx", Row) == expected


def test_a_bad_cell_in_a_workbook_is_reported_by_row_and_field(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name_zh", "day"])
    sheet.append(["V01", "干冲村", "not a day"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InvalidInput) as refused:
        read_rows_file(tmp_path / "bad.xlsx", Row)
    assert [(d["row"], d["field"]) for d in refused.value.details] == [(1, "day")]
