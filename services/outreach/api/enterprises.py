"""Enterprises visited by officers ("百警进百企") and offering jobs."""

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
from services.outreach.domain import enterprises

router = APIRouter(prefix="/enterprises", tags=["enterprises"])

EnterpriseCode = Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Register an enterprise in its village or community")
async def register(
    body: c.RegisterEnterprise,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /enterprises",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_enterprise(uow, ctx, body),
    )


@router.post(
    "/import",
    summary="Register enterprises from CSV or JSON (all rows or none; re-importing changes nothing)",
    openapi_extra=upload_body(imports.EnterpriseRow),
)
async def import_enterprises(
    request: Request, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    content, media_type, digest = await read_upload(request)
    rows = parse_rows(content, media_type, imports.EnterpriseRow)
    return await execute(
        service.commands,
        principal,
        "POST /enterprises/import",
        digest,
        idempotency_key,
        lambda uow, ctx: imports.import_enterprises(uow, ctx, rows),
    )


@router.get("/{code}", summary="A registered enterprise")
async def get(principal: CurrentPrincipal, service: Service, code: str = EnterpriseCode) -> dict[str, Any]:
    return state_of(
        await load_placed(
            service, principal, enterprises.stream_id(code), enterprises.evolve, "enterprise", code
        )
    )


@router.get("/{code}/history", summary="Every event of an enterprise (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, code: str = EnterpriseCode
) -> list[dict[str, Any]]:
    return history_of(
        await load_placed(
            service, principal, enterprises.stream_id(code), enterprises.evolve, "enterprise", code
        )
    )
