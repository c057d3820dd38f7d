"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from govgrid.aggregate import Evolve, load
from govgrid.auth import Principal
from govgrid.commands import CommandContext, CommandResult
from govgrid.errors import NotFound
from govgrid.web.commands import run_command
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.bootstrap import AppointmentsService


def get_service(request: Request) -> AppointmentsService:
    service: AppointmentsService = request.app.state.service
    return service


Service = Annotated[AppointmentsService, Depends(get_service)]


async def read_state(
    service: AppointmentsService,
    principal: Principal,
    stream_id: str,
    evolve: Evolve[Any],
    kind: str,
    ident: str,
) -> dict[str, Any]:
    """The current state of one record, if the caller may see it."""
    loaded = await load(service.events, stream_id, evolve)
    state = loaded.require(kind, ident)
    assert loaded.jurisdiction is not None  # a stream with events has one
    principal.ensure_can_see(loaded.jurisdiction)
    return {**asdict(state), "version": loaded.version}


async def read_history(
    service: AppointmentsService, principal: Principal, stream_id: str, kind: str, ident: str
) -> list[dict[str, Any]]:
    """The audit view: every event of one record, envelopes included, if the caller may see it."""
    envelopes = await service.events.read_stream(stream_id)
    if not envelopes:
        raise NotFound(kind, ident)
    principal.ensure_can_see(envelopes[-1].jurisdiction)
    return [e.model_dump(mode="json") for e in envelopes]


Handler = Callable[[AppointmentsUnitOfWork, CommandContext], Awaitable[CommandResult]]


async def execute(
    service: AppointmentsService,
    principal: Principal,
    route: str,
    body: BaseModel | str | None,
    idempotency_key: str | None,
    handler: Handler,
) -> JSONResponse:
    """Run one command for the caller; ``route`` names it with its path ids (part of idempotency)."""
    ctx = CommandContext.current(principal)

    async def run(uow: AppointmentsUnitOfWork) -> CommandResult:
        return await handler(uow, ctx)

    return await run_command(
        service.commands, run, principal=principal, route=route, body=body, idempotency_key=idempotency_key
    )
