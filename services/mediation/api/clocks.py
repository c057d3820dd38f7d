"""A dispute's deadline clocks, one per stage (assignment, mediation at village and township level):
pause, resume, extend, carry over."""

from __future__ import annotations

from fastapi import Path

from govgrid.service import command_router
from services.mediation.api.disputes import ID
from services.mediation.application.handlers import DISPUTE_CLOCKS
from services.mediation.domain.clock import DisputeStage

Stage = Path(pattern="^(" + "|".join(DisputeStage) + ")$", description="The stage whose clock this is.")

router = command_router(
    "/disputes", ["dispute clocks"], {**ID, "stage": Stage}, DISPUTE_CLOCKS.commands("dispute_id")
)
