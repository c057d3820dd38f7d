"""Command handlers: load the aggregates a command needs, let the domain decide, append the events.

Each handler runs inside one transaction (govgrid.commands.PostgresCommandRunner) and checks the
caller's jurisdiction against the records it touches, not just the route. A lead's events keep the
jurisdiction it was received in (its village and the station covering it that day).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from govgrid.aggregate import Loaded, append_to, fold, load, state_body
from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.tips import LeadClosed, LeadOutcome
from govgrid.china_time import china_day, today_in_china
from govgrid.commands import CommandContext, CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.errors import InvalidInput, RuleBroken
from services.tips.application import commands as c
from services.tips.application.unit_of_work import TipsUnitOfWork
from services.tips.domain import contact_groups, leads, notices
from services.tips.domain.informant import mentions_contact
from services.tips.domain.leads import Caller, Deadlines, Lead, OutcomeRecord, Referral

log = logging.getLogger("services.tips")

# Station officers handle their station's leads; a city admin may do anything anywhere.
LEAD_OFFICERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
PLACE_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY, OrgUnitKind.GRID)
VILLAGE_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)


def now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- leads


async def load_lead(uow: TipsUnitOfWork, lead_id: str) -> Loaded[Lead]:
    return await load(uow.events, leads.stream_id(lead_id), leads.evolve)


async def submit_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, cmd: c.SubmitLead, deadlines: Deadlines
) -> CommandResult:
    """Anyone with a token may submit a lead within their jurisdiction (viewers read only). The
    contact is sealed in the same transaction as the events, which carry only a random reference."""
    received_at = cmd.received_at or now()
    place = await uow.orgs.require(cmd.place_code, *PLACE_KINDS)
    jurisdiction = await uow.orgs.jurisdiction_of(place.code, china_day(received_at))
    if jurisdiction.village is None:  # a grid whose village has not reached the reference table yet
        raise RuleBroken("unknown_org_unit", f"the village of grid {place.code} is not known")
    lead_id = uuid.uuid4().hex
    informant_ref = uuid.uuid4().hex if cmd.informant_contact is not None else None
    submission = leads.Submission(
        lead_id=lead_id,
        channel=cmd.channel,
        category=cmd.category,
        place_code=place.code,
        village_code=jurisdiction.village,
        grid_code=place.code if place.kind is OrgUnitKind.GRID else None,
        station_code=jurisdiction.station,
        description=cmd.description,
        informant_ref=informant_ref,
        received_at=received_at,
    )
    events = leads.receive(submission, now=now(), deadlines=deadlines)
    ctx.principal.ensure_can_change(jurisdiction)
    if cmd.informant_contact is not None and informant_ref is not None:
        await uow.seal_contact(lead_id, informant_ref, cmd.informant_contact.get_secret_value())
    # The event happened when the lead arrived, which may be before it was entered.
    version = await append_to(
        uow.events, ctx, await load_lead(uow, lead_id), events, jurisdiction, on=received_at
    )
    lead = leads.evolve(None, events[0])
    await uow.index_lead(lead, version, jurisdiction)
    return CommandResult(201, state_body(lead, version))


async def _change_lead(
    uow: TipsUnitOfWork,
    ctx: CommandContext,
    lead_id: str,
    decide: Callable[[Lead], list[DomainEvent]],
    on: date | None = None,
) -> tuple[Lead, int]:
    """The common path of a station officer's command on a lead; returns the new state and version."""
    ctx.require_role(LEAD_OFFICERS)
    loaded = await load_lead(uow, lead_id)
    lead = loaded.require("lead", lead_id)
    jurisdiction = _jurisdiction(loaded)
    ctx.principal.ensure_can_change(jurisdiction)
    events = decide(lead)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=on)
    lead = fold(leads.evolve, events, lead)
    await uow.index_lead(lead, version, jurisdiction)
    for event in events:
        if isinstance(event, LeadClosed) and event.informant_contact_shred_on is not None:
            await uow.schedule_destruction(lead_id, event.informant_contact_shred_on)
    return lead, version


def _jurisdiction(loaded: Loaded[Lead]) -> Jurisdiction:
    assert loaded.jurisdiction is not None  # a stream with events has one
    return loaded.jurisdiction


