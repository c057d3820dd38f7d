"""Enterprise-related cases (涉企案件), tracked until handled."""

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
from services.outreach.domain import cases

router = APIRouter(prefix="/enterprise-cases", tags=["enterprise cases"])

CaseId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Open an enterprise-related case")
async def open_case(
    body: c.OpenEnterpriseCase,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /enterprise-cases",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.open_case(uow, ctx, body),
    )


@router.get("/{case_id}", summary="A case; once handled, with how many days the handling took")
async def get(principal: CurrentPrincipal, service: Service, case_id: str = CaseId) -> dict[str, Any]:
    return await read_state(
        service.events, principal, cases.stream_id(case_id), cases.evolve, "enterprise case", case_id
    )


@router.get("/{case_id}/history", summary="Every event of a case (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, case_id: str = CaseId
) -> list[dict[str, Any]]:
    return await read_history(service.events, principal, cases.stream_id(case_id), "enterprise case", case_id)


@router.post("/{case_id}/handle", summary="The case is handled (nothing changes afterwards)")
async def handle(
    body: c.HandleEnterpriseCase,
    principal: CurrentPrincipal,
    service: Service,
    case_id: str = CaseId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /enterprise-cases/{case_id}/handle",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.handle_case(uow, ctx, case_id, body),
    )
