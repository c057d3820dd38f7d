"""Schools served by household-registration drives."""

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
from services.outreach.domain.schools import School

Answer = state_response(School)

router = command_router(
    "/schools",
    ["schools"],
    {"code": registry_code()},
    [
        Command(
            "",
            h.register_school,
            "Register a school in its village or community",
        ),
        Import(
            "/import",
            imports.SchoolRow,
            imports.import_schools,
            "Register schools from CSV or JSON (all rows or none; re-importing changes nothing)",
        ),
    ],
    state=StateReads(h.SCHOOL, Answer, visible=placed_today, summary="A registered school"),
)
