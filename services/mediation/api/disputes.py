"""Disputes (矛盾纠纷) and their mediation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.catalogue.mediation import DisputeCategory, MediationLevel
from govgrid.china_time import today_in_china
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.mediation.api.dependencies import Service
from services.mediation.application import commands as c
from services.mediation.application import handlers
from services.mediation.application.index import indexed_due, list_disputes
from services.mediation.domain import disputes
from services.mediation.domain.disputes import DisputeStatus

router = APIRouter(prefix="/disputes", tags=["disputes"])

DisputeId = Path(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Register a dispute (walk-in, patrol, referral)")
async def register(
    body: c.RegisterDispute,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /disputes",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register(uow, ctx, body),
    )


@router.get(
    "",
    summary="Disputes in the caller's jurisdiction, newest first; overdue=true: those due to go up the "
    "escalation ladder, most overdue first",
)
async def list_all(
    principal: CurrentPrincipal,
    service: Service,
    overdue: Annotated[bool, Query(description="Only disputes whose escalation is due by `on`.")] = False,
    on: Annotated[date | None, Query(description="The day to judge by (default: today in China).")] = None,
    status: DisputeStatus | None = None,
    level: MediationLevel | None = None,
    category: DisputeCategory | None = None,
    village_code: Annotated[
        str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    return await list_disputes(
        service.pool,
        principal,
        on=on or today_in_china(),
        overdue=overdue,
        status=status,
        level=level,
        category=category,
        village_code=village_code,
        limit=limit,
        offset=offset,
    )


@router.get("/{dispute_id}", summary="Current state of a dispute, with its escalation due date")
async def get(principal: CurrentPrincipal, service: Service, dispute_id: str = DisputeId) -> dict[str, Any]:
    state = await read_state(
        service.events, principal, disputes.stream_id(dispute_id), disputes.evolve, "dispute", dispute_id
    )
    return {**state, "escalation_due": await indexed_due(service.pool, dispute_id)}


@router.get("/{dispute_id}/history", summary="Every event of a dispute (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, dispute_id: str = DisputeId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, disputes.stream_id(dispute_id), "dispute", dispute_id
    )


@router.post("/{dispute_id}/parties", summary="Add parties (a referred lead arrives without them)")
async def add_parties(
    body: c.AddParties,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/parties",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.add_parties(uow, ctx, dispute_id, body),
    )


@router.post(
    "/{dispute_id}/mediators",
    summary="Assign the officer/cadre pair (the village's suggested pair is recorded beside it)",
)
async def assign_mediators(
    body: c.AssignMediators,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/mediators",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.assign_mediators(uow, ctx, dispute_id, body),
    )


@router.post("/{dispute_id}/sessions", summary="Record a mediation session")
async def record_session(
    body: c.RecordSession,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/sessions",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_session(uow, ctx, dispute_id, body),
    )


@router.post("/{dispute_id}/agreement", summary="Record the agreement reached (a summary of its terms)")
async def record_agreement(
    body: c.RecordAgreement,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/agreement",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_agreement(uow, ctx, dispute_id, body),
    )


@router.post("/{dispute_id}/failure", summary="Record that mediation failed at the current level")
async def record_failure(
    body: c.RecordFailure,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/failure",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_failure(uow, ctx, dispute_id, body),
    )


@router.post("/{dispute_id}/escalate", summary="Escalate a failed mediation (township, court)")
async def escalate(
    body: c.EscalateDispute,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/escalate",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.escalate(uow, ctx, dispute_id, body),
    )


@router.post("/{dispute_id}/close", summary="Close a dispute (resolved, referred to court, withdrawn)")
async def close(
    body: c.CloseDispute,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/close",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.close(uow, ctx, dispute_id, body),
    )


@router.post(
    "/{dispute_id}/follow-ups",
    summary="Record a follow-up visit: does the agreement hold, are the parties satisfied",
)
async def record_follow_up(
    body: c.RecordFollowUp,
    principal: CurrentPrincipal,
    service: Service,
    dispute_id: str = DisputeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /disputes/{dispute_id}/follow-ups",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_follow_up(uow, ctx, dispute_id, body),
    )
