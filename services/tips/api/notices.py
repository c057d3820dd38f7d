"""Safety notices (安全提示): published by a station to its villages' contact groups, delivered group
by group."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.tips.api.dependencies import Service
from services.tips.application import commands as c
from services.tips.application import handlers
from services.tips.domain import notices

router = APIRouter(prefix="/notices", tags=["safety notices"])

NoticeId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post(
    "", status_code=201, summary="Publish a safety notice to the contact groups of the station's villages"
)
async def publish(
    body: c.PublishSafetyNotice,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /notices",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.publish_notice(uow, ctx, body),
    )


@router.get("/{notice_id}", summary="A safety notice and its deliveries")
async def get(principal: CurrentPrincipal, service: Service, notice_id: str = NoticeId) -> dict[str, Any]:
    return await read_state(
        service.events, principal, notices.stream_id(notice_id), notices.evolve, "safety notice", notice_id
    )


@router.get("/{notice_id}/history", summary="Every event of a safety notice")
async def history(
    principal: CurrentPrincipal, service: Service, notice_id: str = NoticeId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, notices.stream_id(notice_id), "safety notice", notice_id
    )


@router.post("/{notice_id}/deliveries", summary="Record that the notice was posted in one of its groups")
async def deliver(
    body: c.RecordDelivery,
    principal: CurrentPrincipal,
    service: Service,
    notice_id: str = NoticeId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /notices/{notice_id}/deliveries",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_delivery(uow, ctx, notice_id, body),
    )
