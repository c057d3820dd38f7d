"""Command handlers: each runs the kernel's pipeline (govgrid.service.pipeline): role, the record,
the caller's jurisdiction over it, then the domain's decision and the append, in one transaction.

Writers are city admins and station officers, the latter for their own station's records only: the
jurisdiction is checked against the record touched (its station), not just the route.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from govgrid.auth import Role
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.patrols import OfficerMember
from govgrid.china_time import china_day
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.service import Aggregate
from services.patrols.application import commands as c
from services.patrols.application.unit_of_work import PatrolsUnitOfWork as Uow
from services.patrols.domain import clearance
from services.patrols.domain import patrols
from services.patrols.domain import teams
from services.patrols.domain.clearance import Results
from services.patrols.domain.rules import Place

WRITERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
AREA_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY, OrgUnitKind.GRID)


def station_jurisdiction(station_code: str) -> Jurisdiction:
    return Jurisdiction(station=station_code)


async def station_of(uow: Uow, record: Any, on: date) -> Jurisdiction:
    """A team, patrol or operation belongs to its station."""
    return station_jurisdiction(record.station_code)


TEAM = Aggregate("patrol team", teams.stream_id, teams.evolve, station_of)
PATROL = Aggregate("patrol", patrols.stream_id, patrols.evolve, station_of)
OPERATION = Aggregate("clearance operation", clearance.stream_id, clearance.evolve, station_of)


async def place(uow: Uow, code: str, on: date, *kinds: OrgUnitKind) -> tuple[Place, Jurisdiction]:
    """A unit of one of ``kinds`` named in a body (409 if unknown or of another kind), with the
    station covering it on ``on`` and the jurisdiction of what happens there."""
    jurisdiction = await uow.orgs.jurisdiction_at(code, *kinds, on=on)
    return Place(code, jurisdiction.station), jurisdiction


# ---------------------------------------------------------------- patrol teams


async def form_team(uow: Uow, ctx: CommandContext, cmd: c.FormTeam) -> CommandResult:
    team_id = uuid.uuid4().hex
    t = await TEAM.create(uow, ctx, team_id, WRITERS, uow.orgs.station_placement(cmd.station_code))
    return await t.record(teams.form(team_id=team_id, **dict(cmd)), on=cmd.formed_on)


async def join_team(uow: Uow, ctx: CommandContext, team_id: str, cmd: c.JoinTeam) -> CommandResult:
    t = await TEAM.act(uow, ctx, team_id, WRITERS)
    member = cmd.member
    officer = await uow.officer(member.person_id) if isinstance(member, OfficerMember) else None
    return await t.record(teams.join(t.state, **dict(cmd), officer=officer), on=cmd.joined_on)


async def leave_team(
    uow: Uow, ctx: CommandContext, team_id: str, member_id: str, cmd: c.LeaveTeam
) -> CommandResult:
    t = await TEAM.act(uow, ctx, team_id, WRITERS)
    return await t.record(teams.leave(t.state, member_id, left_on=cmd.left_on), on=cmd.left_on)


async def disband_team(uow: Uow, ctx: CommandContext, team_id: str, cmd: c.DisbandTeam) -> CommandResult:
    return await TEAM.decide(uow, ctx, team_id, WRITERS, teams.disband, cmd, on=cmd.disbanded_on)


# ---------------------------------------------------------------- patrols


async def schedule_patrol(uow: Uow, ctx: CommandContext, cmd: c.SchedulePatrol) -> CommandResult:
    async def where() -> Jurisdiction:
        return station_jurisdiction((await TEAM.named(uow, cmd.team_id, "unknown_team")).station_code)

    patrol_id = uuid.uuid4().hex
    t = await PATROL.create(uow, ctx, patrol_id, WRITERS, where)
    events = patrols.schedule(
        await TEAM.named(uow, cmd.team_id, "unknown_team"),
        patrol_id=patrol_id,
        planned_start=cmd.planned_start,
        planned_end=cmd.planned_end,
        note=cmd.note,
    )
    return await t.record(events)


async def start_patrol(uow: Uow, ctx: CommandContext, patrol_id: str, cmd: c.StartPatrol) -> CommandResult:
    t = await PATROL.act(uow, ctx, patrol_id, WRITERS)
    team = (await TEAM.load(uow, t.state.team_id)).require("patrol team", t.state.team_id)
    events = patrols.start(t.state, team, started_at=cmd.started_at, participant_ids=cmd.participant_ids)
    return await t.record(events, on=cmd.started_at)


async def visit_checkpoint(
    uow: Uow, ctx: CommandContext, patrol_id: str, cmd: c.VisitCheckpoint
) -> CommandResult:
    t = await PATROL.act(uow, ctx, patrol_id, WRITERS)
    grid, jurisdiction = await place(uow, cmd.grid_code, china_day(cmd.visited_at), OrgUnitKind.GRID)
    events = patrols.visit_checkpoint(
        t.state, grid, visited_at=cmd.visited_at, latitude=cmd.latitude, longitude=cmd.longitude
    )
    # Filed under the grid's township and village too: their officers see the patrol passed by.
    return await t.record(events, on=cmd.visited_at, jurisdiction=jurisdiction)


async def record_observation(
    uow: Uow, ctx: CommandContext, patrol_id: str, cmd: c.RecordObservation
) -> CommandResult:
    t = await PATROL.act(uow, ctx, patrol_id, WRITERS)
    grid, jurisdiction = (
        await place(uow, cmd.grid_code, china_day(cmd.observed_at), OrgUnitKind.GRID)
        if cmd.grid_code is not None
        else (None, None)
    )
    events = patrols.record_observation(
        t.state, grid, category=cmd.category, note=cmd.note, observed_at=cmd.observed_at
    )
    return await t.record(events, on=cmd.observed_at, jurisdiction=jurisdiction)


async def complete_patrol(
    uow: Uow, ctx: CommandContext, patrol_id: str, cmd: c.CompletePatrol
) -> CommandResult:
    return await PATROL.decide(uow, ctx, patrol_id, WRITERS, patrols.complete, cmd, on=cmd.completed_at)


async def abort_patrol(uow: Uow, ctx: CommandContext, patrol_id: str, cmd: c.AbortPatrol) -> CommandResult:
    return await PATROL.decide(uow, ctx, patrol_id, WRITERS, patrols.abort, cmd, on=cmd.aborted_at)


# ---------------------------------------------------------------- clearance operations


def _common(codes: list[str | None]) -> str | None:
    """The one code all places share, else None."""
    return codes[0] if len(set(codes)) == 1 else None


async def plan_clearance(uow: Uow, ctx: CommandContext, cmd: c.PlanClearanceOperation) -> CommandResult:
    async def where() -> Jurisdiction:
        # The township and village too when the whole area lies in one of them.
        jurisdictions = [j for _, j in await areas()]
        return Jurisdiction(
            township=_common([j.township for j in jurisdictions]),
            station=cmd.station_code,
            village=_common([j.village for j in jurisdictions]),
        )

    async def areas() -> list[tuple[Place, Jurisdiction]]:
        # The station's officers plan its operations: checked before the area's codes are looked up.
        ctx.principal.ensure_can_change(station_jurisdiction(cmd.station_code))
        await uow.orgs.require(cmd.station_code, OrgUnitKind.POLICE_STATION)
        return [await place(uow, code, cmd.planned_on, *AREA_KINDS) for code in cmd.area_codes]

    operation_id = uuid.uuid4().hex
    t = await OPERATION.create(uow, ctx, operation_id, WRITERS, where)
    events = clearance.plan(
        operation_id=operation_id,
        station_code=cmd.station_code,
        focus=cmd.focus,
        planned_on=cmd.planned_on,
        area=[area for area, _ in await areas()],
    )
    return await t.record(events)


async def carry_out_clearance(
    uow: Uow, ctx: CommandContext, operation_id: str, cmd: c.CarryOutClearanceOperation
) -> CommandResult:
    t = await OPERATION.act(uow, ctx, operation_id, WRITERS)
    results = Results(
        places_checked=cmd.places_checked,
        people_checked=cmd.people_checked,
        officers_deployed=cmd.officers_deployed,
        volunteers_deployed=cmd.volunteers_deployed,
        findings=tuple(cmd.findings),
    )
    events = clearance.carry_out(t.state, carried_out_on=cmd.carried_out_on, results=results)
    # Every event of an operation keeps the jurisdiction its plan was filed under.
    return await t.record(events, on=cmd.carried_out_on, jurisdiction=t.loaded.jurisdiction)


async def close_clearance(
    uow: Uow, ctx: CommandContext, operation_id: str, cmd: c.CloseClearanceOperation
) -> CommandResult:
    t = await OPERATION.act(uow, ctx, operation_id, WRITERS)
    events = clearance.close(t.state, closed_on=cmd.closed_on, summary=cmd.summary)
    return await t.record(events, on=cmd.closed_on, jurisdiction=t.loaded.jurisdiction)


async def cancel_clearance(
    uow: Uow, ctx: CommandContext, operation_id: str, cmd: c.CancelClearanceOperation
) -> CommandResult:
    t = await OPERATION.act(uow, ctx, operation_id, WRITERS)
    events = clearance.cancel(t.state, cancelled_on=cmd.cancelled_on, reason=cmd.reason)
    return await t.record(events, on=cmd.cancelled_on, jurisdiction=t.loaded.jurisdiction)
