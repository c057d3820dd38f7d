"""Leads (线索): by channel, category, decision and outcome; arrests. No informant data exists here.
Small counts below station level are suppressed for callers below city level (queries/small_counts.py)."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends

from services.projections.api.answers import READ_ERRORS, LeadStation, LeadSummary
from services.projections.api.dependencies import RECORDED, DateRange, RangeScope, SmallCountsRule, read_model
from services.projections.queries import leads
from services.projections.readmodels.leads import LEADS

router = APIRouter(prefix="/leads", tags=["leads"], responses=READ_ERRORS, dependencies=RECORDED)

LeadsModel = Annotated[asyncpg.Pool, Depends(read_model(LEADS))]


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
