"""Every figure and list of the read API as a file for offices: CSV (UTF-8 with a byte-order mark, so
Excel opens Chinese correctly) or XLSX.

``GET /export/<path>?format=csv|xlsx&<the path's own parameters>`` asks the read API itself for
``GET /<path>`` with the caller's Authorization header and parameters, in process, and turns the JSON
answer into a table. The file therefore has, by construction, the scope, period, as-of date and
permissions of the JSON answer: there is no second implementation of any figure to drift apart. A
refusal (401, 403, 422...) is passed on as it is. A paginated list is exported whole unless ``page``
is asked for. Header labels are Chinese or English by ``Accept-Language`` (Chinese by default).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from typing import Any
from typing import Literal
from urllib.parse import quote
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter
from fastapi import FastAPI
from fastapi import Header
from fastapi import Query
from fastapi import Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from starlette.routing import compile_path

from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import today_in_china
from govgrid.errors import NotFound
from govgrid.web.errors import error_responses
from services.projections.api.dependencies import RECORDED
from services.projections.api.export_labels import LABELS

router = APIRouter(
    prefix="/export",
    tags=["export"],
    dependencies=RECORDED,
    # A refusal of the figures asked for is passed on as the read API answered it.
    responses=error_responses(401, 403, 404, 422, 503),
)

Format = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Routes that answer something other than figures (the audit of reads among them): never exported.
# The map's GeoJSON is a drawing; its figures per village are the disputes', leads' and coverage's
# by-village lists.
NOT_FIGURES = ("/export", "/live", "/audit", "/healthz", "/readyz", "/metrics", "/map")
# The parameters that say which figures a file holds, in the order its name gives them.
NAMING_PARAMETERS = ("township", "station", "village", "year", "from", "to", "as_of")
PAGE_SIZE = 500  # the read API's largest page
PASSED_ON = ("authorization", "accept-language", "x-correlation-id")
KEPT_FROM_REFUSALS = ("www-authenticate", "retry-after", "content-type")

Table = tuple[list[str], list[list[Any]]]
FIGURE = "figure"  # the first column of a summary: the figure's key, labelled like a header


def exportable_paths(app: FastAPI) -> list[str]:
    """The read API's GET routes that answer figures or lists (path templates), as its OpenAPI
    document lists them."""
    return sorted(
        path
        for path, operations in app.openapi()["paths"].items()
        if "get" in operations and not path.startswith(NOT_FIGURES)
    )


def _template_of(app: FastAPI, path: str) -> str | None:
    """The exportable route template ``path`` matches, if any."""
    return next((t for t in exportable_paths(app) if compile_path(t)[0].fullmatch(path)), None)


def record_keys(app: FastAPI, template: str) -> list[str]:
    """The keys of a list's records as the route's response model declares them (flattened), for the
    header of an empty list; none when the route declares no model."""
    spec = app.openapi()

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def keys(schema: dict[str, Any], prefix: str = "") -> list[str]:
        properties = resolve(schema).get("properties")
        if not properties:
            return [prefix] if prefix else []
        return [
            k
            for name, inner in properties.items()
            for k in keys(inner, f"{prefix}.{name}" if prefix else name)
        ]

    answer = spec["paths"][template]["get"]["responses"].get("200", {})
    schema = resolve(answer.get("content", {}).get("application/json", {}).get("schema", {}))
    if schema.get("type") == "object" and "items" in schema.get("properties", {}):
        schema = resolve(schema["properties"]["items"])  # a page
    if schema.get("type") == "array":
        return keys(schema.get("items", {}))
    return []


def language(accept_language: str | None) -> Literal["zh", "en"]:
    """Chinese or English, whichever the caller prefers (q-values respected); Chinese otherwise."""
    best: tuple[float, Literal["zh", "en"]] = (0.0, "zh")
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and quality > best[0]:
            best = (quality, "zh" if primary == "zh" else "en")
    return best[1]


def label(key: str, lang: Literal["zh", "en"]) -> str:
    """A column's header: each part of a flattened key labelled, joined by " · "."""
    return " · ".join(
        LABELS[part][0 if lang == "zh" else 1] if part in LABELS else part for part in key.split(".")
    )


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _rows(items: list[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    flat = [dict(_flatten(item)) for item in items]
    keys: list[str] = []
    for row in flat:
        keys += [k for k in row if k not in keys]
    return keys, flat


def tabulate(answer: Any) -> Table:
    """A JSON answer as a header (keys) and rows: a list or a page gives a row per item; an answer
    around one list of records (the months, the age buckets) a row per record; any other answer (a
    summary) a row per figure. A suppressed small count is "<n" in its place."""
    answer = mark_suppressed(answer)
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        answer = answer["items"]
    elif isinstance(answer, dict):
        lists = [v for v in answer.values() if isinstance(v, list) and all(isinstance(i, dict) for i in v)]
        if len(lists) == 1:
            answer = lists[0]
    if isinstance(answer, list):
        keys, flat = _rows(answer)
        return keys, [[row.get(k) for k in keys] for row in flat]
    return [FIGURE, "value"], [[key, value] for key, value in _flatten(answer)]


def mark_suppressed(answer: Any) -> Any:
    """Every figure an answer suppressed as a small count (null, its path in ``suppressed``) as "<n",
    without the two keys that said so: the file shows it in place."""
    if isinstance(answer, list):
        return [mark_suppressed(item) for item in answer]
    if not isinstance(answer, dict):
        return answer
    marked = {k: mark_suppressed(v) for k, v in answer.items()}
    if isinstance(marked.get("suppressed"), list) and "suppressed_below" in marked:
        shown = f"<{marked.pop('suppressed_below')}"
        for path in marked.pop("suppressed"):
            *parents, last = path.split(".")
            inner = marked
            for part in parents:
                inner = inner[part]
            inner[last] = shown
    return marked


# Control characters openpyxl refuses (a 500 for everyone exporting that list).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell Excel would run as a formula (names and notes are typed by users: "=HYPERLINK(...)").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What may stand in a file name: codes and dates; anything else would break the header.
PLAIN_NAME_PART = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _cell(value: Any, lang: Literal["zh", "en"]) -> Any:
    if isinstance(value, str):
        text = CONTROL_CHARACTERS.sub("", value)
        return "'" + text if text.startswith(FORMULA_START) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, list):
        return _cell("; ".join(str(v) for v in value), lang)
    return value


def write_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # what Excel writes and reads
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def write_xlsx(
    title: str, header: list[str], rows: list[list[Any]], about: list[tuple[str, str]], about_title: str
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
    for column, name in enumerate(header, start=1):
        width = max([len(str(name)) * 2, *(len(str(r[column - 1])) for r in rows[:200])], default=8)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8), 60)
    # What the figures are: the query, as the caller asked it, and when the file was made.
    query = book.create_sheet(about_title)
    for pair in about:
        query.append(list(pair))
    query.column_dimensions["A"].width = 24
    query.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _ask(request: Request, path: str, params: list[tuple[str, str]]) -> httpx.Response:
    headers = {name: request.headers[name] for name in PASSED_ON if name in request.headers}
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://read-api") as client:
        return await client.get(f"{path}?{urlencode(params)}", headers=headers)


