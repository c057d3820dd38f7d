"""Coverage of the dual appointments (双向兼职): who serves where, and where nobody does yet."""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Query

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import BreakdownRow
from services.projections.api.answers import CoverageSummary
from services.projections.api.answers import Named
from services.projections.api.answers import Paged
from services.projections.api.answers import VillageLacking
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import CallerScope
from services.projections.api.dependencies import CoverageModel
from services.projections.api.dependencies import Paging
from services.projections.queries import coverage

router = APIRouter(
    prefix="/coverage", tags=["appointment coverage"], responses=READ_ERRORS, dependencies=RECORDED
)


@router.get(
    "/summary",
    response_model=CoverageSummary,
    summary="Villages and stations covered, appointees serving and certified",
)
async def summary(pool: CoverageModel, scope: CallerScope) -> dict[str, Any]:
    return await coverage.summary(pool, scope)


@router.get(
    "/villages-lacking-deputy-secretary",
    response_model=Paged[VillageLacking],
    summary="Villages without a serving police deputy secretary",
)
async def villages_lacking(pool: CoverageModel, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.villages_lacking_deputy_secretary(pool, scope, page)


@router.get(
    "/stations-lacking-director",
    response_model=Paged[Named],
    summary="Police stations without a serving joint-defence director",
)
async def stations_lacking(pool: CoverageModel, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.stations_lacking_director(pool, scope, page)


@router.get(
    "/breakdown",
    response_model=list[BreakdownRow],
    summary="Villages with and without a deputy secretary per township, station or village",
)
async def breakdown(
    pool: CoverageModel,
    scope: CallerScope,
    group_by: Annotated[Literal["township", "station", "village"], Query()] = "township",
) -> list[dict[str, Any]]:
    return await coverage.breakdown(pool, scope, group_by)
