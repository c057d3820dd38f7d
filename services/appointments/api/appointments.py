"""Dual appointments (双向兼职) and their certificates (任命证书)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.appointments.api.dependencies import Service
from services.appointments.application import commands as c
from services.appointments.application import handlers
from services.appointments.domain import appointments

router = APIRouter(prefix="/appointments", tags=["appointments"])

AppointmentId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Nominate an officer or a village cadre for a dual appointment")
async def nominate(
    body: c.NominateAppointment,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /appointments",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.nominate(uow, ctx, body),
    )


@router.get("/{appointment_id}", summary="Current state of an appointment")
async def get(
    principal: CurrentPrincipal, service: Service, appointment_id: str = AppointmentId
) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        appointments.stream_id(appointment_id),
        appointments.evolve,
        "appointment",
        appointment_id,
    )


@router.get("/{appointment_id}/history", summary="Every event of an appointment (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, appointment_id: str = AppointmentId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, appointments.stream_id(appointment_id), "appointment", appointment_id
    )


@router.post("/{appointment_id}/approve", summary="Approve a nominated appointment")
async def approve(
    body: c.ApproveAppointment,
    principal: CurrentPrincipal,
    service: Service,
    appointment_id: str = AppointmentId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /appointments/{appointment_id}/approve",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.approve(uow, ctx, appointment_id, body),
    )


@router.post("/{appointment_id}/certificate", summary="Issue the appointment certificate (numbered per year)")
async def issue_certificate(
    body: c.IssueCertificate,
    principal: CurrentPrincipal,
    service: Service,
    appointment_id: str = AppointmentId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    prefix = service.settings.certificate_prefix
    return await execute(
        service.commands,
        principal,
        f"POST /appointments/{appointment_id}/certificate",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.issue_certificate(uow, ctx, appointment_id, body, prefix),
    )


@router.post("/{appointment_id}/end", summary="End an appointment (term ended, transferred, revoked)")
async def end(
    body: c.EndAppointment,
    principal: CurrentPrincipal,
    service: Service,
    appointment_id: str = AppointmentId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /appointments/{appointment_id}/end",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.end_appointment(uow, ctx, appointment_id, body),
    )
