"""Enterprises visited by officers ("百警进百企") and offering jobs."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import Import
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import registry_code
from govgrid.service import state_response
from services.outreach.api.reads import placed_today
from services.outreach.application import handlers as h
from services.outreach.application import imports
from services.outreach.domain.enterprises import Enterprise

Answer = state_response(Enterprise)

router = command_router(
    "/enterprises",
    ["enterprises"],
    {"code": registry_code()},
    [
        Command(
            "",
            h.register_enterprise,
            "Register an enterprise in its village or community",
        ),
        Import(
            "/import",
            imports.EnterpriseRow,
            imports.import_enterprises,
            "Register enterprises from CSV or JSON (all rows or none; re-importing changes nothing)",
        ),
    ],
    state=StateReads(h.ENTERPRISE, Answer, visible=placed_today, summary="A registered enterprise"),
)
