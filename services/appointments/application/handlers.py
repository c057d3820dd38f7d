"""Command handlers: load the aggregates a command needs, let the domain decide, append the events.

Each handler runs inside one transaction (govgrid.commands.PostgresCommandRunner) and checks the
caller's jurisdiction against the records it touches, not just the route.
"""

from __future__ import annotations

import uuid
from datetime import date

from govgrid.aggregate import Loaded, append_to, fold, load, state_body
from govgrid.auth import Role
from govgrid.catalogue.appointments import AppointmentEndReason, AppointmentKind
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandContext, CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from services.appointments.application import commands as c
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.domain import appointments, org_units, people
from services.appointments.domain.appointments import Appointment, Nomination
from services.appointments.domain.org_units import OrgUnit
from services.appointments.domain.people import Person

REGISTRY_EDITORS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER})
PEOPLE_EDITORS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER})
APPROVERS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER})  # the party committees approve


# ---------------------------------------------------------------- organisation units


async def load_unit(uow: AppointmentsUnitOfWork, code: str) -> Loaded[OrgUnit]:
    return await load(uow.events, org_units.stream_id(code), org_units.evolve)


async def referenced_unit(uow: AppointmentsUnitOfWork, code: str) -> OrgUnit:
    """A unit named in a command's body: unknown is a broken rule (409), not a missing resource (404)."""
    unit = (await load_unit(uow, code)).state
    if unit is None:
        raise RuleBroken("unknown_org_unit", f"organisation unit {code} is not registered")
    return unit


async def unit_jurisdiction(uow: AppointmentsUnitOfWork, unit: OrgUnit) -> Jurisdiction:
    parent = (
        (await load_unit(uow, unit.parent_code)).state
        if unit.kind is OrgUnitKind.GRID and unit.parent_code
        else None
    )
    return org_units.jurisdiction_of(unit, parent)


async def register_unit(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, cmd: c.RegisterOrgUnit
) -> CommandResult:
    ctx.require_role(REGISTRY_EDITORS)
    loaded = await load_unit(uow, cmd.code)
    parent = (await load_unit(uow, cmd.parent_code)).state if cmd.parent_code else None
    events = org_units.register(loaded.state, parent, **cmd.model_dump())
    unit = org_units.evolve(None, events[0])
    jurisdiction = await unit_jurisdiction(uow, unit)
    ctx.principal.ensure_can_change(jurisdiction)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(unit, version))


async def rename_unit(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, code: str, cmd: c.RenameOrgUnit
) -> CommandResult:
    ctx.require_role(REGISTRY_EDITORS)
    loaded = await load_unit(uow, code)
    unit = loaded.require("organisation unit", code)
    jurisdiction = await unit_jurisdiction(uow, unit)
    ctx.principal.ensure_can_change(jurisdiction)
    events = org_units.rename(unit, **cmd.model_dump())
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(200, state_body(fold(org_units.evolve, events, unit), version))


async def assign_coverage(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, village_code: str, cmd: c.AssignVillageCoverage
) -> CommandResult:
    ctx.require_role(REGISTRY_EDITORS)
    loaded = await load_unit(uow, village_code)
    unit = loaded.require("organisation unit", village_code)
    ctx.principal.ensure_can_change(await unit_jurisdiction(uow, unit))
    station = await referenced_unit(uow, cmd.station_code)
    events = org_units.assign_coverage(unit, station, effective_from=cmd.effective_from)
    village = fold(org_units.evolve, events, unit)
    version = await append_to(
        uow.events, ctx, loaded, events, await unit_jurisdiction(uow, village), on=cmd.effective_from
    )
    return CommandResult(200, state_body(village, version))


async def end_coverage(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, village_code: str, cmd: c.EndVillageCoverage
) -> CommandResult:
    ctx.require_role(REGISTRY_EDITORS)
    loaded = await load_unit(uow, village_code)
    unit = loaded.require("organisation unit", village_code)
    jurisdiction = await unit_jurisdiction(uow, unit)
    ctx.principal.ensure_can_change(jurisdiction)
    events = org_units.end_coverage(unit, station_code=cmd.station_code, effective_until=cmd.effective_until)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.effective_until)
    return CommandResult(200, state_body(fold(org_units.evolve, events, unit), version))


# ---------------------------------------------------------------- people


