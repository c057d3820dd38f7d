"""Command handlers: each runs the kernel's pipeline (govgrid.service.pipeline): role, the record,
the caller's jurisdiction over it, then the domain's decision and the append, in one transaction.

A lead's events keep the jurisdiction it was received in (its village and the station covering it
that day); so do a notice's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadOutcome
from govgrid.china_time import china_day
from govgrid.china_time import occurred_on
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.envelope import StreamNaming
from govgrid.errors import InvalidInput
from govgrid.errors import RuleBroken
from govgrid.reference.org import VILLAGE_KINDS
from govgrid.service import Aggregate
from govgrid.service import Target
from govgrid.service import refused
from govgrid.service.clocks import RecordClocks
from services.tips.application import commands as c
from services.tips.application.unit_of_work import TipsUnitOfWork as Uow
from services.tips.domain import clock
from services.tips.domain import contact_groups
from services.tips.domain import leads
from services.tips.domain import notices
from services.tips.domain.contact_groups import ContactGroup
from services.tips.domain.informant import mentions_contact
from services.tips.domain.leads import Caller
from services.tips.domain.leads import Lead
from services.tips.domain.leads import OutcomeRecord
from services.tips.domain.leads import Referral
from services.tips.domain.notices import SafetyNotice

log = logging.getLogger("services.tips")

# Station officers handle their station's leads; a city admin may do anything anywhere. Anyone with
# a token may submit a lead or register a group where they may act (viewers read only).
LEAD_OFFICERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
ANYONE = frozenset(Role)
PLACE_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY, OrgUnitKind.GRID)

LEAD: Aggregate[Lead, Uow] = Aggregate("lead", leads.stream_id, leads.evolve)
# A lead's deadline clocks (services/tips/domain/clock.py): an extension is the township's or the city's.
LEAD_CLOCKS = RecordClocks(
    LEAD, StreamNaming("leadclock"), clock.EVENTS, LEAD_OFFICERS, LEAD_OFFICERS | {Role.TOWNSHIP_OFFICER}
)
CONTACT_GROUP: Aggregate[ContactGroup, Uow] = Aggregate(
    "contact group", contact_groups.stream_id, contact_groups.evolve
)
NOTICE: Aggregate[SafetyNotice, Uow] = Aggregate("safety notice", notices.stream_id, notices.evolve)


def now() -> datetime:
    return datetime.now(UTC)


def stated_or_now(stated: datetime | None) -> tuple[datetime, datetime]:
    """When an act happened, as the command states it or else now; and now, which it may not follow."""
    moment = now()
    return stated or moment, moment


# ---------------------------------------------------------------- leads


async def record(
    t: Target[Lead, Uow], events: Sequence[DomainEvent], *, on: date | datetime | None
) -> CommandResult:
    """Append, start and stop the lead's clocks, index the lead as it now is, and schedule the
    destruction of its contact on closing."""
    recorded = await t.append(events, on=on)
    at = on if isinstance(on, datetime) else occurred_on(on) if on is not None else now()
    await LEAD_CLOCKS.bring(
        t, recorded.state.lead_id, on, lambda c: clock.follow(c, events, at=at, calendar=LEAD_CLOCKS.calendar)
    )
    await t.uow.index_lead(recorded.state, recorded.version, t.jurisdiction)
    for event in events:
        if isinstance(event, LeadClosed) and event.informant_contact_shred_on is not None:
            await t.uow.schedule_destruction(recorded.state.lead_id, event.informant_contact_shred_on)
    return recorded.answer(t.status_code)


async def submit_lead(uow: Uow, ctx: CommandContext, cmd: c.SubmitLead) -> CommandResult:
    """The contact is sealed in the same transaction as the events, which carry only a random reference."""
    received_at = cmd.received_at or now()
    place = await uow.orgs.require(cmd.place_code, *PLACE_KINDS)

    async def where() -> Jurisdiction:
        jurisdiction = await uow.orgs.jurisdiction_of(place.code, china_day(received_at))
        if jurisdiction.village is None:  # a grid whose village has not reached the reference table yet
            raise RuleBroken("unknown_org_unit", f"the village of grid {place.code} is not known")
        return jurisdiction

    lead_id = uuid.uuid4().hex
    t = await LEAD.create(uow, ctx, lead_id, ANYONE, where)
    village = t.jurisdiction.village
    assert village is not None  # where() refused a grid of an unknown village
    informant_ref = uuid.uuid4().hex if cmd.informant_contact is not None else None
    submission = leads.Submission(
        lead_id=lead_id,
        channel=cmd.channel,
        category=cmd.category,
        place_code=place.code,
        village_code=village,
        grid_code=place.code if place.kind is OrgUnitKind.GRID else None,
        station_code=t.jurisdiction.station,
        description=cmd.description,
        informant_ref=informant_ref,
        received_at=received_at,
    )
    events = leads.receive(submission, now=now(), deadlines=uow.deadlines)
    if cmd.informant_contact is not None and informant_ref is not None:
        await uow.seal_contact(lead_id, informant_ref, cmd.informant_contact.get_secret_value())
    # The event happened when the lead arrived, which may be before it was entered.
    return await record(t, events, on=received_at)


async def triage_lead(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.TriageLead) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    triaged_at, moment = stated_or_now(cmd.triaged_at)
    events = leads.triage(
        t.state, priority=cmd.priority, triaged_at=triaged_at, now=moment, deadlines=uow.deadlines
    )
    return await record(t, events, on=triaged_at)


async def assign_lead(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.AssignLead) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    officer = await uow.officer(cmd.officer_person_id)
    assigned_at, moment = stated_or_now(cmd.assigned_at)
    events = leads.assign(
        t.state, person_id=cmd.officer_person_id, officer=officer, assigned_at=assigned_at, now=moment
    )
    return await record(t, events, on=assigned_at)


async def verify_lead(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.VerifyLead) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    events = leads.verify(t.state, verified_on=cmd.verified_on, today=today_in_china())
    return await record(t, events, on=cmd.verified_on)


async def dismiss_lead(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.DismissLead) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    events = leads.dismiss(t.state, reason=cmd.reason, dismissed_on=cmd.dismissed_on, today=today_in_china())
    return await record(t, events, on=cmd.dismissed_on)


def outcome_record(cmd: c.RecordOutcome) -> OutcomeRecord:
    match cmd:
        case c.FugitiveArrested() | c.CaseOpened():
            return OutcomeRecord(LeadOutcome(cmd.outcome), cmd.outcome_on, case_number=cmd.case_number)
        case c.HazardRemoved():
            return OutcomeRecord(LeadOutcome.HAZARD_REMOVED, cmd.outcome_on)
        case c.ReferredToMediation():
            referral = Referral(cmd.dispute_category, cmd.summary)
            return OutcomeRecord(LeadOutcome.REFERRED_TO_MEDIATION, cmd.outcome_on, referral=referral)


async def record_outcome(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.RecordOutcome) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    outcome = outcome_record(cmd)
    events = leads.record_outcome(t.state, outcome, today=today_in_china())
    return await record(t, events, on=outcome.outcome_on)


async def close_lead(uow: Uow, ctx: CommandContext, lead_id: str, cmd: c.CloseLead) -> CommandResult:
    t = await LEAD.act(uow, ctx, lead_id, LEAD_OFFICERS)
    events = leads.close(t.state, closed_on=cmd.closed_on, today=today_in_china(), retention=uow.retention)
    return await record(t, events, on=cmd.closed_on)


# ---------------------------------------------------------------- informant protection


@dataclass
class RevealedContact:
    """Carries the contact from the reveal's transaction to its HTTP answer only: the command's
    answer (stored for Idempotency-Key replays) never holds it."""

    contact: str | None = None


async def reveal_contact(
    uow: Uow,
    ctx: CommandContext,
    lead_id: str,
    cmd: c.RevealInformantContact,
    shown: RevealedContact,
) -> CommandResult:
    """Only the lead's handler (a station officer whose token subject is the handler's person id) and a
    city admin see the contact. Every reveal and every refused attempt is recorded, with who and why."""
    # Not the pipeline's act: a refusal is an answer recorded on the lead, not an exception.
    t = await LEAD.affected(uow, ctx, lead_id)
    lead, jurisdiction, principal = t.state, t.jurisdiction, ctx.principal
    caller = Caller(principal.subject, principal.role, principal.can_see(jurisdiction))
    handler = await uow.officer(lead.handler) if lead.handler is not None else None
    refusal = leads.reveal_refusal(lead, caller, handler)
    if refusal is not None:
        events = leads.refuse_reveal(lead, caller, reason=cmd.reason, refusal=refusal)
        await t.append(events)
        log.warning(
            "refused to reveal the informant contact of lead %s to %s: %s", lead_id, caller.subject, refusal
        )
        # An answer, not an exception: the refusal is recorded, so this transaction must commit.
        return refused(ctx, f"{principal.subject!r} may not see this informant's contact ({refusal.value})")
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
    await t.append(events)
    log.info("revealed the informant contact of lead %s to %s", lead_id, caller.subject)
    shown.contact = contact
    return CommandResult(200, {"lead_id": lead_id, "revealed_to": principal.subject, "reason": cmd.reason})


async def shred_contact(uow: Uow, ctx: CommandContext, lead_id: str, day: date) -> CommandResult:
    """Destroy the lead's key once the retention after closing has ended (crypto-shredding)."""
    t = await LEAD.affected(uow, ctx, lead_id)
    events = leads.shred(t.state, today=day)
    if not await uow.destroy_key(lead_id, day):
        raise RuleBroken("informant_contact_shredded", f"the key of lead {lead_id} is already destroyed")
    return await record(t, events, on=day)


