"""Command handlers: load the aggregates a command needs, let the domain decide, append the events.

Each handler runs inside one transaction (govgrid.commands.PostgresCommandRunner). Writers are city
admins and station officers, the latter for their own station's records only: the caller's
jurisdiction is checked against the record touched (its station), not just the route.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Protocol, TypeVar

from govgrid.aggregate import Evolve, Loaded, append_to, fold, load, state_body
from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.patrols import OfficerMember
from govgrid.china_time import china_day
from govgrid.commands import CommandContext, CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from services.patrols.application import commands as c
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.domain import clearance, patrols, teams
from services.patrols.domain.clearance import Results
from services.patrols.domain.rules import Place

WRITERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
AREA_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY, OrgUnitKind.GRID)


class StationOwned(Protocol):
    @property
    def station_code(self) -> str: ...


S = TypeVar("S", bound=StationOwned)


def station_jurisdiction(station_code: str) -> Jurisdiction:
    return Jurisdiction(station=station_code)


async def load_to_change(
    uow: PatrolsUnitOfWork, ctx: CommandContext, stream_id: str, evolve: Evolve[S], kind: str, ident: str
) -> tuple[Loaded[S], S]:
    """The record named in the URL (404 if none), if the caller may change its station's records."""
    ctx.require_role(WRITERS)
    loaded = await load(uow.events, stream_id, evolve)
    state = loaded.require(kind, ident)
    ctx.principal.ensure_can_change(station_jurisdiction(state.station_code))
    return loaded, state


async def place(
    uow: PatrolsUnitOfWork, code: str, on: date, *kinds: OrgUnitKind
) -> tuple[Place, Jurisdiction]:
    """A unit of one of ``kinds`` named in a body (409 if unknown or of another kind), with the
    station covering it on ``on`` and the jurisdiction of what happens there."""
    await uow.orgs.require(code, *kinds)
    jurisdiction = await uow.orgs.jurisdiction_of(code, on)
    return Place(code, jurisdiction.station), jurisdiction


# ---------------------------------------------------------------- patrol teams


async def load_team(uow: PatrolsUnitOfWork, team_id: str) -> Loaded[teams.PatrolTeam]:
    return await load(uow.events, teams.stream_id(team_id), teams.evolve)


async def team_to_change(
    uow: PatrolsUnitOfWork, ctx: CommandContext, team_id: str
) -> tuple[Loaded[teams.PatrolTeam], teams.PatrolTeam]:
    return await load_to_change(uow, ctx, teams.stream_id(team_id), teams.evolve, "patrol team", team_id)


async def form_team(uow: PatrolsUnitOfWork, ctx: CommandContext, cmd: c.FormTeam) -> CommandResult:
    ctx.require_role(WRITERS)
    jurisdiction = station_jurisdiction(cmd.station_code)
    ctx.principal.ensure_can_change(jurisdiction)
    await uow.orgs.require(cmd.station_code, OrgUnitKind.POLICE_STATION)
    team_id = uuid.uuid4().hex
    loaded = await load_team(uow, team_id)
    events = teams.form(
        team_id=team_id, station_code=cmd.station_code, name=cmd.name, formed_on=cmd.formed_on
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.formed_on)
    return CommandResult(201, state_body(teams.evolve(None, events[0]), version))


async def join_team(
    uow: PatrolsUnitOfWork, ctx: CommandContext, team_id: str, cmd: c.JoinTeam
) -> CommandResult:
    loaded, team = await team_to_change(uow, ctx, team_id)
    member = cmd.member
    officer = await uow.officer(member.person_id) if isinstance(member, OfficerMember) else None
    events = teams.join(team, member, joined_on=cmd.joined_on, officer=officer)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(team.station_code), on=cmd.joined_on
    )
    return CommandResult(200, state_body(fold(teams.evolve, events, team), version))


async def leave_team(
    uow: PatrolsUnitOfWork, ctx: CommandContext, team_id: str, member_id: str, cmd: c.LeaveTeam
) -> CommandResult:
    loaded, team = await team_to_change(uow, ctx, team_id)
    events = teams.leave(team, member_id, left_on=cmd.left_on)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(team.station_code), on=cmd.left_on
    )
    return CommandResult(200, state_body(fold(teams.evolve, events, team), version))


