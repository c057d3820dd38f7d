"""Organisation units: the grid hierarchy and which station covers each village."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey
from services.appointments.api.dependencies import Service, execute, read_history, read_state
from services.appointments.application import commands as c
from services.appointments.application import handlers
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
        service,
        principal,
        "POST /org-units",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_unit(uow, ctx, body),
    )


@router.get("/{code}", summary="Current state of an organisation unit")
async def get(principal: CurrentPrincipal, service: Service, code: str = UnitCode) -> dict[str, Any]:
    return await read_state(
        service, principal, org_units.stream_id(code), org_units.evolve, "organisation unit", code
    )


@router.get("/{code}/history", summary="Every event of an organisation unit (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, code: str = UnitCode
) -> list[dict[str, Any]]:
    return await read_history(service, principal, org_units.stream_id(code), "organisation unit", code)


@router.post("/{code}/rename", summary="Rename an organisation unit")
async def rename(
    body: c.RenameOrgUnit,
    principal: CurrentPrincipal,
    service: Service,
    code: str = UnitCode,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service,
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
        service,
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
        service,
        principal,
        f"POST /org-units/{code}/coverage/end",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.end_coverage(uow, ctx, code, body),
    )