# ---------------------------------------------------------------- contact groups and safety notices


async def register_contact_group(uow: Uow, ctx: CommandContext, cmd: c.RegisterContactGroup) -> CommandResult:
    """The village's cadres, its township or its station register the village's groups."""
    where = uow.orgs.placement(cmd.village_code, *VILLAGE_KINDS, on=cmd.registered_on)
    t = await CONTACT_GROUP.create(uow, ctx, cmd.group_id, ANYONE, where)
    registration = contact_groups.Registration(**dict(cmd))
    events = contact_groups.register(t.loaded.state, registration, today=today_in_china())
    recorded = await t.append(events, on=cmd.registered_on)
    await uow.index_contact_group(recorded.state)
    return recorded.answer(201)


async def publish_notice(uow: Uow, ctx: CommandContext, cmd: c.PublishSafetyNotice) -> CommandResult:
    published_at, moment = stated_or_now(cmd.published_at)
    # The station's villages on the day it issued the notice.
    day = china_day(published_at)
    where = uow.orgs.placement(cmd.station_code, OrgUnitKind.POLICE_STATION, on=day)
    notice_id = uuid.uuid4().hex
    t = await NOTICE.create(uow, ctx, notice_id, LEAD_OFFICERS, where)
    covered = await uow.orgs.villages_covered_by(cmd.station_code, day)
    villages = tuple(dict.fromkeys(cmd.village_codes)) if cmd.village_codes else tuple(covered)
    publication = notices.Publication(
        notice_id=notice_id,
        station_code=cmd.station_code,
        village_codes=villages,
        title=cmd.title,
        body=cmd.body,
        published_at=published_at,
    )
    events = notices.publish(
        publication,
        uncovered=tuple(v for v in villages if v not in covered),
        group_ids=await uow.contact_groups_of(villages),
        now=moment,
    )
    return await t.record(events, on=published_at)


async def record_delivery(
    uow: Uow, ctx: CommandContext, notice_id: str, cmd: c.RecordDelivery
) -> CommandResult:
    t = await NOTICE.act(uow, ctx, notice_id, LEAD_OFFICERS)
    delivered_at, moment = stated_or_now(cmd.delivered_at)
    events = notices.deliver(t.state, group_id=cmd.group_id, delivered_at=delivered_at, now=moment)
    return await t.record(events, on=delivered_at)
