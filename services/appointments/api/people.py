"""Police officers and village cadres."""

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
from services.appointments.domain import people

router = APIRouter(prefix="/people", tags=["people"])

PersonId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("/officers", status_code=201, summary="Register a police officer")
async def register_officer(
    body: c.RegisterPoliceOfficer,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /people/officers",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_officer(uow, ctx, body),
    )


@router.post("/cadres", status_code=201, summary="Register a village cadre")
async def register_cadre(
    body: c.RegisterVillageCadre,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /people/cadres",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_cadre(uow, ctx, body),
    )


@router.post(
    "/import",
    summary="Import police officers and village cadres from CSV or JSON (all rows or none)",
    openapi_extra=upload_body(imports.PersonRow),
)
async def import_people(
    request: Request, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    content, media_type, digest = await read_upload(request)
    rows = parse_rows(content, media_type, imports.PersonRow)
    return await execute(
        service.commands,
        principal,
        "POST /people/import",
        digest,
        idempotency_key,
        lambda uow, ctx: imports.import_people(uow, ctx, rows),
    )


@router.get("/{person_id}", summary="Current state of a person")
async def get(principal: CurrentPrincipal, service: Service, person_id: str = PersonId) -> dict[str, Any]:
    return await read_state(
        service.events, principal, people.stream_id(person_id), people.evolve, "person", person_id
    )


@router.get("/{person_id}/history", summary="Every event of a person (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, person_id: str = PersonId
) -> list[dict[str, Any]]:
    return await read_history(service.events, principal, people.stream_id(person_id), "person", person_id)


@router.post("/{person_id}/transfer", summary="Transfer a police officer to another station")
async def transfer(
    body: c.TransferPoliceOfficer,
    principal: CurrentPrincipal,
    service: Service,
    person_id: str = PersonId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /people/{person_id}/transfer",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.transfer_officer(uow, ctx, person_id, body),
    )


@router.post("/{person_id}/leave", summary="Record that a person left service (ends their appointments)")
async def leave(
    body: c.RecordLeavingService,
    principal: CurrentPrincipal,
    service: Service,
    person_id: str = PersonId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /people/{person_id}/leave",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_leaving(uow, ctx, person_id, body),
    )
