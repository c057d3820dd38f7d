"""Leads (线索): by channel, category, decision and outcome; arrests. No informant data exists here."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends

from services.projections.api.answers import READ_ERRORS, Answer, LeadSummary
from services.projections.api.dependencies import DateRange, RangeScope, read_model
from services.projections.queries import leads
from services.projections.readmodels.leads import LEADS

router = APIRouter(prefix="/leads", tags=["leads"], responses=READ_ERRORS)

LeadsModel = Annotated[asyncpg.Pool, Depends(read_model(LEADS))]


@router.get(
    "/summary",
    response_model=LeadSummary,
    summary="Leads received by channel and category, verified, dismissed, outcomes, arrests, overdue",
)
async def summary(pool: LeadsModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    return await leads.summary(pool, scope, days.first, days.last)


@router.get(
    "/by-station", response_model=list[Answer], summary="The summary's totals per handling police station"
)
async def by_station(pool: LeadsModel, scope: RangeScope, days: DateRange) -> list[dict[str, Any]]:
    return await leads.by_station(pool, scope, days.first, days.last)
