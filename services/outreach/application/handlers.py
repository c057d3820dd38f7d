"""Command handlers: load the aggregates a command needs, let the domain decide, append the events.

Each handler runs inside one transaction (govgrid.commands.PostgresCommandRunner) and checks the
caller's role and jurisdiction against the records it touches, not just the route. Station officers
(their own station) and the city admin write; everybody else only reads.

Jurisdiction of the events: a school, an enterprise and what happens at an enterprise are filed under
the enterprise's (school's) village on the day of the act: {township, covering station, village}. A
drive is the station's: its launch, targets and closure carry {station}; a school visit carries the
school's {township, village} with the drive's station.
"""

from __future__ import annotations

import uuid
from datetime import date

from govgrid.aggregate import Loaded, append_to, fold, load, state_body
from govgrid.auth import Role
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext, CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.reference.org import VILLAGE_KINDS
from services.outreach.application import commands as c
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.domain import cases, drives, enterprise_visits, enterprises, referrals, schools
from services.outreach.domain.cases import EnterpriseCase
from services.outreach.domain.drives import Drive
from services.outreach.domain.enterprise_visits import EnterpriseVisit, PlannedAction
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.referrals import JobReferral
from services.outreach.domain.schools import School

WRITERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})


# ---------------------------------------------------------------- schools and enterprises


async def load_school(uow: OutreachUnitOfWork, code: str) -> Loaded[School]:
    return await load(uow.events, schools.stream_id(code), schools.evolve)


async def load_enterprise(uow: OutreachUnitOfWork, code: str) -> Loaded[Enterprise]:
    return await load(uow.events, enterprises.stream_id(code), enterprises.evolve)


async def placed_in(uow: OutreachUnitOfWork, ctx: CommandContext, village_code: str) -> Jurisdiction:
    """Where a new school or enterprise is registered: a village or community the caller may change."""
    await uow.orgs.require(village_code, *VILLAGE_KINDS)
    jurisdiction = await uow.orgs.jurisdiction_of(village_code, today_in_china())
    ctx.principal.ensure_can_change(jurisdiction)
    return jurisdiction


async def register_school(
    uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.RegisterSchool
) -> CommandResult:
    ctx.require_role(WRITERS)
    jurisdiction = await placed_in(uow, ctx, cmd.village_code)
    loaded = await load_school(uow, cmd.school_code)
    events = schools.register(loaded.state, **cmd.model_dump())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(schools.evolve(None, events[0]), version))


async def register_enterprise(
    uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.RegisterEnterprise
) -> CommandResult:
    ctx.require_role(WRITERS)
    jurisdiction = await placed_in(uow, ctx, cmd.village_code)
    loaded = await load_enterprise(uow, cmd.enterprise_code)
    events = enterprises.register(loaded.state, **cmd.model_dump())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(enterprises.evolve(None, events[0]), version))


async def at_enterprise(
    uow: OutreachUnitOfWork, ctx: CommandContext, enterprise: Enterprise | None, on: date
) -> Jurisdiction | None:
    """The jurisdiction of an act at ``enterprise`` on day ``on``, checked first, so that a caller
    outside it learns nothing from the rules; None for an enterprise not registered (the domain
    refuses it)."""
    if enterprise is None:
        return None
    jurisdiction = await uow.orgs.jurisdiction_of(enterprise.village_code, on)
    ctx.principal.ensure_can_change(jurisdiction)
    return jurisdiction


async def at_registered_enterprise(
    uow: OutreachUnitOfWork, ctx: CommandContext, enterprise_code: str, on: date
) -> Jurisdiction:
    """As ``at_enterprise``, for the enterprise of a stored record (registered, then)."""
    jurisdiction = await at_enterprise(uow, ctx, (await load_enterprise(uow, enterprise_code)).state, on)
    assert jurisdiction is not None
    return jurisdiction


# ---------------------------------------------------------------- registration drives


async def load_drive(uow: OutreachUnitOfWork, drive_id: str) -> Loaded[Drive]:
    return await load(uow.events, drives.stream_id(drive_id), drives.evolve)


async def schools_named(uow: OutreachUnitOfWork, codes: list[str]) -> dict[str, School | None]:
    return {code: (await load_school(uow, code)).state for code in codes}


async def covered_villages(uow: OutreachUnitOfWork, station_code: str, on: date) -> frozenset[str]:
    return frozenset(await uow.orgs.villages_covered_by(station_code, on))


async def launch_drive(
    uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.LaunchRegistrationDrive
) -> CommandResult:
    ctx.require_role(WRITERS)
    station = await uow.orgs.require(cmd.station_code, OrgUnitKind.POLICE_STATION)
    jurisdiction = Jurisdiction(station=station.code)
    ctx.principal.ensure_can_change(jurisdiction)
    launch = drives.Launch(
        uuid.uuid4().hex,
        station.code,
        cmd.title,
        cmd.period_start,
        cmd.period_end,
        tuple(cmd.target_school_codes),
    )
    events = drives.launch(
        launch,
        schools=await schools_named(uow, cmd.target_school_codes),
        covered_villages=await covered_villages(uow, station.code, cmd.period_start),
    )
    loaded = await load_drive(uow, launch.drive_id)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(drives.evolve(None, events[0]), version))


