"""Schools served by household-registration drives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.imports import parse_rows
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.uploads import read_upload, upload_body
from services.outreach.api.dependencies import Service
from services.outreach.api.reads import history_of, load_placed, state_of
from services.outreach.application import commands as c
from services.outreach.application import handlers, imports
from services.outreach.domain import schools

router = APIRouter(prefix="/schools", tags=["schools"])

SchoolCode = Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Register a school in its village or community")
async def register(
    body: c.RegisterSchool,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /schools",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_school(uow, ctx, body),
    )


@router.post(
    "/import",
    summary="Register schools from CSV or JSON (all rows or none; re-importing changes nothing)",
    openapi_extra=upload_body(imports.SchoolRow),
)
async def import_schools(
    request: Request, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    content, media_type, digest = await read_upload(request)
    rows = parse_rows(content, media_type, imports.SchoolRow)
    return await execute(
        service.commands,
        principal,
        "POST /schools/import",
        digest,
        idempotency_key,
        lambda uow, ctx: imports.import_schools(uow, ctx, rows),
    )


@router.get("/{code}", summary="A registered school")
async def get(principal: CurrentPrincipal, service: Service, code: str = SchoolCode) -> dict[str, Any]:
    return state_of(
        await load_placed(service, principal, schools.stream_id(code), schools.evolve, "school", code)
    )


@router.get("/{code}/history", summary="Every event of a school (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, code: str = SchoolCode
) -> list[dict[str, Any]]:
    return history_of(
        await load_placed(service, principal, schools.stream_id(code), schools.evolve, "school", code)
    )
