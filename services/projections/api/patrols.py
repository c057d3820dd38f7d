"""Patrols (巡逻) and clearance operations (清查行动): how many, how long, who took part, which grids."""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Query

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.answers import Figures
from services.projections.api.answers import Paged
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import Paging
from services.projections.api.dependencies import PatrolsModel
from services.projections.api.dependencies import RangeScope
from services.projections.queries import patrols

router = APIRouter(prefix="/patrols", tags=["patrols"], responses=READ_ERRORS, dependencies=RECORDED)

Status = Literal["planned", "carried_out", "closed", "cancelled"]


@router.get(
    "/summary",
    response_model=Figures,
    summary="Patrols, patrol hours, participations, clearance operations and share of grids visited",
)
async def summary(pool: PatrolsModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    return await patrols.summary(pool, scope, days.first, days.last)


@router.get("/by-station", response_model=list[Answer], summary="The summary's figures per police station")
async def by_station(pool: PatrolsModel, scope: RangeScope, days: DateRange) -> list[dict[str, Any]]:
    return await patrols.by_station(pool, scope, days.first, days.last)


@router.get(
    "/clearance-operations",
    response_model=Paged[Answer],
    summary="Clearance operations carried out (or planned) in the range",
)
async def clearance_operations(
    pool: PatrolsModel,
    scope: RangeScope,
    days: DateRange,
    page: Paging,
    status: Annotated[Status | None, Query()] = None,
) -> dict[str, Any]:
    return await patrols.clearance_operations(pool, scope, days.first, days.last, status, page)
