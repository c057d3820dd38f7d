"""Patrol teams: officers and party-member volunteers of a station."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.patrols.api.dependencies import Service
from services.patrols.application import commands as c
from services.patrols.application import handlers
from services.patrols.domain import teams

router = APIRouter(prefix="/teams", tags=["patrol teams"])

TeamId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
MemberId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("", status_code=201, summary="Form a patrol team at a police station")
async def form(
    body: c.FormTeam, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        "POST /teams",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.form_team(uow, ctx, body),
    )


@router.get("/{team_id}", summary="Current state of a patrol team, with its membership periods")
async def get(principal: CurrentPrincipal, service: Service, team_id: str = TeamId) -> dict[str, Any]:
    return await read_state(
        service.events, principal, teams.stream_id(team_id), teams.evolve, "patrol team", team_id
    )


@router.get("/{team_id}/history", summary="Every event of a patrol team (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, team_id: str = TeamId
) -> list[dict[str, Any]]:
    return await read_history(service.events, principal, teams.stream_id(team_id), "patrol team", team_id)


@router.post("/{team_id}/members", summary="An officer of the station or a volunteer joins the team")
async def join(
    body: c.JoinTeam,
    principal: CurrentPrincipal,
    service: Service,
    team_id: str = TeamId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /teams/{team_id}/members",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.join_team(uow, ctx, team_id, body),
    )


@router.post("/{team_id}/members/{member_id}/leave", summary="A member leaves the team")
async def leave(
    body: c.LeaveTeam,
    principal: CurrentPrincipal,
    service: Service,
    team_id: str = TeamId,
    member_id: str = MemberId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /teams/{team_id}/members/{member_id}/leave",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.leave_team(uow, ctx, team_id, member_id, body),
    )


@router.post("/{team_id}/disband", summary="Disband the team (every remaining member leaves that day)")
async def disband(
    body: c.DisbandTeam,
    principal: CurrentPrincipal,
    service: Service,
    team_id: str = TeamId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /teams/{team_id}/disband",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.disband_team(uow, ctx, team_id, body),
    )