async def triage_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.TriageLead, deadlines: Deadlines
) -> CommandResult:
    lead, version = await _change_lead(
        uow, ctx, lead_id, lambda lead: leads.triage(lead, priority=cmd.priority, deadlines=deadlines)
    )
    return CommandResult(200, state_body(lead, version))


async def assign_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.AssignLead
) -> CommandResult:
    officer = await uow.officer(cmd.officer_person_id)
    lead, version = await _change_lead(
        uow,
        ctx,
        lead_id,
        lambda lead: leads.assign(lead, person_id=cmd.officer_person_id, officer=officer),
    )
    return CommandResult(200, state_body(lead, version))


async def verify_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.VerifyLead
) -> CommandResult:
    lead, version = await _change_lead(
        uow,
        ctx,
        lead_id,
        lambda lead: leads.verify(lead, verified_on=cmd.verified_on, today=today_in_china()),
        on=cmd.verified_on,
    )
    return CommandResult(200, state_body(lead, version))


async def dismiss_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.DismissLead
) -> CommandResult:
    lead, version = await _change_lead(
        uow,
        ctx,
        lead_id,
        lambda lead: leads.dismiss(
            lead, reason=cmd.reason, dismissed_on=cmd.dismissed_on, today=today_in_china()
        ),
        on=cmd.dismissed_on,
    )
    return CommandResult(200, state_body(lead, version))


def outcome_record(cmd: c.RecordOutcome) -> OutcomeRecord:
    match cmd:
        case c.FugitiveArrested() | c.CaseOpened():
            return OutcomeRecord(LeadOutcome(cmd.outcome), cmd.outcome_on, case_number=cmd.case_number)
        case c.HazardRemoved():
            return OutcomeRecord(LeadOutcome.HAZARD_REMOVED, cmd.outcome_on)
        case c.ReferredToMediation():
            referral = Referral(cmd.dispute_category, cmd.summary)
            return OutcomeRecord(LeadOutcome.REFERRED_TO_MEDIATION, cmd.outcome_on, referral=referral)


async def record_outcome(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.RecordOutcome
) -> CommandResult:
    record = outcome_record(cmd)
    lead, version = await _change_lead(
        uow,
        ctx,
        lead_id,
        lambda lead: leads.record_outcome(lead, record, today=today_in_china()),
        on=record.outcome_on,
    )
    return CommandResult(200, state_body(lead, version))


async def close_lead(
    uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, cmd: c.CloseLead, retention: timedelta
) -> CommandResult:
    lead, version = await _change_lead(
        uow,
        ctx,
        lead_id,
        lambda lead: leads.close(lead, closed_on=cmd.closed_on, today=today_in_china(), retention=retention),
        on=cmd.closed_on,
    )
    return CommandResult(200, state_body(lead, version))


# ---------------------------------------------------------------- informant protection


@dataclass
class RevealedContact:
    """Carries the contact from the reveal's transaction to its HTTP answer only: the command's
    answer (stored for Idempotency-Key replays) never holds it."""

    contact: str | None = None


async def reveal_contact(
    uow: TipsUnitOfWork,
    ctx: CommandContext,
    lead_id: str,
    cmd: c.RevealInformantContact,
    shown: RevealedContact,
) -> CommandResult:
    """Only the lead's handler (a station officer whose token subject is the handler's person id) and a
    city admin see the contact. Every reveal and every refused attempt is recorded, with who and why."""
    loaded = await load_lead(uow, lead_id)
    lead = loaded.require("lead", lead_id)
    jurisdiction = _jurisdiction(loaded)
    principal = ctx.principal
    caller = Caller(principal.subject, principal.role, principal.can_see(jurisdiction))
    handler = await uow.officer(lead.handler) if lead.handler is not None else None
    refusal = leads.reveal_refusal(lead, caller, handler)
    if refusal is not None:
        events = leads.refuse_reveal(lead, caller, reason=cmd.reason, refusal=refusal)
        await append_to(uow.events, ctx, loaded, events, jurisdiction)
        log.warning(
            "refused to reveal the informant contact of lead %s to %s: %s", lead_id, caller.subject, refusal
        )
        # An answer, not an exception: the refusal is recorded, so this transaction must commit.
        return CommandResult(
            403,
            {
                "error": "forbidden",
                "detail": f"{principal.subject!r} may not see this informant's contact ({refusal.value})",
                "correlation_id": str(ctx.correlation_id),
            },
        )
    events = leads.reveal(lead, caller, reason=cmd.reason)
    contact = await uow.open_contact(lead_id)
    if contact is None:  # shredded by a retention run that committed since we loaded the lead
        raise RuleBroken(
            "informant_contact_shredded", f"the informant contact of lead {lead_id} was destroyed"
        )
    if mentions_contact(contact, cmd.reason):
        raise InvalidInput(
            "the reason repeats the contact",
            [{"field": "body.reason", "reason": "must not contain the informant's contact"}],
        )
    await append_to(uow.events, ctx, loaded, events, jurisdiction)
    log.info("revealed the informant contact of lead %s to %s", lead_id, caller.subject)
    shown.contact = contact
    return CommandResult(200, {"lead_id": lead_id, "revealed_to": principal.subject, "reason": cmd.reason})