def _is_page(answer: Any) -> bool:
    return isinstance(answer, dict) and {"items", "total", "page", "page_size"} <= answer.keys()


def _file_name(path: str, params: list[tuple[str, str]], extension: str) -> str:
    asked = dict(params)
    parts = [path.strip("/").replace("/", "-")]
    parts += [asked[name] for name in NAMING_PARAMETERS if PLAIN_NAME_PART.match(asked.get(name, ""))]
    if not {"year", "to", "as_of"} & asked.keys():
        parts.append(today_in_china().isoformat())  # every figure defaults to today
    return "_".join(parts) + "." + extension


@router.get(
    "/{path:path}",
    summary="Any figure or list of the read API as CSV (UTF-8 with BOM) or XLSX, with the same parameters",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}}}},
)
async def export(
    request: Request,
    path: str,
    format: Annotated[Format, Query(description="csv (UTF-8 with BOM) or xlsx")] = "csv",
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    target = "/" + path.strip("/")
    template = _template_of(request.app, target)
    if template is None:
        raise NotFound("figures", target)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    whole_list = "page" not in dict(params)
    if whole_list:
        params = [(k, v) for k, v in params if k != "page_size"] + [("page_size", str(PAGE_SIZE))]
    answer = await _ask(request, target, params)
    if answer.status_code != 200:
        kept = {k: v for k, v in answer.headers.items() if k in KEPT_FROM_REFUSALS}
        return Response(answer.content, status_code=answer.status_code, headers=kept)
    body = answer.json()
    if whole_list and _is_page(body):
        items = list(body["items"])
        page = 1
        while len(items) < body["total"] and body["items"]:
            page += 1
            more = await _ask(request, target, [*params, ("page", str(page))])
            more.raise_for_status()
            body = more.json()
            items += body["items"]
        body = {**body, "items": items}
    lang = language(accept_language)
    keys, rows = tabulate(body)
    if not keys:  # an empty list: the header from the route's response model
        keys = record_keys(request.app, template)
    header = [label(k, lang) for k in keys]
    cells = [[_cell(v, lang) for v in row] for row in rows]
    if keys[:1] == [FIGURE]:
        for row in cells:
            row[0] = label(row[0], lang)
    asked = [(k, v) for k, v in params if k not in ("page", "page_size")]
    name = _file_name(target, asked, format)
    if format == "csv":
        content = write_csv(header, cells)
    else:
        about = [
            (label("path", lang), target),
            *((label(k, lang), v) for k, v in asked),
            (label("exported_at", lang), datetime.now(CHINA_STANDARD_TIME).isoformat(timespec="seconds")),
        ]
        content = write_xlsx(target.strip("/").replace("/", "-"), header, cells, about, label("query", lang))
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"},
    )
