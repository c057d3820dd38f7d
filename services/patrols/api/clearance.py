"""Clearance operations (清查行动): plan, carry out, close, or cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.patrols.api.dependencies import Service
from services.patrols.application import commands as c
from services.patrols.application import handlers
from services.patrols.domain import clearance

router = APIRouter(prefix="/clearance-operations", tags=["clearance operations"])

OperationId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Plan a clearance operation over villages or grids of the station")
async def plan(
    body: c.PlanClearanceOperation,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /clearance-operations",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.plan_clearance(uow, ctx, body),
    )


@router.get("/{operation_id}", summary="Current state of a clearance operation")
async def get(
    principal: CurrentPrincipal, service: Service, operation_id: str = OperationId
) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        clearance.stream_id(operation_id),
        clearance.evolve,
        "clearance operation",
        operation_id,
    )


@router.get("/{operation_id}/history", summary="Every event of a clearance operation (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, operation_id: str = OperationId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, clearance.stream_id(operation_id), "clearance operation", operation_id
    )


@router.post("/{operation_id}/carry-out", summary="Record the operation's results: places, people, findings")
async def carry_out(
    body: c.CarryOutClearanceOperation,
    principal: CurrentPrincipal,
    service: Service,
    operation_id: str = OperationId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /clearance-operations/{operation_id}/carry-out",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.carry_out_clearance(uow, ctx, operation_id, body),
    )


@router.post("/{operation_id}/close", summary="Close a carried-out operation")
async def close(
    body: c.CloseClearanceOperation,
    principal: CurrentPrincipal,
    service: Service,
    operation_id: str = OperationId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /clearance-operations/{operation_id}/close",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.close_clearance(uow, ctx, operation_id, body),
    )


@router.post("/{operation_id}/cancel", summary="Cancel a planned operation that will not be carried out")
async def cancel(
    body: c.CancelClearanceOperation,
    principal: CurrentPrincipal,
    service: Service,
    operation_id: str = OperationId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /clearance-operations/{operation_id}/cancel",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.cancel_clearance(uow, ctx, operation_id, body),
    )
