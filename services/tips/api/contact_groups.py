"""Contact groups: a village's WeChat groups, which safety notices are posted to."""

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
from services.tips.domain import contact_groups

router = APIRouter(prefix="/contact-groups", tags=["contact groups"])

GroupId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post(
    "", status_code=201, summary="Register a village's contact group (警民微信联络群, 村居安全防范群)"
)
async def register(
    body: c.RegisterContactGroup,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /contact-groups",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.register_contact_group(uow, ctx, body),
    )


@router.get("/{group_id}", summary="A contact group")
async def get(principal: CurrentPrincipal, service: Service, group_id: str = GroupId) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        contact_groups.stream_id(group_id),
        contact_groups.evolve,
        "contact group",
        group_id,
    )


@router.get("/{group_id}/history", summary="Every event of a contact group")
async def history(
    principal: CurrentPrincipal, service: Service, group_id: str = GroupId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, contact_groups.stream_id(group_id), "contact group", group_id
    )
