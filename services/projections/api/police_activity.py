"""Calls for police service and cases (接处警, 刑事案件, 治安案件), with year-on-year change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.answers import Figures
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import PoliceActivityModel
from services.projections.api.dependencies import RangeScope
from services.projections.api.dependencies import Year
from services.projections.api.dependencies import YearScope
from services.projections.queries import police_activity

router = APIRouter(
    prefix="/police-activity", tags=["police activity"], responses=READ_ERRORS, dependencies=RECORDED
)


@router.get(
    "/summary",
    response_model=Figures,
    summary="Totals of the range and of the same days a year earlier, change in percent",
)
async def summary(pool: PoliceActivityModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    return await police_activity.summary(pool, scope, days.first, days.last)


@router.get(
    "/monthly", response_model=Answer, summary="Each month of the year against the same month a year earlier"
)
async def monthly(pool: PoliceActivityModel, scope: YearScope, year: Year) -> dict[str, Any]:
    return await police_activity.monthly(pool, scope, year.first.year)
