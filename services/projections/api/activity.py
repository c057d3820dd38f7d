"""A recent-activity feed with no personal data: what happened, when, in which service and where."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Activity
from services.projections.api.answers import Paged
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import ActivityModel
from services.projections.api.dependencies import CallerScope
from services.projections.api.dependencies import Paging
from services.projections.queries import activity

router = APIRouter(prefix="/activity", tags=["activity"], responses=READ_ERRORS, dependencies=RECORDED)


@router.get(
    "",
    response_model=Paged[Activity],
    summary="What happened, newest first, up to the end of as_of: labels and place codes only",
)
async def feed(pool: ActivityModel, scope: CallerScope, page: Paging) -> dict[str, Any]:
    return await activity.feed(pool, scope, page)
