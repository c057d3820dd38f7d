"""Disputes (矛盾纠纷调处): received, in mediation, resolved, escalated, and the ageing backlog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Backlog
from services.projections.api.answers import DisputeSummary
from services.projections.api.answers import VillageDisputes
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import CallerScope
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import DisputesModel
from services.projections.api.dependencies import RangeScope
from services.projections.queries import disputes

router = APIRouter(prefix="/disputes", tags=["disputes"], responses=READ_ERRORS, dependencies=RECORDED)


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
