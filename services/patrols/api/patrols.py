"""Patrols (巡逻): schedule, start, checkpoints, observations, completion or abort."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.aggregate import Loaded, load, state_body
from govgrid.auth import CurrentPrincipal, Principal
from govgrid.errors import Forbidden
from govgrid.web.commands import IdempotencyKey, execute
from services.patrols.api.dependencies import Service
from services.patrols.application import commands as c
from services.patrols.application import handlers
from services.patrols.bootstrap import PatrolsService
from services.patrols.domain import patrols

router = APIRouter(prefix="/patrols", tags=["patrols"])

PatrolId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


async def visible_patrol(
    service: PatrolsService, principal: Principal, patrol_id: str
) -> Loaded[patrols.Patrol]:
    """A patrol's checkpoints are filed under their grid's township and village as well as the
    station, so the patrol is visible to whoever one of its events concerns (govgrid.web.reads
    would judge by the latest event alone, and visibility would change as the patrol moves on)."""
    loaded = await load(service.events, patrols.stream_id(patrol_id), patrols.evolve)
    loaded.require("patrol", patrol_id)
    if not any(principal.can_see(envelope.jurisdiction) for envelope in loaded.history):
        raise Forbidden(f"{principal.subject!r} ({principal.role}) has no jurisdiction over this patrol")
    return loaded


@router.post("", status_code=201, summary="Schedule a patrol of a team")
async def schedule(
    body: c.SchedulePatrol,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /patrols",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.schedule_patrol(uow, ctx, body),
    )


@router.get("/{patrol_id}", summary="Current state of a patrol")
async def get(principal: CurrentPrincipal, service: Service, patrol_id: str = PatrolId) -> dict[str, Any]:
    loaded = await visible_patrol(service, principal, patrol_id)
    return state_body(loaded.state, loaded.version)


@router.get("/{patrol_id}/history", summary="Every event of a patrol (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, patrol_id: str = PatrolId
) -> list[dict[str, Any]]:
    loaded = await visible_patrol(service, principal, patrol_id)
    return [envelope.model_dump(mode="json") for envelope in loaded.history]


@router.post("/{patrol_id}/start", summary="Start the patrol: who takes part (members of the team that day)")
async def start(
    body: c.StartPatrol,
    principal: CurrentPrincipal,
    service: Service,
    patrol_id: str = PatrolId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /patrols/{patrol_id}/start",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.start_patrol(uow, ctx, patrol_id, body),
    )


@router.post("/{patrol_id}/checkpoints", summary="A checkpoint visited: a grid the station covers")
async def checkpoint(
    body: c.VisitCheckpoint,
    principal: CurrentPrincipal,
    service: Service,
    patrol_id: str = PatrolId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /patrols/{patrol_id}/checkpoints",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.visit_checkpoint(uow, ctx, patrol_id, body),
    )


@router.post(
    "/{patrol_id}/observations", summary="Something seen on the way: a hazard, suspicious, a dispute"
)
async def observation(
    body: c.RecordObservation,
    principal: CurrentPrincipal,
    service: Service,
    patrol_id: str = PatrolId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /patrols/{patrol_id}/observations",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_observation(uow, ctx, patrol_id, body),
    )


@router.post("/{patrol_id}/complete", summary="Complete the patrol (duration from its start, distance)")
async def complete(
    body: c.CompletePatrol,
    principal: CurrentPrincipal,
    service: Service,
    patrol_id: str = PatrolId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /patrols/{patrol_id}/complete",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.complete_patrol(uow, ctx, patrol_id, body),
    )


@router.post("/{patrol_id}/abort", summary="Call off a scheduled patrol or break off a started one")
async def abort(
    body: c.AbortPatrol,
    principal: CurrentPrincipal,
    service: Service,
    patrol_id: str = PatrolId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /patrols/{patrol_id}/abort",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.abort_patrol(uow, ctx, patrol_id, body),
    )
