"""Enterprise-related cases (涉企案件), tracked until handled."""

from __future__ import annotations

from govgrid.service import Command, StateReads, command_router, record_id, state_response
from services.outreach.application import commands as c
from services.outreach.application import handlers as h
from services.outreach.domain.cases import EnterpriseCase

Answer = state_response(EnterpriseCase)

router = command_router(
    "/enterprise-cases",
    ["enterprise cases"],
    {"case_id": record_id()},
    [
        Command("", c.OpenEnterpriseCase, h.open_case, "Open an enterprise-related case", Answer, 201),
        Command(
            "/{case_id}/handle",
            c.HandleEnterpriseCase,
            h.handle_case,
            "The case is handled (nothing changes afterwards)",
            Answer,
        ),
    ],
    state=StateReads(h.CASE, Answer, summary="A case; once handled, with how many days the handling took"),
)