async def shred_contact(uow: TipsUnitOfWork, ctx: CommandContext, lead_id: str, day: date) -> CommandResult:
    """Destroy the lead's key once the retention after closing has ended (crypto-shredding)."""
    loaded = await load_lead(uow, lead_id)
    lead = loaded.require("lead", lead_id)
    jurisdiction = _jurisdiction(loaded)
    events = leads.shred(lead, today=day)
    if not await uow.destroy_key(lead_id, day):
        raise RuleBroken("informant_contact_shredded", f"the key of lead {lead_id} is already destroyed")
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=day)
    lead = fold(leads.evolve, events, lead)
    await uow.index_lead(lead, version, jurisdiction)
    return CommandResult(200, state_body(lead, version))


# ---------------------------------------------------------------- contact groups and safety notices


async def register_contact_group(
    uow: TipsUnitOfWork, ctx: CommandContext, cmd: c.RegisterContactGroup
) -> CommandResult:
    """The village's cadres, its township or its station register the village's groups."""
    village = await uow.orgs.require(cmd.village_code, *VILLAGE_KINDS)
    jurisdiction = await uow.orgs.jurisdiction_of(village.code, today_in_china())
    ctx.principal.ensure_can_change(jurisdiction)
    loaded = await load(uow.events, contact_groups.stream_id(cmd.group_id), contact_groups.evolve)
    events = contact_groups.register(
        loaded.state, group_id=cmd.group_id, village_code=village.code, kind=cmd.kind, name=cmd.name
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    group = contact_groups.evolve(None, events[0])
    await uow.index_contact_group(group)
    return CommandResult(201, state_body(group, version))


async def publish_notice(
    uow: TipsUnitOfWork, ctx: CommandContext, cmd: c.PublishSafetyNotice
) -> CommandResult:
    ctx.require_role(LEAD_OFFICERS)
    station = await uow.orgs.require(cmd.station_code, OrgUnitKind.POLICE_STATION)
    day = today_in_china()
    jurisdiction = await uow.orgs.jurisdiction_of(station.code, day)
    ctx.principal.ensure_can_change(jurisdiction)
    covered = await uow.orgs.villages_covered_by(station.code, day)
    villages = tuple(dict.fromkeys(cmd.village_codes)) if cmd.village_codes else tuple(covered)
    publication = notices.Publication(
        notice_id=uuid.uuid4().hex,
        station_code=station.code,
        village_codes=villages,
        title=cmd.title,
        body=cmd.body,
        published_at=now(),
    )
    events = notices.publish(
        publication,
        uncovered=tuple(v for v in villages if v not in covered),
        group_ids=await uow.contact_groups_of(villages),
    )
    loaded = await load(uow.events, notices.stream_id(publication.notice_id), notices.evolve)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(notices.evolve(None, events[0]), version))


async def record_delivery(
    uow: TipsUnitOfWork, ctx: CommandContext, notice_id: str, cmd: c.RecordDelivery
) -> CommandResult:
    ctx.require_role(LEAD_OFFICERS)
    loaded = await load(uow.events, notices.stream_id(notice_id), notices.evolve)
    notice = loaded.require("safety notice", notice_id)
    assert loaded.jurisdiction is not None
    ctx.principal.ensure_can_change(loaded.jurisdiction)
    moment = now()
    events = notices.deliver(
        notice, group_id=cmd.group_id, delivered_at=cmd.delivered_at or moment, now=moment
    )
    version = await append_to(uow.events, ctx, loaded, events, loaded.jurisdiction)
    return CommandResult(200, state_body(fold(notices.evolve, events, notice), version))
