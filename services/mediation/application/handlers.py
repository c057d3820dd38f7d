"""Command handlers: load the dispute, check role and jurisdiction, let the domain decide, append the
events and update the dispute index, all in the command's one transaction.

A dispute's events carry the jurisdiction of its village on the day of the act (township, the
station covering the village that day, the village): responsibility follows the station's coverage.
The caller must have that jurisdiction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from govgrid.aggregate import Loaded, append_to, fold, load, state_body
from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext, CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.reference.org import VILLAGE_KINDS
from services.mediation.application import commands as c
from services.mediation.application.index import due_body, write_index
from services.mediation.application.unit_of_work import MediationUnitOfWork
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Dispute, Registration

# Station and township officers (and the city) run mediations; village cadres register disputes, add
# parties and record sessions in their village.
WRITERS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER})
FIELD_RECORDERS = WRITERS | {Role.VILLAGE_CADRE}


async def load_dispute(uow: MediationUnitOfWork, dispute_id: str) -> Loaded[Dispute]:
    return await load(uow.events, disputes.stream_id(dispute_id), disputes.evolve)


async def record(
    uow: MediationUnitOfWork,
    ctx: CommandContext,
    loaded: Loaded[Dispute],
    events: list[DomainEvent],
    jurisdiction: Jurisdiction,
    *,
    on: date | None,
    status_code: int = 200,
) -> CommandResult:
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=on)
    dispute = fold(disputes.evolve, events, loaded.state)
    assert dispute is not None
    due = await write_index(uow.conn, dispute, version, jurisdiction, uow.ladder)
    # The dispute's state and when it is due to go up the ladder (as GET /disputes/{id} reads it).
    return CommandResult(status_code, {**state_body(dispute, version), "escalation_due": due_body(due)})


@dataclass(frozen=True)
class Target:
    """The dispute a command acts on, with the jurisdiction its new events will carry."""

    loaded: Loaded[Dispute]
    dispute: Dispute
    jurisdiction: Jurisdiction


async def target(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, roles: frozenset[Role], on: date
) -> Target:
    ctx.require_role(roles)
    loaded = await load_dispute(uow, dispute_id)
    dispute = loaded.require("dispute", dispute_id)
    # An act dated before the dispute's latest act is refused by the rules (409); judge who may do it
    # on a day the dispute has reached, not on a mistyped day before its station covered the village.
    jurisdiction = await uow.orgs.jurisdiction_of(dispute.village_code, max(on, dispute.last_act_on))
    ctx.principal.ensure_can_change(jurisdiction)
    return Target(loaded, dispute, jurisdiction)


async def register(uow: MediationUnitOfWork, ctx: CommandContext, cmd: c.RegisterDispute) -> CommandResult:
    ctx.require_role(FIELD_RECORDERS)
    village = await uow.orgs.require(cmd.village_code, *VILLAGE_KINDS)
    grid = await uow.orgs.require(cmd.grid_code, OrgUnitKind.GRID) if cmd.grid_code else None
    jurisdiction = await uow.orgs.jurisdiction_of(village.code, cmd.registered_on)
    ctx.principal.ensure_can_change(jurisdiction)
    dispute_id = uuid.uuid4().hex
    loaded = await load_dispute(uow, dispute_id)
    events = disputes.register(
        loaded.state,
        Registration(dispute_id=dispute_id, **dict(cmd)),
        grid_parent_code=grid.parent_code if grid else None,
        today=today_in_china(),
    )
    return await record(uow, ctx, loaded, events, jurisdiction, on=cmd.registered_on, status_code=201)


async def add_parties(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.AddParties
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, FIELD_RECORDERS, today_in_china())
    events = disputes.add_parties(t.dispute, cmd.parties)
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=None)


async def assign_mediators(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.AssignMediators
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.assigned_on)
    suggested = await uow.mediators.suggested(t.dispute.village_code, t.jurisdiction.station, cmd.assigned_on)
    events = disputes.assign_mediators(
        t.dispute,
        officer=await uow.mediators.person(cmd.officer_person_id),
        cadre=await uow.mediators.person(cmd.cadre_person_id),
        officer_person_id=cmd.officer_person_id,
        cadre_person_id=cmd.cadre_person_id,
        suggested=suggested.person_ids,
        assigned_on=cmd.assigned_on,
        today=today_in_china(),
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.assigned_on)


async def record_session(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.RecordSession
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, FIELD_RECORDERS, cmd.held_on)
    events = disputes.hold_session(
        t.dispute,
        held_on=cmd.held_on,
        parties_present=cmd.parties_present,
        officials_present=cmd.officials_present,
        others_present=cmd.others_present,
        summary=cmd.summary,
        today=today_in_china(),
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.held_on)


async def record_agreement(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.RecordAgreement
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.reached_on)
    events = disputes.reach_agreement(
        t.dispute, reached_on=cmd.reached_on, terms=cmd.terms, today=today_in_china()
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.reached_on)


async def record_failure(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.RecordFailure
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.failed_on)
    events = disputes.record_failure(
        t.dispute, failed_on=cmd.failed_on, reason=cmd.reason, today=today_in_china()
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.failed_on)


async def escalate(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.EscalateDispute
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.escalated_on)
    events = disputes.escalate(
        t.dispute, to_level=cmd.to_level, escalated_on=cmd.escalated_on, note=cmd.note, today=today_in_china()
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.escalated_on)


async def close(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.CloseDispute
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.closed_on)
    events = disputes.close(
        t.dispute, outcome=cmd.outcome, closed_on=cmd.closed_on, note=cmd.note, today=today_in_china()
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.closed_on)


async def record_follow_up(
    uow: MediationUnitOfWork, ctx: CommandContext, dispute_id: str, cmd: c.RecordFollowUp
) -> CommandResult:
    t = await target(uow, ctx, dispute_id, WRITERS, cmd.visited_on)
    events = disputes.follow_up(
        t.dispute,
        visited_on=cmd.visited_on,
        agreement_holds=cmd.agreement_holds,
        satisfaction=cmd.satisfaction,
        note=cmd.note,
        today=today_in_china(),
    )
    return await record(uow, ctx, t.loaded, events, t.jurisdiction, on=cmd.visited_on)
