"""Organisation units: the grid hierarchy and which station covers each village."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.imports import parse_rows
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from govgrid.web.uploads import read_upload, upload_body
from services.appointments.api.dependencies import Service
from services.appointments.application import commands as c
from services.appointments.application import handlers, imports
from services.appointments.domain import org_units

router = APIRouter(prefix="/org-units", tags=["organisation units"])

UnitCode = Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Register an organisation unit")
async def register(
    body: c.RegisterOrgUnit,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /org-units",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_unit(uow, ctx, body),
    )


@router.post(
    "/import",
    summary="Import organisation units from CSV or JSON (all rows or none)",
    openapi_extra=upload_body(imports.OrgUnitRow),
)
async def import_units(
    request: Request, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    content, media_type, digest = await read_upload(request)
    rows = parse_rows(content, media_type, imports.OrgUnitRow)
    return await execute(
        service.commands,
        principal,
        "POST /org-units/import",
        digest,
        idempotency_key,
        lambda uow, ctx: imports.import_org_units(uow, ctx, rows),
    )


@router.get("/{code}", summary="Current state of an organisation unit")
async def get(principal: CurrentPrincipal, service: Service, code: str = UnitCode) -> dict[str, Any]:
    return await read_state(
        service.events, principal, org_units.stream_id(code), org_units.evolve, "organisation unit", code
    )


@router.get("/{code}/history", summary="Every event of an organisation unit (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, code: str = UnitCode
) -> list[dict[str, Any]]:
    return await read_history(service.events, principal, org_units.stream_id(code), "organisation unit", code)


@router.post("/{code}/rename", summary="Rename an organisation unit")
async def rename(
    body: c.RenameOrgUnit,
    principal: CurrentPrincipal,
    service: Service,
    code: str = UnitCode,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /org-units/{code}/rename",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.rename_unit(uow, ctx, code, body),
    )


@router.post("/{code}/coverage", summary="A police station covers this village from a date on")
async def assign_coverage(
    body: c.AssignVillageCoverage,
    principal: CurrentPrincipal,
    service: Service,
    code: str = UnitCode,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /org-units/{code}/coverage",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.assign_coverage(uow, ctx, code, body),
    )


@router.post("/{code}/coverage/end", summary="A police station stops covering this village")
async def end_coverage(
    body: c.EndVillageCoverage,
    principal: CurrentPrincipal,
    service: Service,
    code: str = UnitCode,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /org-units/{code}/coverage/end",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.end_coverage(uow, ctx, code, body),
    )
