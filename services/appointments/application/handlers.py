"""Command handlers: each runs the kernel's pipeline (govgrid.service.pipeline): role, target,
jurisdiction, then the domain's decision, then the append, in the command's one transaction.

A new record's jurisdiction comes from the units its command names (the organisation tree is no
secret); the rules that read other records (a badge number's holder, a person's appointments) run
only once the caller may act there.
"""

from __future__ import annotations

import uuid
from datetime import date

from govgrid.auth import Role
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from govgrid.rules import check
from govgrid.service import Aggregate
from govgrid.service import Recorded
from services.appointments.application import commands as c
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork as Uow
from services.appointments.domain import appointments
from services.appointments.domain import org_units
from services.appointments.domain import people
from services.appointments.domain.appointments import Appointment
from services.appointments.domain.appointments import Nomination
from services.appointments.domain.org_units import OrgUnit
from services.appointments.domain.people import Person

REGISTRY_EDITORS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER})
PEOPLE_EDITORS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER})
APPROVERS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER})  # the party committees approve


async def referenced_unit(uow: Uow, code: str) -> OrgUnit:
    """A unit named in a command's body: unknown is a broken rule (409), not a missing resource (404)."""
    unit = (await ORG_UNIT.load(uow, code)).state
    if unit is None:
        raise RuleBroken("unknown_org_unit", f"organisation unit {code} is not registered")
    return unit


async def unit_jurisdiction(uow: Uow, unit: OrgUnit, on: date | None = None) -> Jurisdiction:
    parent = (
        (await ORG_UNIT.load(uow, unit.parent_code)).state
        if unit.kind is OrgUnitKind.GRID and unit.parent_code
        else None
    )
    return org_units.jurisdiction_of(unit, parent)


async def person_jurisdiction(uow: Uow, person: Person, on: date | None = None) -> Jurisdiction:
    if person.station_code is not None:  # an officer belongs to the station
        return Jurisdiction(station=person.station_code)
    assert person.village_code is not None
    return await unit_jurisdiction(uow, await referenced_unit(uow, person.village_code))


async def appointment_jurisdiction(
    uow: Uow, appointment: Appointment, on: date | None = None
) -> Jurisdiction:
    village = await referenced_unit(uow, appointment.village_code)
    return Jurisdiction(township=village.parent_code, station=appointment.station_code, village=village.code)


ORG_UNIT = Aggregate("organisation unit", org_units.stream_id, org_units.evolve, unit_jurisdiction)
PERSON = Aggregate("person", people.stream_id, people.evolve, person_jurisdiction)
APPOINTMENT = Aggregate("appointment", appointments.stream_id, appointments.evolve, appointment_jurisdiction)


# ---------------------------------------------------------------- organisation units


async def register_unit(uow: Uow, ctx: CommandContext, cmd: c.RegisterOrgUnit) -> CommandResult:
    parent: OrgUnit | None = None  # read once, by where(): each read is a round trip and a fold

    async def where() -> Jurisdiction:
        nonlocal parent
        parent = (await ORG_UNIT.load(uow, cmd.parent_code)).state if cmd.parent_code else None
        # Where the unit hangs decides whose it is: the placement is checked first, then who may place it.
        check(org_units.ParentMustFit(cmd.kind, cmd.parent_code, parent))
        unit = OrgUnit(cmd.code, cmd.kind, cmd.name_zh, cmd.name_en, cmd.parent_code, location=cmd.location)
        return org_units.jurisdiction_of(unit, parent)

    t = await ORG_UNIT.create(uow, ctx, cmd.code, REGISTRY_EDITORS, where)
    # dict(cmd), not model_dump(): the location stays a Location.
    return await t.record(org_units.register(t.loaded.state, parent, **dict(cmd)))


async def rename_unit(uow: Uow, ctx: CommandContext, code: str, cmd: c.RenameOrgUnit) -> CommandResult:
    return await ORG_UNIT.decide(uow, ctx, code, REGISTRY_EDITORS, org_units.rename, cmd)


