"""Patrol teams: officers and party-member volunteers of a station."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.patrols.application import handlers as h
from services.patrols.domain.teams import PatrolTeam

Answer = state_response(PatrolTeam)
IDS = {
    "team_id": record_id(),
    "member_id": record_id(),
}

router = command_router(
    "/teams",
    ["patrol teams"],
    IDS,
    [
        Command(
            "",
            h.form_team,
            "Form a patrol team at a police station",
        ),
        Command(
            "/{team_id}/members",
            h.join_team,
            "An officer of the station or a volunteer joins the team",
        ),
        Command(
            "/{team_id}/members/{member_id}/leave",
            h.leave_team,
            "A member leaves the team",
        ),
        Command(
            "/{team_id}/disband",
            h.disband_team,
            "Disband the team (every remaining member leaves that day)",
        ),
    ],
    state=StateReads(h.TEAM, Answer),
)
