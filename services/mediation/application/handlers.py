"""Command handlers: each runs the kernel's pipeline (govgrid.service.pipeline): role, the dispute,
the caller's jurisdiction over it, then the domain's decision, the append and the dispute index, all
in the command's one transaction.

A dispute's events carry the jurisdiction of its village on the day of the act (township, the
station covering the village that day, the village): responsibility follows the station's coverage.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.envelope import StreamNaming
from govgrid.reference.org import VILLAGE_KINDS
from govgrid.service import Aggregate
from govgrid.service import Target
from govgrid.service.clocks import RecordClocks
from services.mediation.application import commands as c
from services.mediation.application.index import due_body
from services.mediation.application.index import write_index
from services.mediation.application.unit_of_work import MediationUnitOfWork as Uow
from services.mediation.domain import clock
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import Registration

# Station and township officers (and the city) run mediations; village cadres register disputes, add
# parties and record sessions in their village.
WRITERS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER})
FIELD_RECORDERS = WRITERS | {Role.VILLAGE_CADRE}


async def dispute_jurisdiction(uow: Uow, dispute: Dispute, on: date) -> Jurisdiction:
    # An act dated before the dispute's latest act is refused by the rules (409); judge who may do it
    # on a day the dispute has reached, not on a mistyped day before its station covered the village.
    return await uow.orgs.jurisdiction_of(dispute.village_code, max(on, dispute.last_act_on))


DISPUTE = Aggregate("dispute", disputes.stream_id, disputes.evolve, dispute_jurisdiction)
# A dispute's deadline clocks (services/mediation/domain/clock.py), extended a rung above their owner.
DISPUTE_CLOCKS = RecordClocks(DISPUTE, StreamNaming("disputeclock"), clock.EVENTS, WRITERS, WRITERS)


async def record(t: Target[Dispute, Uow], events: Sequence[DomainEvent], *, on: date | None) -> CommandResult:
    level = t.loaded.state.level if t.loaded.state is not None else MediationLevel.VILLAGE
    recorded = await t.append(events, on=on)
    await DISPUTE_CLOCKS.bring(
        t,
        recorded.state.dispute_id,
        on,
        lambda c: clock.follow(c, events, level=level, calendar=DISPUTE_CLOCKS.calendar),
    )
    due = await write_index(t.uow.conn, recorded.state, recorded.version, t.jurisdiction, t.uow.ladder)
    # The dispute's state and when it is due to go up the ladder (as GET /disputes/{id} reads it).
    return recorded.answer(t.status_code, escalation_due=due_body(due))


async def decide(
    uow: Uow,
    ctx: CommandContext,
    dispute_id: str,
    roles: frozenset[Role],
    rule: Callable[..., Sequence[DomainEvent]],
    cmd: c.Command,
    *,
    on: date,
) -> CommandResult:
    """The act of a command whose fields are all its rule's arguments (the dispute and today aside):
    the caller allowed on the act's day ``on``, then the rule decides and its events are recorded."""
    t = await DISPUTE.act(uow, ctx, dispute_id, roles, on=on)
    return await record(t, rule(t.state, **dict(cmd), today=today_in_china()), on=on)


async def register(uow: Uow, ctx: CommandContext, cmd: c.RegisterDispute) -> CommandResult:
    where = uow.orgs.placement(cmd.village_code, *VILLAGE_KINDS, on=cmd.registered_on)
    dispute_id = uuid.uuid4().hex
    t = await DISPUTE.create(uow, ctx, dispute_id, FIELD_RECORDERS, where)
    grid = await uow.orgs.require(cmd.grid_code, OrgUnitKind.GRID) if cmd.grid_code else None
    events = disputes.register(
        t.loaded.state,
        Registration(dispute_id=dispute_id, **dict(cmd)),
        grid_parent_code=grid.parent_code if grid else None,
        today=today_in_china(),
    )
    return await record(t, events, on=cmd.registered_on)


async def add_parties(uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.AddParties) -> CommandResult:
    return await decide(uow, ctx, dispute_id, FIELD_RECORDERS, disputes.add_parties, cmd, on=cmd.added_on)


async def assign_mediators(
    uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.AssignMediators
) -> CommandResult:
    t = await DISPUTE.act(uow, ctx, dispute_id, WRITERS, on=cmd.assigned_on)
    suggested = await uow.mediators.suggested(t.state.village_code, t.jurisdiction.station, cmd.assigned_on)
    events = disputes.assign_mediators(
        t.state,
        officer=await uow.mediators.person(cmd.officer_person_id),
        cadre=await uow.mediators.person(cmd.cadre_person_id),
        suggested=suggested.person_ids,
        **dict(cmd),
        today=today_in_china(),
    )
    return await record(t, events, on=cmd.assigned_on)


async def record_session(
    uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.RecordSession
) -> CommandResult:
    return await decide(uow, ctx, dispute_id, FIELD_RECORDERS, disputes.hold_session, cmd, on=cmd.held_on)


async def record_agreement(
    uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.RecordAgreement
) -> CommandResult:
    return await decide(uow, ctx, dispute_id, WRITERS, disputes.reach_agreement, cmd, on=cmd.reached_on)


async def record_failure(
    uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.RecordFailure
) -> CommandResult:
    return await decide(uow, ctx, dispute_id, WRITERS, disputes.record_failure, cmd, on=cmd.failed_on)


async def escalate(uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.EscalateDispute) -> CommandResult:
    return await decide(uow, ctx, dispute_id, WRITERS, disputes.escalate, cmd, on=cmd.escalated_on)


async def close(uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.CloseDispute) -> CommandResult:
    return await decide(uow, ctx, dispute_id, WRITERS, disputes.close, cmd, on=cmd.closed_on)


async def record_follow_up(
    uow: Uow, ctx: CommandContext, dispute_id: str, cmd: c.RecordFollowUp
) -> CommandResult:
    return await decide(uow, ctx, dispute_id, WRITERS, disputes.follow_up, cmd, on=cmd.visited_on)