async def disband_team(
    uow: PatrolsUnitOfWork, ctx: CommandContext, team_id: str, cmd: c.DisbandTeam
) -> CommandResult:
    loaded, team = await team_to_change(uow, ctx, team_id)
    events = teams.disband(team, disbanded_on=cmd.disbanded_on)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(team.station_code), on=cmd.disbanded_on
    )
    return CommandResult(200, state_body(fold(teams.evolve, events, team), version))


# ---------------------------------------------------------------- patrols


async def load_patrol(uow: PatrolsUnitOfWork, patrol_id: str) -> Loaded[patrols.Patrol]:
    return await load(uow.events, patrols.stream_id(patrol_id), patrols.evolve)


async def patrol_to_change(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str
) -> tuple[Loaded[patrols.Patrol], patrols.Patrol]:
    return await load_to_change(uow, ctx, patrols.stream_id(patrol_id), patrols.evolve, "patrol", patrol_id)


async def schedule_patrol(
    uow: PatrolsUnitOfWork, ctx: CommandContext, cmd: c.SchedulePatrol
) -> CommandResult:
    ctx.require_role(WRITERS)
    team = (await load_team(uow, cmd.team_id)).state
    if team is None:  # named in the body: the request is fine, the world is not
        raise RuleBroken("unknown_team", f"no patrol team {cmd.team_id!r}")
    jurisdiction = station_jurisdiction(team.station_code)
    ctx.principal.ensure_can_change(jurisdiction)
    patrol_id = uuid.uuid4().hex
    loaded = await load_patrol(uow, patrol_id)
    events = patrols.schedule(
        team,
        patrol_id=patrol_id,
        planned_start=cmd.planned_start,
        planned_end=cmd.planned_end,
        note=cmd.note,
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(patrols.evolve(None, events[0]), version))


async def start_patrol(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str, cmd: c.StartPatrol
) -> CommandResult:
    loaded, patrol = await patrol_to_change(uow, ctx, patrol_id)
    team = (await load_team(uow, patrol.team_id)).require("patrol team", patrol.team_id)
    events = patrols.start(patrol, team, started_at=cmd.started_at, participant_ids=cmd.participant_ids)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(patrol.station_code), cmd.started_at
    )
    return CommandResult(200, state_body(fold(patrols.evolve, events, patrol), version))


async def visit_checkpoint(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str, cmd: c.VisitCheckpoint
) -> CommandResult:
    loaded, patrol = await patrol_to_change(uow, ctx, patrol_id)
    grid, jurisdiction = await place(uow, cmd.grid_code, china_day(cmd.visited_at), OrgUnitKind.GRID)
    events = patrols.visit_checkpoint(
        patrol, grid, visited_at=cmd.visited_at, latitude=cmd.latitude, longitude=cmd.longitude
    )
    # Filed under the grid's township and village too: their officers see the patrol passed by.
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, cmd.visited_at)
    return CommandResult(200, state_body(fold(patrols.evolve, events, patrol), version))


async def record_observation(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str, cmd: c.RecordObservation
) -> CommandResult:
    loaded, patrol = await patrol_to_change(uow, ctx, patrol_id)
    grid: Place | None = None
    jurisdiction = station_jurisdiction(patrol.station_code)
    if cmd.grid_code is not None:
        grid, jurisdiction = await place(uow, cmd.grid_code, china_day(cmd.observed_at), OrgUnitKind.GRID)
    events = patrols.record_observation(
        patrol, grid, category=cmd.category, note=cmd.note, observed_at=cmd.observed_at
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, cmd.observed_at)
    return CommandResult(200, state_body(fold(patrols.evolve, events, patrol), version))


async def complete_patrol(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str, cmd: c.CompletePatrol
) -> CommandResult:
    loaded, patrol = await patrol_to_change(uow, ctx, patrol_id)
    events = patrols.complete(patrol, completed_at=cmd.completed_at, distance_km=cmd.distance_km)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(patrol.station_code), cmd.completed_at
    )
    return CommandResult(200, state_body(fold(patrols.evolve, events, patrol), version))


