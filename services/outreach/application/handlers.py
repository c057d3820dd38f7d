"""Command handlers: each runs the kernel's pipeline (govgrid.service.pipeline): role, the record,
the caller's jurisdiction over it, then the domain's decision and the append, in one transaction.
Station officers (their own station) and the city admin write; everybody else only reads.

Jurisdiction of the events: a school, an enterprise and what happens at an enterprise are filed under
the enterprise's (school's) village on the day of the act: {township, covering station, village}. A
drive is the station's: its launch, targets and closure carry {station}; a school visit carries the
school's {township, village} with the drive's station.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from govgrid.auth import Role
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.reference.org import VILLAGE_KINDS
from govgrid.rules import check
from govgrid.service import Aggregate
from services.outreach.application import commands as c
from services.outreach.application.unit_of_work import OutreachUnitOfWork as Uow
from services.outreach.domain import cases
from services.outreach.domain import drives
from services.outreach.domain import enterprise_visits
from services.outreach.domain import enterprises
from services.outreach.domain import referrals
from services.outreach.domain import schools
from services.outreach.domain.drives import Drive
from services.outreach.domain.enterprise_visits import PlannedAction
from services.outreach.domain.schools import School

WRITERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})


async def at_village(uow: Uow, record: Any, on: date) -> Jurisdiction:
    """A school or an enterprise: its village or community on the day of the act."""
    return await uow.orgs.jurisdiction_of(record.village_code, on)


async def at_enterprise(uow: Uow, enterprise_code: str, on: date) -> Jurisdiction:
    """Where an act at the enterprise on day ``on`` belongs; an enterprise not registered is refused
    (409) before anything else is looked at."""
    enterprise = (await ENTERPRISE.load(uow, enterprise_code)).state
    check(enterprises.EnterpriseMustExist(enterprise, enterprise_code))
    assert enterprise is not None
    return await at_village(uow, enterprise, on)


async def of_enterprise(uow: Uow, record: Any, on: date) -> Jurisdiction:
    """A case, a visit or a referral: its enterprise's place on the day of the act."""
    return await at_enterprise(uow, record.enterprise_code, on)


async def of_station(uow: Uow, drive: Drive, on: date) -> Jurisdiction:
    return Jurisdiction(station=drive.station_code)


SCHOOL = Aggregate("school", schools.stream_id, schools.evolve, at_village)
ENTERPRISE = Aggregate("enterprise", enterprises.stream_id, enterprises.evolve, at_village)
DRIVE = Aggregate("registration drive", drives.stream_id, drives.evolve, of_station)
CASE = Aggregate("enterprise case", cases.stream_id, cases.evolve, of_enterprise)
VISIT = Aggregate("enterprise visit", enterprise_visits.stream_id, enterprise_visits.evolve, of_enterprise)
REFERRAL = Aggregate("job referral", referrals.stream_id, referrals.evolve, of_enterprise)


# ---------------------------------------------------------------- schools and enterprises


# A new school or enterprise is registered in a village or community.


async def register_school(uow: Uow, ctx: CommandContext, cmd: c.RegisterSchool) -> CommandResult:
    where = uow.orgs.placement(cmd.village_code, *VILLAGE_KINDS, on=today_in_china())
    t = await SCHOOL.create(uow, ctx, cmd.school_code, WRITERS, where)
    return await t.record(schools.register(t.loaded.state, **cmd.model_dump()))


async def register_enterprise(uow: Uow, ctx: CommandContext, cmd: c.RegisterEnterprise) -> CommandResult:
    where = uow.orgs.placement(cmd.village_code, *VILLAGE_KINDS, on=today_in_china())
    t = await ENTERPRISE.create(uow, ctx, cmd.enterprise_code, WRITERS, where)
    return await t.record(enterprises.register(t.loaded.state, **cmd.model_dump()))


# ---------------------------------------------------------------- registration drives


async def schools_named(uow: Uow, codes: list[str]) -> dict[str, School | None]:
    return {code: (await SCHOOL.load(uow, code)).state for code in codes}


async def covered_villages(uow: Uow, station_code: str, on: date) -> frozenset[str]:
    return frozenset(await uow.orgs.villages_covered_by(station_code, on))


async def launch_drive(uow: Uow, ctx: CommandContext, cmd: c.LaunchRegistrationDrive) -> CommandResult:
    drive_id = uuid.uuid4().hex
    t = await DRIVE.create(uow, ctx, drive_id, WRITERS, uow.orgs.station_placement(cmd.station_code))
    launch = drives.Launch(
        drive_id,
        cmd.station_code,
        cmd.title,
        cmd.period_start,
        cmd.period_end,
        tuple(cmd.target_school_codes),
        cmd.launched_on,
    )
    events = drives.launch(
        launch,
        schools=await schools_named(uow, cmd.target_school_codes),
        covered_villages=await covered_villages(uow, cmd.station_code, cmd.period_start),
        today=today_in_china(),
    )
    return await t.record(events, on=cmd.launched_on)


async def add_drive_targets(
    uow: Uow, ctx: CommandContext, drive_id: str, cmd: c.AddDriveTargets
) -> CommandResult:
    t = await DRIVE.act(uow, ctx, drive_id, WRITERS)
    events = drives.add_targets(
        t.state,
        tuple(cmd.school_codes),
        schools=await schools_named(uow, cmd.school_codes),
        covered_villages=await covered_villages(uow, t.state.station_code, t.state.period_start),
        added_on=cmd.added_on,
        today=today_in_china(),
    )
    return await t.record(events, on=cmd.added_on)


