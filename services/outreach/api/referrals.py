"""Job referrals of people in difficulty to local enterprises (an opaque reference, no personal data)."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.outreach.application import handlers as h
from services.outreach.domain.referrals import JobReferral

Answer = state_response(JobReferral)

router = command_router(
    "/job-referrals",
    ["job referrals"],
    {"referral_id": record_id()},
    [
        Command(
            "",
            h.make_referral,
            "Refer a person in difficulty to a job at an enterprise",
        ),
        Command(
            "/{referral_id}/outcome",
            h.record_referral_outcome,
            "Record whether the person was hired (once)",
        ),
    ],
    state=StateReads(h.REFERRAL, Answer, summary="A referral and its outcome"),
)
