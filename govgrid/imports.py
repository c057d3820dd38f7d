"""Bulk imports, all or nothing: parse every row first (422 with every malformed row), then apply the
rows inside one command transaction; any rejected row rolls everything back (422 with a report)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import Literal
from typing import TypeVar

from pydantic import BaseModel
from pydantic import ValidationError

from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.commands import ServiceWithCommands
from govgrid.commands import run_in_service
from govgrid.errors import Forbidden
from govgrid.errors import GovgridError
from govgrid.errors import InvalidInput
from govgrid.errors import NotFound
from govgrid.errors import RuleBroken
from govgrid.spreadsheets import decode_text
from govgrid.spreadsheets import is_xlsx
from govgrid.spreadsheets import xlsx_records

MAX_ROWS = 10_000

U = TypeVar("U")
R = TypeVar("R", bound=BaseModel)


def parse_rows(content: bytes, content_type: str, row_model: type[R]) -> list[tuple[int, R]]:
    """Rows numbered from 1 (CSV: the line after the header is row 1). Raises InvalidInput with
    every malformed row at once."""
    records = _records(content, content_type)
    if len(records) > MAX_ROWS:
        raise InvalidInput(
            "too many rows", [{"row": None, "field": None, "reason": f"more than {MAX_ROWS} rows"}]
        )
    rows: list[tuple[int, R]] = []
    rejected: list[dict[str, object]] = []
    for number, record in enumerate(records, start=1):
        try:
            rows.append((number, row_model.model_validate(record)))
        except ValidationError as exc:
            rejected += [
                {"row": number, "field": ".".join(str(p) for p in e["loc"]) or None, "reason": e["msg"]}
                for e in exc.errors()
            ]
    if rejected:
        raise InvalidInput(f"{len(rejected)} problems in the file; nothing was imported", rejected)
    return rows


def _records(content: bytes, content_type: str) -> list[dict[str, Any]]:
    if is_xlsx(content):  # whatever media type it came with
        return xlsx_records(content)
    text = decode_text(content)  # UTF-8 (with or without a BOM), else GB18030/GBK
    if "json" in content_type:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput("bad JSON", [{"row": None, "field": None, "reason": str(exc)}]) from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise InvalidInput(
                "bad JSON", [{"row": None, "field": None, "reason": "expected a list of objects"}]
            )
        return data
    reader = csv.DictReader(io.StringIO(text))
    try:
        # Empty cells mean "not given", so optional columns may stay blank.
        return [{k: v for k, v in record.items() if k and v not in ("", None)} for record in reader]
    except csv.Error as exc:
        raise _malformed_csv(reader.line_num + 1, exc) from None  # line_num counts the lines read before


def _malformed_csv(line: int, exc: csv.Error) -> InvalidInput:
    # A bare carriage return in a field (a cell pasted from another program) is the usual cause.
    problem = "a line break inside a field not in double quotes" if "new-line" in str(exc) else str(exc)
    return InvalidInput(
        f"malformed CSV at line {line}; nothing was imported",
        [{"row": line - 1 if line > 1 else None, "field": None, "reason": f"line {line}: {problem}"}],
    )


Outcome = Literal["imported", "changed", "unchanged"]


async def import_rows(
    uow: U,
    ctx: CommandContext,
    rows: list[tuple[int, R]],
    key: Callable[[R], str],
    apply_row: Callable[[U, CommandContext, R], Awaitable[Outcome]],
) -> CommandResult:
    """Apply each row; ``apply_row`` says what it did, or raises a rule/permission error for the row."""
    counts = {"imported": 0, "changed": 0, "unchanged": 0}
    rejected: list[dict[str, object]] = []
    for number, row in rows:
        try:
            counts[await apply_row(uow, ctx, row)] += 1
        except (RuleBroken, Forbidden, NotFound) as exc:
            rejected.append({"row": number, "key": key(row), "field": None, "reason": _reason(exc)})
    if rejected:
        # Raising rolls the whole transaction back: nothing of this import is stored.
        raise InvalidInput(f"{len(rejected)} of {len(rows)} rows rejected; nothing was imported", rejected)
    return CommandResult(200, {**counts, "rows": len(rows)})


def _reason(exc: GovgridError) -> str:
    return f"{exc.code}: {exc.message}"


# ---------------------------------------------------------------- command-line imports


def read_rows_file(path: Path, row_model: type[R]) -> list[tuple[int, R]]:
    """The rows of a file: a .json file holds a list of rows, any other is CSV with a header line."""
    media_type = "application/json" if path.suffix.lower() == ".json" else "text/csv"
    return parse_rows(path.read_bytes(), media_type, row_model)


# A file import: the model of its rows, and the handler that imports them ``(uow, ctx, rows)``.
FileImport = tuple[
    type[BaseModel], Callable[[U, CommandContext, list[tuple[int, Any]]], Awaitable[CommandResult]]
]


def import_command_line(
    description: str,
    start: Callable[[], Awaitable[ServiceWithCommands[U]]],
    imports: Mapping[str, FileImport[U]],
    argv: list[str] | None = None,
) -> int:
    """The main of a service's import tool, ``COMMAND FILE``: the file's rows are imported by the
    command's handler in the service ``start()`` starts, as a city admin. Prints the report as JSON;
    exit code 1 when rows were refused (nothing is then imported)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("command", choices=list(imports))
    parser.add_argument("file", type=Path, help="a .csv (header line first) or .json (a list of rows) file")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"{args.file} is not a file")
    row_model, handler = imports[args.command]

    async def run() -> CommandResult:
        rows = read_rows_file(args.file, row_model)
        return await run_in_service(start(), lambda uow, ctx: handler(uow, ctx, rows))

    try:
        result = asyncio.run(run())
    except InvalidInput as exc:
        print(json.dumps({"error": exc.code, "detail": exc.details}, ensure_ascii=False, indent=2))
        return 1
    except GovgridError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(result.body, ensure_ascii=False, indent=2))
    return 0