async def at_school_of(uow: Uow, drive: Drive, school_code: str, on: date) -> Jurisdiction:
    """A school day of a drive: the school's township and village that day, with the drive's station."""
    school = (await SCHOOL.load(uow, school_code)).state
    assert school is not None  # a target of a drive is a registered school
    at_school = await uow.orgs.jurisdiction_of(school.village_code, on)
    return at_school.model_copy(update={"station": drive.station_code})


async def record_school_visit(
    uow: Uow, ctx: CommandContext, drive_id: str, cmd: c.RecordSchoolVisit
) -> CommandResult:
    t = await DRIVE.act(uow, ctx, drive_id, WRITERS)
    events = drives.record_visit(t.state, drives.SchoolVisit(**cmd.model_dump()), today=today_in_china())
    at_school = await at_school_of(uow, t.state, cmd.school_code, cmd.visited_on)
    return await t.record(events, on=cmd.visited_on, jurisdiction=at_school)


async def correct_school_visit(
    uow: Uow, ctx: CommandContext, drive_id: str, cmd: c.RecordSchoolVisit
) -> CommandResult:
    t = await DRIVE.act(uow, ctx, drive_id, WRITERS)
    events = drives.correct_visit(t.state, drives.SchoolVisit(**cmd.model_dump()))
    at_school = await at_school_of(uow, t.state, cmd.school_code, cmd.visited_on)
    return await t.record(events, jurisdiction=at_school)


async def close_drive(
    uow: Uow, ctx: CommandContext, drive_id: str, cmd: c.CloseRegistrationDrive
) -> CommandResult:
    return await DRIVE.decide(
        uow, ctx, drive_id, WRITERS, drives.close, cmd, on=cmd.closed_on, today=today_in_china()
    )


# ---------------------------------------------------------------- enterprise cases


async def open_case(uow: Uow, ctx: CommandContext, cmd: c.OpenEnterpriseCase) -> CommandResult:
    opening = cases.Opening(uuid.uuid4().hex, **cmd.model_dump())
    where = lambda: at_enterprise(uow, cmd.enterprise_code, cmd.opened_on)  # noqa: E731
    t = await CASE.create(uow, ctx, opening.case_id, WRITERS, where)
    enterprise = (await ENTERPRISE.load(uow, cmd.enterprise_code)).state
    events = cases.open_case(opening, enterprise=enterprise, today=today_in_china())
    return await t.record(events, on=cmd.opened_on)


async def handle_case(
    uow: Uow, ctx: CommandContext, case_id: str, cmd: c.HandleEnterpriseCase
) -> CommandResult:
    return await CASE.decide(
        uow, ctx, case_id, WRITERS, cases.handle, cmd, on=cmd.handled_on, today=today_in_china()
    )


# ---------------------------------------------------------------- enterprise visits


async def record_enterprise_visit(
    uow: Uow, ctx: CommandContext, cmd: c.RecordEnterpriseVisit
) -> CommandResult:
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
    where = lambda: at_enterprise(uow, cmd.enterprise_code, cmd.visited_on)  # noqa: E731
    t = await VISIT.create(uow, ctx, visit.visit_id, WRITERS, where)
    events = enterprise_visits.record(
        visit,
        enterprise=(await ENTERPRISE.load(uow, cmd.enterprise_code)).state,
        officer=await uow.officer(cmd.officer_person_id),
        case=(await CASE.load(uow, cmd.case_id)).state if cmd.case_id is not None else None,
        today=today_in_china(),
    )
    return await t.record(events, on=cmd.visited_on)


async def plan_follow_up(uow: Uow, ctx: CommandContext, visit_id: str, cmd: c.PlanFollowUp) -> CommandResult:
    t = await VISIT.act(uow, ctx, visit_id, WRITERS)
    return await t.record(enterprise_visits.plan_follow_up(t.state, PlannedAction(cmd.action, cmd.due_on)))


async def complete_follow_up(
    uow: Uow, ctx: CommandContext, visit_id: str, action_no: int, cmd: c.CompleteFollowUp
) -> CommandResult:
    t = await VISIT.act(uow, ctx, visit_id, WRITERS, on=cmd.completed_on)
    events = enterprise_visits.complete_follow_up(
        t.state, action_no, **cmd.model_dump(), today=today_in_china()
    )
    return await t.record(events, on=cmd.completed_on)


# ---------------------------------------------------------------- job referrals


async def make_referral(uow: Uow, ctx: CommandContext, cmd: c.MakeJobReferral) -> CommandResult:
    referral = referrals.Referral(uuid.uuid4().hex, **cmd.model_dump())
    where = lambda: at_enterprise(uow, cmd.enterprise_code, cmd.referred_on)  # noqa: E731
    t = await REFERRAL.create(uow, ctx, referral.referral_id, WRITERS, where)
    events = referrals.refer(
        referral,
        enterprise=(await ENTERPRISE.load(uow, cmd.enterprise_code)).state,
        pending_referral_id=await uow.pending_referral(cmd.person_ref, cmd.enterprise_code),
        today=today_in_china(),
    )
    await uow.hold_referral(referral.referral_id, cmd.person_ref, cmd.enterprise_code)
    return await t.record(events, on=cmd.referred_on)


async def record_referral_outcome(
    uow: Uow, ctx: CommandContext, referral_id: str, cmd: c.RecordReferralOutcome
) -> CommandResult:
    t = await REFERRAL.act(uow, ctx, referral_id, WRITERS, on=cmd.decided_on)
    events = referrals.record_outcome(t.state, **cmd.model_dump(), today=today_in_china())
    answer = await t.record(events, on=cmd.decided_on)
    await uow.release_referral(referral_id)
    return answer
