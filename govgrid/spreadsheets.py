"""Reading the files offices make for bulk imports: Excel workbooks (.xlsx) and CSV text in UTF-8 or
in GB18030/GBK, which is what Chinese Excel writes when it saves "CSV (逗号分隔)". Both give the same
records as a UTF-8 CSV file, so an import's row-level report does not depend on the file's format."""

from __future__ import annotations

import io
from datetime import date
from datetime import datetime
from datetime import time
from typing import Any

from openpyxl import load_workbook

from govgrid.errors import InvalidInput

# An .xlsx file is a ZIP archive: its first bytes say so whatever media type the upload was sent as.
XLSX_SIGNATURE = b"PK\x03\x04"


def is_xlsx(content: bytes) -> bool:
    return content.startswith(XLSX_SIGNATURE)


def decode_text(content: bytes) -> str:
    """UTF-8 (a byte-order mark, as Excel writes it, is dropped), else GB18030 (a superset of GBK)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(
            "unknown text encoding",
            [{"row": None, "field": None, "reason": "the file is neither UTF-8 nor GB18030/GBK text"}],
        ) from None


def xlsx_records(content: bytes) -> list[dict[str, Any]]:
    """The first sheet's rows as records keyed by its first row (the header), as a CSV reader gives
    them: text cells, empty cells left out, empty rows skipped."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        raise InvalidInput(
            "unreadable workbook",
            [{"row": None, "field": None, "reason": f"not a readable .xlsx file: {exc}"}],
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(cell).strip() for cell in next(rows, ())]
        records = []
        for row in rows:
            record = {
                name: _text(cell)
                for name, cell in zip(header, row, strict=False)
                if name and cell not in (None, "")
            }
            if record:
                records.append(record)
        return records
    finally:
        book.close()


def _text(cell: Any) -> str:
    """A cell as the text a CSV file would hold: whole numbers without ".0", dates as ISO days."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time.min else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)
