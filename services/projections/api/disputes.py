"""Disputes (矛盾纠纷调处): received, in mediation, resolved, escalated, and the ageing backlog."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends

from services.projections.api.answers import READ_ERRORS, Backlog, DisputeSummary, VillageDisputes
from services.projections.api.dependencies import RECORDED, CallerScope, DateRange, RangeScope, read_model
from services.projections.queries import disputes
from services.projections.readmodels.disputes import DISPUTES

router = APIRouter(prefix="/disputes", tags=["disputes"], responses=READ_ERRORS, dependencies=RECORDED)

DisputesModel = Annotated[asyncpg.Pool, Depends(read_model(DISPUTES))]


@router.get(
    "/summary",
    response_model=DisputeSummary,
    summary="Disputes received, resolved, failed, escalated in the range; open at its end; resolution rate",
)
async def summary(pool: DisputesModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    return await disputes.summary(pool, scope, days.first, days.last)


@router.get(
    "/backlog", response_model=Backlog, summary="Disputes open at the end of as_of, by age since registration"
)
async def backlog(pool: DisputesModel, scope: CallerScope) -> dict[str, Any]:
    return await disputes.backlog(pool, scope)


@router.get(
    "/by-village",
    response_model=list[VillageDisputes],
    summary="The summary's figures per village or community",
)
async def by_village(pool: DisputesModel, scope: RangeScope, days: DateRange) -> list[dict[str, Any]]:
    return await disputes.by_village(pool, scope, days.first, days.last)
