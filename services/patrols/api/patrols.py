"""Patrols (巡逻): schedule, start, checkpoints, observations, completion or abort."""

from __future__ import annotations

from govgrid.service import Command, StateReads, command_router, record_id, state_response
from services.patrols.application import commands as c
from services.patrols.application import handlers as h
from services.patrols.domain.patrols import Patrol

Answer = state_response(Patrol)

router = command_router(
    "/patrols",
    ["patrols"],
    {"patrol_id": record_id()},
    [
        Command("", c.SchedulePatrol, h.schedule_patrol, "Schedule a patrol of a team", Answer, 201),
        Command(
            "/{patrol_id}/start",
            c.StartPatrol,
            h.start_patrol,
            "Start the patrol: who takes part (members of the team that day)",
            Answer,
        ),
        Command(
            "/{patrol_id}/checkpoints",
            c.VisitCheckpoint,
            h.visit_checkpoint,
            "A checkpoint visited: a grid the station covers",
            Answer,
        ),
        Command(
            "/{patrol_id}/observations",
            c.RecordObservation,
            h.record_observation,
            "Something seen on the way: a hazard, suspicious, a dispute",
            Answer,
        ),
        Command(
            "/{patrol_id}/complete",
            c.CompletePatrol,
            h.complete_patrol,
            "Complete the patrol (duration from its start, distance)",
            Answer,
        ),
        Command(
            "/{patrol_id}/abort",
            c.AbortPatrol,
            h.abort_patrol,
            "Call off a scheduled patrol or break off a started one",
            Answer,
        ),
    ],
    # A patrol's checkpoints are filed under their grid's township and village as well as the
    # station: whoever one of its events concerns sees it, and that does not change as it moves on.
    state=StateReads(h.PATROL, Answer, any_event=True),
)
