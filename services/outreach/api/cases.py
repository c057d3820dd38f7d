"""Enterprise-related cases (涉企案件), tracked until handled."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.outreach.application import handlers as h
from services.outreach.domain.cases import EnterpriseCase

Answer = state_response(EnterpriseCase)

router = command_router(
    "/enterprise-cases",
    ["enterprise cases"],
    {"case_id": record_id()},
    [
        Command(
            "",
            h.open_case,
            "Open an enterprise-related case",
        ),
        Command(
            "/{case_id}/handle",
            h.handle_case,
            "The case is handled (nothing changes afterwards)",
        ),
    ],
    state=StateReads(h.CASE, Answer, summary="A case; once handled, with how many days the handling took"),
)
