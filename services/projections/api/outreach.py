"""Services to residents and enterprises: school household-registration drives, enterprise visits
("百警进百企") with their follow-up actions, enterprise cases and job referrals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.answers import Figures
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import OutreachModel
from services.projections.api.dependencies import RangeScope
from services.projections.queries import outreach

router = APIRouter(prefix="/outreach", tags=["outreach"], responses=READ_ERRORS, dependencies=RECORDED)


@router.get(
    "/summary",
    response_model=Figures,
    summary="Schools served of the targets, students processed, enterprise visits and follow-ups, "
    "enterprise cases and their median handling days, job referrals and hires",
)
async def summary(pool: OutreachModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    return await outreach.summary(pool, scope, days.first, days.last)


@router.get("/by-station", response_model=list[Answer], summary="The summary's figures per police station")
async def by_station(pool: OutreachModel, scope: RangeScope, days: DateRange) -> list[dict[str, Any]]:
    return await outreach.by_station(pool, scope, days.first, days.last)