async def loaded_drive(
    uow: OutreachUnitOfWork, ctx: CommandContext, drive_id: str
) -> tuple[Loaded[Drive], Drive, Jurisdiction]:
    """A drive named in the URL, which the caller may change: 404, 403 otherwise."""
    ctx.require_role(WRITERS)
    loaded = await load_drive(uow, drive_id)
    drive = loaded.require("registration drive", drive_id)
    jurisdiction = Jurisdiction(station=drive.station_code)
    ctx.principal.ensure_can_change(jurisdiction)
    return loaded, drive, jurisdiction


async def add_drive_targets(
    uow: OutreachUnitOfWork, ctx: CommandContext, drive_id: str, cmd: c.AddDriveTargets
) -> CommandResult:
    loaded, drive, jurisdiction = await loaded_drive(uow, ctx, drive_id)
    events = drives.add_targets(
        drive,
        tuple(cmd.school_codes),
        schools=await schools_named(uow, cmd.school_codes),
        covered_villages=await covered_villages(uow, drive.station_code, drive.period_start),
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(200, state_body(fold(drives.evolve, events, drive), version))


async def at_school_of(uow: OutreachUnitOfWork, drive: Drive, school_code: str, on: date) -> Jurisdiction:
    """A school day of a drive: the school's township and village that day, with the drive's station."""
    school = (await load_school(uow, school_code)).state
    assert school is not None  # a target of a drive is a registered school
    at_school = await uow.orgs.jurisdiction_of(school.village_code, on)
    return at_school.model_copy(update={"station": drive.station_code})


async def record_school_visit(
    uow: OutreachUnitOfWork, ctx: CommandContext, drive_id: str, cmd: c.RecordSchoolVisit
) -> CommandResult:
    loaded, drive, _ = await loaded_drive(uow, ctx, drive_id)
    events = drives.record_visit(drive, drives.Visit(**cmd.model_dump()), today=today_in_china())
    jurisdiction = await at_school_of(uow, drive, cmd.school_code, cmd.visited_on)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.visited_on)
    return CommandResult(200, state_body(fold(drives.evolve, events, drive), version))


async def correct_school_visit(
    uow: OutreachUnitOfWork, ctx: CommandContext, drive_id: str, cmd: c.RecordSchoolVisit
) -> CommandResult:
    loaded, drive, _ = await loaded_drive(uow, ctx, drive_id)
    events = drives.correct_visit(drive, drives.Visit(**cmd.model_dump()))
    jurisdiction = await at_school_of(uow, drive, cmd.school_code, cmd.visited_on)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(200, state_body(fold(drives.evolve, events, drive), version))


async def close_drive(
    uow: OutreachUnitOfWork, ctx: CommandContext, drive_id: str, cmd: c.CloseRegistrationDrive
) -> CommandResult:
    loaded, drive, jurisdiction = await loaded_drive(uow, ctx, drive_id)
    events = drives.close(drive, closed_on=cmd.closed_on, today=today_in_china())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.closed_on)
    return CommandResult(200, state_body(fold(drives.evolve, events, drive), version))


# ---------------------------------------------------------------- enterprise cases


async def load_case(uow: OutreachUnitOfWork, case_id: str) -> Loaded[EnterpriseCase]:
    return await load(uow.events, cases.stream_id(case_id), cases.evolve)


async def open_case(uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.OpenEnterpriseCase) -> CommandResult:
    ctx.require_role(WRITERS)
    opening = cases.Opening(uuid.uuid4().hex, **cmd.model_dump())
    enterprise = (await load_enterprise(uow, cmd.enterprise_code)).state
    jurisdiction = await at_enterprise(uow, ctx, enterprise, cmd.opened_on)
    events = cases.open_case(opening, enterprise=enterprise, today=today_in_china())
    assert jurisdiction is not None  # the enterprise is registered
    loaded = await load_case(uow, opening.case_id)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.opened_on)
    return CommandResult(201, state_body(cases.evolve(None, events[0]), version))


async def handle_case(
    uow: OutreachUnitOfWork, ctx: CommandContext, case_id: str, cmd: c.HandleEnterpriseCase
) -> CommandResult:
    ctx.require_role(WRITERS)
    loaded = await load_case(uow, case_id)
    case = loaded.require("enterprise case", case_id)
    jurisdiction = await at_registered_enterprise(uow, ctx, case.enterprise_code, cmd.handled_on)
    events = cases.handle(case, **cmd.model_dump(), today=today_in_china())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.handled_on)
    return CommandResult(200, state_body(fold(cases.evolve, events, case), version))


