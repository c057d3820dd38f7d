"""Clearance operations (清查行动): plan, carry out, close, or cancel."""

from __future__ import annotations

from govgrid.service import Command, StateReads, command_router, record_id, state_response
from services.patrols.application import commands as c
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
            c.PlanClearanceOperation,
            h.plan_clearance,
            "Plan a clearance operation over villages or grids of the station",
            Answer,
            201,
        ),
        Command(
            "/{operation_id}/carry-out",
            c.CarryOutClearanceOperation,
            h.carry_out_clearance,
            "Record the operation's results: places, people, findings",
            Answer,
        ),
        Command(
            "/{operation_id}/close",
            c.CloseClearanceOperation,
            h.close_clearance,
            "Close a carried-out operation",
            Answer,
        ),
        Command(
            "/{operation_id}/cancel",
            c.CancelClearanceOperation,
            h.cancel_clearance,
            "Cancel a planned operation that will not be carried out",
            Answer,
        ),
    ],
    state=StateReads(h.OPERATION, Answer),
)
