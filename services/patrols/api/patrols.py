"""Patrols (巡逻): schedule, start, checkpoints, observations, completion or abort."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.patrols.application import handlers as h
from services.patrols.domain.patrols import Patrol

Answer = state_response(Patrol)

router = command_router(
    "/patrols",
    ["patrols"],
    {"patrol_id": record_id()},
    [
        Command(
            "",
            h.schedule_patrol,
            "Schedule a patrol of a team",
        ),
        Command(
            "/{patrol_id}/start",
            h.start_patrol,
            "Start the patrol: who takes part (members of the team that day)",
        ),
        Command(
            "/{patrol_id}/checkpoints",
            h.visit_checkpoint,
            "A checkpoint visited: a grid the station covers",
        ),
        Command(
            "/{patrol_id}/observations",
            h.record_observation,
            "Something seen on the way: a hazard, suspicious, a dispute",
        ),
        Command(
            "/{patrol_id}/complete",
            h.complete_patrol,
            "Complete the patrol (duration from its start, distance)",
        ),
        Command(
            "/{patrol_id}/abort",
            h.abort_patrol,
            "Call off a scheduled patrol or break off a started one",
        ),
    ],
    # A patrol's checkpoints are filed under their grid's township and village as well as the
    # station: whoever one of its events concerns sees it, and that does not change as it moves on.
    state=StateReads(h.PATROL, Answer, any_event=True),
)