async def load_person(uow: AppointmentsUnitOfWork, person_id: str) -> Loaded[Person]:
    return await load(uow.events, people.stream_id(person_id), people.evolve)


async def person_jurisdiction(uow: AppointmentsUnitOfWork, person: Person) -> Jurisdiction:
    if person.station_code is not None:  # an officer belongs to the station
        return Jurisdiction(station=person.station_code)
    assert person.village_code is not None
    return await unit_jurisdiction(uow, await referenced_unit(uow, person.village_code))


async def register_officer(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, cmd: c.RegisterPoliceOfficer
) -> CommandResult:
    ctx.require_role(PEOPLE_EDITORS)
    loaded = await load_person(uow, cmd.person_id)
    station = await referenced_unit(uow, cmd.station_code)
    events = people.register_officer(
        loaded.state,
        station,
        person_id=cmd.person_id,
        badge_number=cmd.badge_number,
        badge_holder=await uow.badge_holder(cmd.badge_number),
        display_name=cmd.display_name,
    )
    person = people.evolve(None, events[0])
    jurisdiction = await person_jurisdiction(uow, person)
    ctx.principal.ensure_can_change(jurisdiction)
    await uow.claim_badge(cmd.badge_number, cmd.person_id)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(person, version))


async def register_cadre(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, cmd: c.RegisterVillageCadre
) -> CommandResult:
    ctx.require_role(PEOPLE_EDITORS)
    loaded = await load_person(uow, cmd.person_id)
    village = await referenced_unit(uow, cmd.village_code)
    events = people.register_cadre(
        loaded.state, village, person_id=cmd.person_id, display_name=cmd.display_name, post=cmd.post
    )
    person = people.evolve(None, events[0])
    jurisdiction = await person_jurisdiction(uow, person)
    ctx.principal.ensure_can_change(jurisdiction)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(person, version))


async def transfer_officer(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, person_id: str, cmd: c.TransferPoliceOfficer
) -> CommandResult:
    """Transfers the officer; a deputy-secretary post in a village the new station does not cover ends."""
    ctx.require_role(PEOPLE_EDITORS)
    loaded = await load_person(uow, person_id)
    current = loaded.require("person", person_id)
    ctx.principal.ensure_can_change(await person_jurisdiction(uow, current))
    station = await referenced_unit(uow, cmd.to_station_code)
    events = people.transfer_officer(current, person_id, station, effective_on=cmd.effective_on)
    person = fold(people.evolve, events, current)
    version = await append_to(
        uow.events, ctx, loaded, events, await person_jurisdiction(uow, person), on=cmd.effective_on
    )
    for appointment_id in await uow.active_appointments(person_id, AppointmentKind.DEPUTY_PARTY_SECRETARY):
        appointment = await load_appointment(uow, appointment_id)
        village = await referenced_unit(uow, appointment.require("appointment", appointment_id).village_code)
        if village.station_on(cmd.effective_on) != station.code:
            await end_loaded_appointment(
                uow,
                ctx,
                appointment,
                AppointmentEndReason.TRANSFERRED,
                cmd.effective_on,
                note=f"officer transferred to {station.code}",
            )
    return CommandResult(200, state_body(person, version))


async def record_leaving(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, person_id: str, cmd: c.RecordLeavingService
) -> CommandResult:
    """The person leaves service; every active appointment of theirs ends with them."""
    ctx.require_role(PEOPLE_EDITORS)
    loaded = await load_person(uow, person_id)
    person = loaded.require("person", person_id)
    jurisdiction = await person_jurisdiction(uow, person)
    ctx.principal.ensure_can_change(jurisdiction)
    events = people.leave_service(person, person_id, reason=cmd.reason, effective_on=cmd.effective_on)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.effective_on)
    for appointment_id in await uow.active_appointments(person_id):
        appointment = await load_appointment(uow, appointment_id)
        await end_loaded_appointment(
            uow,
            ctx,
            appointment,
            AppointmentEndReason.REVOKED,
            cmd.effective_on,
            note=f"left service: {cmd.reason.value}",
        )
    return CommandResult(200, state_body(fold(people.evolve, events, person), version))


# ---------------------------------------------------------------- appointments


async def load_appointment(uow: AppointmentsUnitOfWork, appointment_id: str) -> Loaded[Appointment]:
    return await load(uow.events, appointments.stream_id(appointment_id), appointments.evolve)


