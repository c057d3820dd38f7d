"""Job referrals of people in difficulty to local enterprises (an opaque reference, no personal data)."""

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
from services.outreach.domain import referrals

router = APIRouter(prefix="/job-referrals", tags=["job referrals"])

ReferralId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Refer a person in difficulty to a job at an enterprise")
async def refer(
    body: c.MakeJobReferral,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /job-referrals",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.make_referral(uow, ctx, body),
    )


@router.get("/{referral_id}", summary="A referral and its outcome")
async def get(principal: CurrentPrincipal, service: Service, referral_id: str = ReferralId) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        referrals.stream_id(referral_id),
        referrals.evolve,
        "job referral",
        referral_id,
    )


@router.get("/{referral_id}/history", summary="Every event of a referral (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, referral_id: str = ReferralId
) -> list[dict[str, Any]]:
    return await read_history(
        service.events, principal, referrals.stream_id(referral_id), "job referral", referral_id
    )


@router.post("/{referral_id}/outcome", summary="Record whether the person was hired (once)")
async def outcome(
    body: c.RecordReferralOutcome,
    principal: CurrentPrincipal,
    service: Service,
    referral_id: str = ReferralId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /job-referrals/{referral_id}/outcome",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_referral_outcome(uow, ctx, referral_id, body),
    )
