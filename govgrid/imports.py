"""Bulk imports, all or nothing: parse every row first (422 with every malformed row), then apply the
rows inside one command transaction; any rejected row rolls everything back (422 with a report)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from govgrid.commands import CommandContext, CommandResult
from govgrid.errors import Forbidden, GovgridError, InvalidInput, NotFound, RuleBroken

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
    try:
        text = content.decode("utf-8-sig")  # Excel writes a BOM before UTF-8 CSV
    except UnicodeDecodeError:
        raise InvalidInput(
            "not UTF-8", [{"row": None, "field": None, "reason": "the file is not UTF-8"}]
        ) from None
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
    # Empty cells mean "not given", so optional columns may stay blank.
    return [{k: v for k, v in record.items() if k and v not in ("", None)} for record in reader]


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