async def appointment_jurisdiction(uow: AppointmentsUnitOfWork, appointment: Appointment) -> Jurisdiction:
    village = await referenced_unit(uow, appointment.village_code)
    return Jurisdiction(township=village.parent_code, station=appointment.station_code, village=village.code)


async def nominate(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, cmd: c.NominateAppointment
) -> CommandResult:
    ctx.require_role(PEOPLE_EDITORS)
    person = (await load_person(uow, cmd.person_id)).state
    organisation = await referenced_unit(uow, cmd.organisation_code)
    if cmd.kind is AppointmentKind.DEPUTY_PARTY_SECRETARY:
        village = organisation
        station = (
            await referenced_unit(uow, person.station_code)
            if person and person.station_code
            else organisation
        )
    else:
        station = organisation
        village = (
            await referenced_unit(uow, person.village_code)
            if person and person.village_code
            else organisation
        )
    appointment_id = uuid.uuid4().hex
    events = appointments.nominate(
        Nomination(
            appointment_id, cmd.kind, cmd.person_id, cmd.organisation_code, cmd.term_start, cmd.term_end
        ),
        person=person,
        village=village,
        station=station,
        active_same_kind=await uow.active_appointments(cmd.person_id, cmd.kind),
    )
    appointment = appointments.evolve(None, events[0])
    jurisdiction = await appointment_jurisdiction(uow, appointment)
    ctx.principal.ensure_can_change(jurisdiction)
    await uow.hold(appointment_id, cmd.person_id, cmd.kind)
    loaded = await load(uow.events, appointments.stream_id(appointment_id), appointments.evolve)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction)
    return CommandResult(201, state_body(appointment, version))


async def approve(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, appointment_id: str, cmd: c.ApproveAppointment
) -> CommandResult:
    ctx.require_role(APPROVERS)
    loaded = await load_appointment(uow, appointment_id)
    appointment = loaded.require("appointment", appointment_id)
    jurisdiction = await appointment_jurisdiction(uow, appointment)
    ctx.principal.ensure_can_change(jurisdiction)
    events = appointments.approve(appointment, approved_on=cmd.approved_on)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.approved_on)
    return CommandResult(200, state_body(fold(appointments.evolve, events, appointment), version))


async def issue_certificate(
    uow: AppointmentsUnitOfWork,
    ctx: CommandContext,
    appointment_id: str,
    cmd: c.IssueCertificate,
    prefix: str,
) -> CommandResult:
    ctx.require_role(APPROVERS)
    loaded = await load_appointment(uow, appointment_id)
    appointment = loaded.require("appointment", appointment_id)
    jurisdiction = await appointment_jurisdiction(uow, appointment)
    ctx.principal.ensure_can_change(jurisdiction)
    appointments.check_can_issue_certificate(appointment, issued_on=cmd.issued_on)  # before drawing a number
    number = appointments.certificate_number(
        prefix, cmd.issued_on.year, await uow.next_certificate_sequence(cmd.issued_on.year)
    )
    events = appointments.issue_certificate(appointment, certificate_number=number, issued_on=cmd.issued_on)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=cmd.issued_on)
    return CommandResult(200, state_body(fold(appointments.evolve, events, appointment), version))


async def end_appointment(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, appointment_id: str, cmd: c.EndAppointment
) -> CommandResult:
    ctx.require_role(PEOPLE_EDITORS)
    loaded = await load_appointment(uow, appointment_id)
    appointment = loaded.require("appointment", appointment_id)
    ctx.principal.ensure_can_change(await appointment_jurisdiction(uow, appointment))
    state, version = await end_loaded_appointment(uow, ctx, loaded, cmd.reason, cmd.ended_on, cmd.note)
    return CommandResult(200, state_body(state, version))


async def end_loaded_appointment(
    uow: AppointmentsUnitOfWork,
    ctx: CommandContext,
    loaded: Loaded[Appointment],
    reason: AppointmentEndReason,
    ended_on: date,
    note: str,
) -> tuple[Appointment, int]:
    appointment = loaded.require("appointment", loaded.stream_id)
    events = appointments.end(appointment, reason=reason, ended_on=ended_on, note=note)
    jurisdiction = await appointment_jurisdiction(uow, appointment)
    version = await append_to(uow.events, ctx, loaded, events, jurisdiction, on=ended_on)
    await uow.release(appointment.appointment_id)
    return fold(appointments.evolve, events, appointment), version
