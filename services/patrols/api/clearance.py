"""Clearance operations (清查行动): plan, carry out, close, or cancel."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.patrols.application import handlers as h
from services.patrols.domain.clearance import ClearanceOperation

Answer = state_response(ClearanceOperation)

router = command_router(
    "/clearance-operations",
    ["clearance operations"],
    {"operation_id": record_id()},
    [
        Command(
            "",
            h.plan_clearance,
            "Plan a clearance operation over villages or grids of the station",
        ),
        Command(
            "/{operation_id}/carry-out",
            h.carry_out_clearance,
            "Record the operation's results: places, people, findings",
        ),
        Command(
            "/{operation_id}/close",
            h.close_clearance,
            "Close a carried-out operation",
        ),
        Command(
            "/{operation_id}/cancel",
            h.cancel_clearance,
            "Cancel a planned operation that will not be carried out",
        ),
    ],
    state=StateReads(h.OPERATION, Answer),
)
