"""A lead's deadline clocks, one per stage (triage, decision): pause, resume, extend, carry over."""

from __future__ import annotations

from fastapi import Path

from govgrid.service import command_router
from govgrid.service import record_id
from services.tips.application.handlers import LEAD_CLOCKS
from services.tips.domain.clock import LeadStage

Stage = Path(pattern="^(" + "|".join(LeadStage) + ")$", description="The stage whose clock this is.")

router = command_router(
    "/leads", ["lead clocks"], {"lead_id": record_id(), "stage": Stage}, LEAD_CLOCKS.commands("lead_id")
)
