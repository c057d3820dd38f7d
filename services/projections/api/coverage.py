"""Coverage of the dual appointments (双向兼职): who serves where, and where nobody does yet."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.dependencies import CallerScope, Paging, ReadModels
from services.projections.queries import coverage

router = APIRouter(prefix="/coverage", tags=["appointment coverage"])


@router.get("/summary", summary="Villages and stations covered, appointees serving and certified")
async def summary(pool: ReadModels, scope: CallerScope) -> dict[str, Any]:
    return await coverage.summary(pool, scope)


@router.get(
    "/villages-lacking-deputy-secretary", summary="Villages without a serving police deputy secretary"
)
async def villages_lacking(pool: ReadModels, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.villages_lacking_deputy_secretary(pool, scope, page)


@router.get("/stations-lacking-director", summary="Police stations without a serving joint-defence director")
async def stations_lacking(pool: ReadModels, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await coverage.stations_lacking_director(pool, scope, page)