async def locate_unit(uow: Uow, ctx: CommandContext, code: str, cmd: c.LocateOrgUnit) -> CommandResult:
    return await ORG_UNIT.decide(uow, ctx, code, REGISTRY_EDITORS, org_units.locate, cmd)


async def assign_coverage(
    uow: Uow, ctx: CommandContext, village_code: str, cmd: c.AssignVillageCoverage
) -> CommandResult:
    t = await ORG_UNIT.act(uow, ctx, village_code, REGISTRY_EDITORS)
    station = await referenced_unit(uow, cmd.station_code)
    events = org_units.assign_coverage(t.state, station, effective_from=cmd.effective_from)
    # The village's events are filed under its new station from now on.
    moved = await unit_jurisdiction(uow, ORG_UNIT.after(t.state, events))
    return await t.record(events, on=cmd.effective_from, jurisdiction=moved)


async def end_coverage(
    uow: Uow, ctx: CommandContext, village_code: str, cmd: c.EndVillageCoverage
) -> CommandResult:
    return await ORG_UNIT.decide(
        uow, ctx, village_code, REGISTRY_EDITORS, org_units.end_coverage, cmd, on=cmd.effective_until
    )


# ---------------------------------------------------------------- people


async def register_officer(uow: Uow, ctx: CommandContext, cmd: c.RegisterPoliceOfficer) -> CommandResult:
    async def where() -> Jurisdiction:
        return Jurisdiction(station=(await referenced_unit(uow, cmd.station_code)).code)

    t = await PERSON.create(uow, ctx, cmd.person_id, PEOPLE_EDITORS, where)
    events = people.register_officer(
        t.loaded.state,
        await referenced_unit(uow, cmd.station_code),
        person_id=cmd.person_id,
        badge_number=cmd.badge_number,
        badge_holder=await uow.badge_holder(cmd.badge_number),
        display_name=cmd.display_name,
    )
    await uow.claim_badge(cmd.badge_number, cmd.person_id)
    return await t.record(events)


async def register_cadre(uow: Uow, ctx: CommandContext, cmd: c.RegisterVillageCadre) -> CommandResult:
    async def where() -> Jurisdiction:
        return await unit_jurisdiction(uow, await referenced_unit(uow, cmd.village_code))

    t = await PERSON.create(uow, ctx, cmd.person_id, PEOPLE_EDITORS, where)
    village = await referenced_unit(uow, cmd.village_code)
    return await t.record(
        people.register_cadre(
            t.loaded.state, village, person_id=cmd.person_id, display_name=cmd.display_name, post=cmd.post
        )
    )


async def transfer_officer(
    uow: Uow, ctx: CommandContext, person_id: str, cmd: c.TransferPoliceOfficer
) -> CommandResult:
    """Transfers the officer; a deputy-secretary post in a village the new station does not cover ends."""
    t = await PERSON.act(uow, ctx, person_id, PEOPLE_EDITORS)
    station = await referenced_unit(uow, cmd.to_station_code)
    events = people.transfer_officer(t.state, person_id, station, effective_on=cmd.effective_on)
    moved = await person_jurisdiction(uow, PERSON.after(t.state, events))
    recorded = await t.append(events, on=cmd.effective_on, jurisdiction=moved)
    for appointment_id in await uow.active_appointments(person_id, AppointmentKind.DEPUTY_PARTY_SECRETARY):
        appointment = await APPOINTMENT.load(uow, appointment_id)
        village = await referenced_unit(uow, appointment.require("appointment", appointment_id).village_code)
        if village.station_on(cmd.effective_on) != station.code:
            reason, note = AppointmentEndReason.TRANSFERRED, f"officer transferred to {station.code}"
            await end_active(uow, ctx, appointment_id, reason, cmd.effective_on, note)
    return recorded.answer()


