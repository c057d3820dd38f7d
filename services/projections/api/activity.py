"""A recent-activity feed with no personal data: what happened, when, in which service and where."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends

from services.projections.api.answers import READ_ERRORS, Activity, Paged
from services.projections.api.dependencies import RECORDED, CallerScope, Paging, read_model
from services.projections.queries import activity
from services.projections.readmodels.activity import ACTIVITY

router = APIRouter(prefix="/activity", tags=["activity"], responses=READ_ERRORS, dependencies=RECORDED)

ActivityModel = Annotated[asyncpg.Pool, Depends(read_model(ACTIVITY))]


@router.get(
    "",
    response_model=Paged[Activity],
    summary="What happened, newest first, up to the end of as_of: labels and place codes only",
)
async def feed(pool: ActivityModel, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await activity.feed(pool, scope, page)
