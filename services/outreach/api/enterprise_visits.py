"""Enterprise visits ("百警进百企") and their follow-up actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.outreach.application import handlers as h
from services.outreach.domain.enterprise_visits import EnterpriseVisit

Answer = state_response(EnterpriseVisit)

router = command_router(
    "/enterprise-visits",
    ["enterprise visits"],
    {
        "visit_id": record_id(),
        "action_no": Annotated[int, Path(ge=1, le=1000)],
    },
    [
        Command(
            "",
            h.record_enterprise_visit,
            "Record an officer's visit to an enterprise, its findings and follow-ups",
        ),
        Command(
            "/{visit_id}/follow-ups",
            h.plan_follow_up,
            "Plan one more follow-up action, due after the visit",
        ),
        Command(
            "/{visit_id}/follow-ups/{action_no}/complete",
            h.complete_follow_up,
            "A follow-up action is done",
        ),
    ],
    state=StateReads(h.VISIT, Answer, summary="A visit with its follow-up actions"),
)