async def record_leaving(
    uow: Uow, ctx: CommandContext, person_id: str, cmd: c.RecordLeavingService
) -> CommandResult:
    """The person leaves service; every active appointment of theirs ends with them."""
    t = await PERSON.act(uow, ctx, person_id, PEOPLE_EDITORS)
    events = people.leave_service(t.state, person_id, reason=cmd.reason, effective_on=cmd.effective_on)
    recorded = await t.append(events, on=cmd.effective_on)
    for appointment_id in await uow.active_appointments(person_id):
        note = f"left service: {cmd.reason.value}"
        await end_active(uow, ctx, appointment_id, AppointmentEndReason.REVOKED, cmd.effective_on, note)
    return recorded.answer()


# ---------------------------------------------------------------- appointments


async def nominate(uow: Uow, ctx: CommandContext, cmd: c.NominateAppointment) -> CommandResult:
    person = (await PERSON.load(uow, cmd.person_id)).state
    village, station = await nominated_pair(uow, cmd, person)

    async def where() -> Jurisdiction:
        # The pair's places (a township officer nominates in its villages): the person's other
        # appointments are looked at only once the caller may act there.
        return Jurisdiction(township=village.parent_code, station=station.code, village=village.code)

    appointment_id = uuid.uuid4().hex
    t = await APPOINTMENT.create(uow, ctx, appointment_id, PEOPLE_EDITORS, where)
    events = appointments.nominate(
        Nomination(appointment_id, **dict(cmd)),
        person=person,
        village=village,
        station=station,
        active_same_kind=await uow.active_appointments(cmd.person_id, cmd.kind),
    )
    await uow.hold(appointment_id, cmd.person_id, cmd.kind)
    return await t.record(events)


async def nominated_pair(
    uow: Uow, cmd: c.NominateAppointment, person: Person | None
) -> tuple[OrgUnit, OrgUnit]:
    """The appointment's village and station: one named by the command, the other the person's."""
    organisation = await referenced_unit(uow, cmd.organisation_code)
    if cmd.kind is AppointmentKind.DEPUTY_PARTY_SECRETARY:
        own = person.station_code if person else None
        return organisation, await referenced_unit(uow, own) if own else organisation
    own = person.village_code if person else None
    return await referenced_unit(uow, own) if own else organisation, organisation


async def approve(
    uow: Uow, ctx: CommandContext, appointment_id: str, cmd: c.ApproveAppointment
) -> CommandResult:
    return await APPOINTMENT.decide(
        uow, ctx, appointment_id, APPROVERS, appointments.approve, cmd, on=cmd.approved_on
    )


async def issue_certificate(
    uow: Uow, ctx: CommandContext, appointment_id: str, cmd: c.IssueCertificate
) -> CommandResult:
    t = await APPOINTMENT.act(uow, ctx, appointment_id, APPROVERS)
    appointments.check_can_issue_certificate(t.state, issued_on=cmd.issued_on)  # before drawing a number
    year = cmd.issued_on.year
    number = appointments.certificate_number(
        uow.certificate_prefix, year, await uow.next_certificate_sequence(year)
    )
    events = appointments.issue_certificate(t.state, certificate_number=number, issued_on=cmd.issued_on)
    return await t.record(events, on=cmd.issued_on)


async def end_appointment(
    uow: Uow, ctx: CommandContext, appointment_id: str, cmd: c.EndAppointment
) -> CommandResult:
    await APPOINTMENT.act(uow, ctx, appointment_id, PEOPLE_EDITORS)
    return (await end_active(uow, ctx, appointment_id, cmd.reason, cmd.ended_on, cmd.note)).answer()


async def end_active(
    uow: Uow,
    ctx: CommandContext,
    appointment_id: str,
    reason: AppointmentEndReason,
    ended_on: date,
    note: str,
) -> Recorded[Appointment]:
    """End an appointment, by itself or as the consequence of a command on its holder."""
    t = await APPOINTMENT.affected(uow, ctx, appointment_id)
    events = appointments.end(t.state, reason=reason, ended_on=ended_on, note=note)
    recorded = await t.append(events, on=ended_on)
    await uow.release(appointment_id)
    return recorded
