"""Leads (线索): by channel, category, decision and outcome; arrests. No informant data exists here.
Small counts below station level are suppressed for callers below city level (queries/small_counts.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import LeadStation
from services.projections.api.answers import LeadSummary
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import LeadsModel
from services.projections.api.dependencies import RangeScope
from services.projections.api.dependencies import SmallCountsRule
from services.projections.queries import leads

router = APIRouter(prefix="/leads", tags=["leads"], responses=READ_ERRORS, dependencies=RECORDED)


@router.get(
    "/summary",
    response_model=LeadSummary,
    summary="Leads received by channel and category, verified, dismissed, outcomes, arrests, overdue",
)
async def summary(
    pool: LeadsModel, scope: RangeScope, days: DateRange, small: SmallCountsRule
) -> dict[str, Any]:
    return await leads.summary(pool, scope, days.first, days.last, small)


@router.get(
    "/by-station",
    response_model=list[LeadStation],
    summary="The summary's totals per handling police station",
)
async def by_station(
    pool: LeadsModel, scope: RangeScope, days: DateRange, small: SmallCountsRule
) -> list[dict[str, Any]]:
    return await leads.by_station(pool, scope, days.first, days.last, small)