async def abort_patrol(
    uow: PatrolsUnitOfWork, ctx: CommandContext, patrol_id: str, cmd: c.AbortPatrol
) -> CommandResult:
    loaded, patrol = await patrol_to_change(uow, ctx, patrol_id)
    events = patrols.abort(patrol, aborted_at=cmd.aborted_at, reason=cmd.reason)
    version = await append_to(
        uow.events, ctx, loaded, events, station_jurisdiction(patrol.station_code), cmd.aborted_at
    )
    return CommandResult(200, state_body(fold(patrols.evolve, events, patrol), version))


# ---------------------------------------------------------------- clearance operations


def _common(codes: list[str | None]) -> str | None:
    """The one code all places share, else None."""
    return codes[0] if len(set(codes)) == 1 else None


async def operation_to_change(
    uow: PatrolsUnitOfWork, ctx: CommandContext, operation_id: str
) -> tuple[Loaded[clearance.ClearanceOperation], clearance.ClearanceOperation]:
    return await load_to_change(
        uow, ctx, clearance.stream_id(operation_id), clearance.evolve, "clearance operation", operation_id
    )


async def plan_clearance(
    uow: PatrolsUnitOfWork, ctx: CommandContext, cmd: c.PlanClearanceOperation
) -> CommandResult:
    ctx.require_role(WRITERS)
    ctx.principal.ensure_can_change(station_jurisdiction(cmd.station_code))
    await uow.orgs.require(cmd.station_code, OrgUnitKind.POLICE_STATION)
    found = [await place(uow, code, cmd.planned_on, *AREA_KINDS) for code in cmd.area_codes]
    operation_id = uuid.uuid4().hex
    loaded = await load(uow.events, clearance.stream_id(operation_id), clearance.evolve)
    events = clearance.plan(
        operation_id=operation_id,
        station_code=cmd.station_code,
        focus=cmd.focus,
        planned_on=cmd.planned_on,
        area=[area for area, _ in found],
    )
    # The township and village too when the whole area lies in one of them.
    jurisdiction = Jurisdiction(
        township=_common([j.township for _, j in found]),
        station=cmd.station_code,
        village=_common([j.village for _, j in found]),
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(clearance.evolve(None, events[0]), version))


async def _change_operation(
    uow: PatrolsUnitOfWork,
    ctx: CommandContext,
    loaded: Loaded[clearance.ClearanceOperation],
    events: list[DomainEvent],
    on: date,
) -> CommandResult:
    assert loaded.state is not None and loaded.jurisdiction is not None
    # Every event of an operation keeps the jurisdiction its plan was filed under.
    version = await append_to(uow.events, ctx, loaded, events, loaded.jurisdiction, on=on)
    return CommandResult(200, state_body(fold(clearance.evolve, events, loaded.state), version))


async def carry_out_clearance(
    uow: PatrolsUnitOfWork, ctx: CommandContext, operation_id: str, cmd: c.CarryOutClearanceOperation
) -> CommandResult:
    loaded, operation = await operation_to_change(uow, ctx, operation_id)
    results = Results(
        places_checked=cmd.places_checked,
        people_checked=cmd.people_checked,
        officers_deployed=cmd.officers_deployed,
        volunteers_deployed=cmd.volunteers_deployed,
        findings=tuple(cmd.findings),
    )
    events = clearance.carry_out(operation, carried_out_on=cmd.carried_out_on, results=results)
    return await _change_operation(uow, ctx, loaded, events, cmd.carried_out_on)


async def close_clearance(
    uow: PatrolsUnitOfWork, ctx: CommandContext, operation_id: str, cmd: c.CloseClearanceOperation
) -> CommandResult:
    loaded, operation = await operation_to_change(uow, ctx, operation_id)
    events = clearance.close(operation, closed_on=cmd.closed_on, summary=cmd.summary)
    return await _change_operation(uow, ctx, loaded, events, cmd.closed_on)


async def cancel_clearance(
    uow: PatrolsUnitOfWork, ctx: CommandContext, operation_id: str, cmd: c.CancelClearanceOperation
) -> CommandResult:
    loaded, operation = await operation_to_change(uow, ctx, operation_id)
    events = clearance.cancel(operation, cancelled_on=cmd.cancelled_on, reason=cmd.reason)
    return await _change_operation(uow, ctx, loaded, events, cmd.cancelled_on)