# ---------------------------------------------------------------- enterprise visits


async def load_visit(uow: OutreachUnitOfWork, visit_id: str) -> Loaded[EnterpriseVisit]:
    return await load(uow.events, enterprise_visits.stream_id(visit_id), enterprise_visits.evolve)


async def record_enterprise_visit(
    uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.RecordEnterpriseVisit
) -> CommandResult:
    ctx.require_role(WRITERS)
    visit = enterprise_visits.Visit(
        visit_id=uuid.uuid4().hex,
        enterprise_code=cmd.enterprise_code,
        officer_person_id=cmd.officer_person_id,
        kind=cmd.kind,
        visited_on=cmd.visited_on,
        findings=tuple(cmd.findings),
        case_id=cmd.case_id,
        follow_ups=tuple(PlannedAction(f.action, f.due_on) for f in cmd.follow_ups),
    )
    enterprise = (await load_enterprise(uow, cmd.enterprise_code)).state
    jurisdiction = await at_enterprise(uow, ctx, enterprise, cmd.visited_on)
    events = enterprise_visits.record(
        visit,
        enterprise=enterprise,
        officer=await uow.officer(cmd.officer_person_id),
        case=(await load_case(uow, cmd.case_id)).state if cmd.case_id is not None else None,
        today=today_in_china(),
    )
    assert jurisdiction is not None  # the enterprise is registered
    loaded = await load_visit(uow, visit.visit_id)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.visited_on)
    state = enterprise_visits.evolve(None, events[0])
    return CommandResult(201, state_body(fold(enterprise_visits.evolve, events[1:], state), version))


async def plan_follow_up(
    uow: OutreachUnitOfWork, ctx: CommandContext, visit_id: str, cmd: c.PlanFollowUp
) -> CommandResult:
    ctx.require_role(WRITERS)
    loaded = await load_visit(uow, visit_id)
    visit = loaded.require("enterprise visit", visit_id)
    jurisdiction = await at_registered_enterprise(uow, ctx, visit.enterprise_code, today_in_china())
    events = enterprise_visits.plan_follow_up(visit, PlannedAction(cmd.action, cmd.due_on))
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(200, state_body(fold(enterprise_visits.evolve, events, visit), version))


async def complete_follow_up(
    uow: OutreachUnitOfWork, ctx: CommandContext, visit_id: str, action_no: int, cmd: c.CompleteFollowUp
) -> CommandResult:
    ctx.require_role(WRITERS)
    loaded = await load_visit(uow, visit_id)
    visit = loaded.require("enterprise visit", visit_id)
    jurisdiction = await at_registered_enterprise(uow, ctx, visit.enterprise_code, cmd.completed_on)
    events = enterprise_visits.complete_follow_up(
        visit, action_no, **cmd.model_dump(), today=today_in_china()
    )
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.completed_on)
    return CommandResult(200, state_body(fold(enterprise_visits.evolve, events, visit), version))


# ---------------------------------------------------------------- job referrals


async def load_referral(uow: OutreachUnitOfWork, referral_id: str) -> Loaded[JobReferral]:
    return await load(uow.events, referrals.stream_id(referral_id), referrals.evolve)


async def make_referral(
    uow: OutreachUnitOfWork, ctx: CommandContext, cmd: c.MakeJobReferral
) -> CommandResult:
    ctx.require_role(WRITERS)
    referral = referrals.Referral(uuid.uuid4().hex, **cmd.model_dump())
    enterprise = (await load_enterprise(uow, cmd.enterprise_code)).state
    jurisdiction = await at_enterprise(uow, ctx, enterprise, cmd.referred_on)
    events = referrals.refer(
        referral,
        enterprise=enterprise,
        pending_referral_id=await uow.pending_referral(cmd.person_ref, cmd.enterprise_code),
        today=today_in_china(),
    )
    assert jurisdiction is not None  # the enterprise is registered
    await uow.hold_referral(referral.referral_id, cmd.person_ref, cmd.enterprise_code)
    loaded = await load_referral(uow, referral.referral_id)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.referred_on)
    return CommandResult(201, state_body(referrals.evolve(None, events[0]), version))


async def record_referral_outcome(
    uow: OutreachUnitOfWork, ctx: CommandContext, referral_id: str, cmd: c.RecordReferralOutcome
) -> CommandResult:
    ctx.require_role(WRITERS)
    loaded = await load_referral(uow, referral_id)
    referral = loaded.require("job referral", referral_id)
    jurisdiction = await at_registered_enterprise(uow, ctx, referral.enterprise_code, cmd.decided_on)
    events = referrals.record_outcome(referral, **cmd.model_dump(), today=today_in_china())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.decided_on)
    await uow.release_referral(referral_id)
    return CommandResult(200, state_body(fold(referrals.evolve, events, referral), version))
