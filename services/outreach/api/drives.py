"""School household-registration drives (户籍窗口进校园)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from services.outreach.api.dependencies import Service
from services.outreach.api.reads import history_of, load_drive, state_of
from services.outreach.application import commands as c
from services.outreach.application import handlers

router = APIRouter(prefix="/registration-drives", tags=["registration drives"])

DriveId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="A station launches a drive: its window moves into target schools")
async def launch(
    body: c.LaunchRegistrationDrive,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /registration-drives",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.launch_drive(uow, ctx, body),
    )


@router.get("/{drive_id}", summary="A drive with its visits and its completion figure")
async def get(principal: CurrentPrincipal, service: Service, drive_id: str = DriveId) -> dict[str, Any]:
    return state_of(await load_drive(service, principal, drive_id))


@router.get("/{drive_id}/history", summary="Every event of a drive (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, drive_id: str = DriveId
) -> list[dict[str, Any]]:
    return history_of(await load_drive(service, principal, drive_id))


@router.post("/{drive_id}/targets", summary="Add target schools to an open drive")
async def add_targets(
    body: c.AddDriveTargets,
    principal: CurrentPrincipal,
    service: Service,
    drive_id: str = DriveId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /registration-drives/{drive_id}/targets",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.add_drive_targets(uow, ctx, drive_id, body),
    )


@router.post("/{drive_id}/visits", summary="Record a day of the window at a school and what it processed")
async def record_visit(
    body: c.RecordSchoolVisit,
    principal: CurrentPrincipal,
    service: Service,
    drive_id: str = DriveId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /registration-drives/{drive_id}/visits",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_school_visit(uow, ctx, drive_id, body),
    )


@router.post(
    "/{drive_id}/visits/correct", summary="Replace a recorded school day's figures with the corrected ones"
)
async def correct_visit(
    body: c.RecordSchoolVisit,
    principal: CurrentPrincipal,
    service: Service,
    drive_id: str = DriveId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /registration-drives/{drive_id}/visits/correct",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.correct_school_visit(uow, ctx, drive_id, body),
    )


@router.post("/{drive_id}/close", summary="Close a drive (nothing changes afterwards)")
async def close(
    body: c.CloseRegistrationDrive,
    principal: CurrentPrincipal,
    service: Service,
    drive_id: str = DriveId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /registration-drives/{drive_id}/close",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.close_drive(uow, ctx, drive_id, body),
    )
