"""Coverage of the dual appointments (双向兼职): who serves where, and where nobody does yet."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends

from services.projections.api.dependencies import CallerScope, Paging, read_model
from services.projections.queries import coverage
from services.projections.readmodels.coverage import COVERAGE

router = APIRouter(prefix="/coverage", tags=["appointment coverage"])
Coverage = Annotated[asyncpg.Pool, Depends(read_model(COVERAGE))]


@router.get("/summary", summary="Villages and stations covered, appointees serving and certified")
async def summary(pool: Coverage, scope: CallerScope) -> dict[str, Any]:
    return await coverage.summary(pool, scope)


@router.get(
    "/villages-lacking-deputy-secretary", summary="Villages without a serving police deputy secretary"
)
async def villages_lacking(pool: Coverage, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.villages_lacking_deputy_secretary(pool, scope, page)


@router.get("/stations-lacking-director", summary="Police stations without a serving joint-defence director")
async def stations_lacking(pool: Coverage, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.stations_lacking_director(pool, scope, page)
