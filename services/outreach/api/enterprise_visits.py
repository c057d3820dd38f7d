"""Enterprise visits ("百警进百企") and their follow-up actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.outreach.api.dependencies import Service
from services.outreach.application import commands as c
from services.outreach.application import handlers
from services.outreach.domain import enterprise_visits

router = APIRouter(prefix="/enterprise-visits", tags=["enterprise visits"])

VisitId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
ActionNo = Path(ge=1, le=1000)


@router.post(
    "", status_code=201, summary="Record an officer's visit to an enterprise, its findings and follow-ups"
)
async def record(
    body: c.RecordEnterpriseVisit,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /enterprise-visits",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_enterprise_visit(uow, ctx, body),
    )


@router.get("/{visit_id}", summary="A visit with its follow-up actions")
async def get(principal: CurrentPrincipal, service: Service, visit_id: str = VisitId) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        enterprise_visits.stream_id(visit_id),
        enterprise_visits.evolve,
        "enterprise visit",
        visit_id,
    )


@router.get("/{visit_id}/history", summary="Every event of a visit (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, visit_id: str = VisitId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, enterprise_visits.stream_id(visit_id), "enterprise visit", visit_id
    )


@router.post("/{visit_id}/follow-ups", summary="Plan one more follow-up action, due after the visit")
async def plan_follow_up(
    body: c.PlanFollowUp,
    principal: CurrentPrincipal,
    service: Service,
    visit_id: str = VisitId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /enterprise-visits/{visit_id}/follow-ups",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.plan_follow_up(uow, ctx, visit_id, body),
    )


@router.post("/{visit_id}/follow-ups/{action_no}/complete", summary="A follow-up action is done")
async def complete_follow_up(
    body: c.CompleteFollowUp,
    principal: CurrentPrincipal,
    service: Service,
    visit_id: str = VisitId,
    action_no: int = ActionNo,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /enterprise-visits/{visit_id}/follow-ups/{action_no}/complete",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.complete_follow_up(uow, ctx, visit_id, action_no, body),
    )
