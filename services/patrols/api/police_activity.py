"""Daily police activity of each station (接处警, criminal and public-security cases), imported in
bulk from the station's own system."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.imports import parse_rows
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from govgrid.web.uploads import read_upload, upload_body
from services.patrols.api.dependencies import Service
from services.patrols.application import imports
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.domain import police_activity

router = APIRouter(prefix="/police-activity", tags=["police activity"])

StationCode = Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


@router.post(
    "/import",
    summary="Import stations' daily figures from CSV or JSON (all rows or none; a re-import changes nothing)",
    openapi_extra=upload_body(PoliceActivityRow),
)
async def import_activity(
    request: Request, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    content, media_type, digest = await read_upload(request)
    rows = parse_rows(content, media_type, PoliceActivityRow)
    return await execute(
        service.commands,
        principal,
        "POST /police-activity/import",
        digest,
        idempotency_key,
        lambda uow, ctx: imports.import_police_activity(uow, ctx, rows),
    )


@router.get("/{station_code}/{day}", summary="A station's figures of one day, as last imported")
async def get(
    principal: CurrentPrincipal, service: Service, day: date, station_code: str = StationCode
) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        police_activity.stream_id(station_code, day),
        police_activity.evolve,
        "police activity",
        f"{station_code}/{day}",
    )


@router.get("/{station_code}/{day}/history", summary="Every import and correction of a station-day")
async def history(
    principal: CurrentPrincipal, service: Service, day: date, station_code: str = StationCode
) -> list[dict[str, Any]]:
    return await read_history(
        service.events,
        principal,
        police_activity.stream_id(station_code, day),
        "police activity",
        f"{station_code}/{day}",
    )
