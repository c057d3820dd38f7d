"""Bulk import of the organisation tree and of people, from CSV or JSON.

All or nothing: every row is validated and tried inside one transaction; if any row is rejected the
whole import is refused (422, a report of each rejected row and why) and nothing is stored.
Set-based (govgrid.eventstore.batch): the streams a file names are read in one query, each row is
decided by the ordinary handlers in memory, and the file's events are stored in one statement.
Re-importing the same file changes nothing: rows that match what is registered count as unchanged.
"""

from __future__ import annotations

from pydantic import Field
from pydantic import model_validator

from govgrid.bounds import Day
from govgrid.catalogue.organisation import Location
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.errors import RuleBroken
from govgrid.eventstore.batch import batched
from govgrid.imports import Outcome
from govgrid.imports import import_rows
from govgrid.privacy import FreeText
from services.appointments.application import commands as c
from services.appointments.application import handlers
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.domain.people import PersonRole


class OrgUnitRow(c.RegisterOrgUnit):
    """A unit, optionally the station that covers it (villages and communities) from a date, and
    optionally where it is: ``latitude`` and ``longitude`` columns (a spreadsheet's cells), or in
    JSON a ``location`` (which may carry a boundary)."""

    station_code: str | None = Field(default=None, min_length=1, max_length=32, pattern=c.CODE_PATTERN)
    coverage_from: Day | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90, description="Degrees north (WGS 84).")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="Degrees east (WGS 84).")

    @model_validator(mode="after")
    def coverage_needs_both(self) -> OrgUnitRow:
        if (self.station_code is None) != (self.coverage_from is None):
            raise ValueError("station_code and coverage_from go together")
        return self

    @model_validator(mode="after")
    def a_point_needs_both(self) -> OrgUnitRow:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        if self.latitude is not None and self.location is not None:
            raise ValueError("give latitude and longitude, or location, not both")
        return self

    def location_given(self, known: Location | None) -> Location | None:
        """Where the row puts the unit: a point alone moves the known point and keeps its boundary."""
        if self.latitude is None or self.longitude is None:
            return self.location
        boundary = known.boundary if known else None
        return Location(latitude=self.latitude, longitude=self.longitude, boundary=boundary)


class PersonRow(c.Command):
    person_id: str = c.PersonId
    role: PersonRole
    display_name: FreeText = Field(min_length=1, max_length=100)
    badge_number: str | None = Field(default=None, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    station_code: str | None = Field(default=None, min_length=1, max_length=32, pattern=c.CODE_PATTERN)
    village_code: str | None = Field(default=None, min_length=1, max_length=32, pattern=c.CODE_PATTERN)
    post: FreeText | None = Field(default=None, min_length=1, max_length=50)

    @model_validator(mode="after")
    def fields_for_the_role(self) -> PersonRow:
        needed = (
            ("badge_number", "station_code")
            if self.role is PersonRole.POLICE_OFFICER
            else ("village_code", "post")
        )
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.role.value} needs {' and '.join(missing)}")
        return self


# ---------------------------------------------------------------- organisation units


def parents_first(rows: list[tuple[int, OrgUnitRow]]) -> list[tuple[int, OrgUnitRow]]:
    """Order rows so a unit comes after its parent when both are in the file (any file order works)."""
    in_file = {row.code: row for _, row in rows}

    def depth(row: OrgUnitRow, seen: frozenset[str] = frozenset()) -> int:
        parent = in_file.get(row.parent_code or "")
        if parent is None or parent.code in seen:  # a cycle is left to the parent rule to reject
            return 0
        return 1 + depth(parent, seen | {row.code})

    return sorted(rows, key=lambda numbered: depth(numbered[1]))


async def apply_org_unit_row(uow: AppointmentsUnitOfWork, ctx: CommandContext, row: OrgUnitRow) -> Outcome:
    outcome: Outcome = "unchanged"
    unit = (await handlers.ORG_UNIT.load(uow, row.code)).state
    if unit is None:
        registration = row.model_dump(include=set(c.RegisterOrgUnit.model_fields) - {"location"})
        await handlers.register_unit(
            uow, ctx, c.RegisterOrgUnit(**registration, location=row.location_given(None))
        )
        outcome = "imported"
    else:
        if (unit.kind, unit.parent_code) != (row.kind, row.parent_code):
            raise RuleBroken(
                "unit_already_registered",
                f"{row.code} is registered as a {unit.kind.value} under {unit.parent_code}, unlike this row",
            )
        if (unit.name_zh, unit.name_en) != (row.name_zh, row.name_en):
            await handlers.rename_unit(
                uow, ctx, row.code, c.RenameOrgUnit(name_zh=row.name_zh, name_en=row.name_en)
            )
            outcome = "changed"
        location = row.location_given(unit.location)
        if location is not None and location != unit.location:
            await handlers.locate_unit(uow, ctx, row.code, c.LocateOrgUnit(location=location))
            outcome = "changed"
    if row.station_code is not None and row.coverage_from is not None:
        unit = (await handlers.ORG_UNIT.load(uow, row.code)).state
        assert unit is not None
        current = unit.current_coverage
        if current is None or current.station_code != row.station_code:
            coverage = c.AssignVillageCoverage(
                station_code=row.station_code, effective_from=row.coverage_from
            )
            await handlers.assign_coverage(uow, ctx, row.code, coverage)
            outcome = "imported" if outcome == "imported" else "changed"
    return outcome


async def import_org_units(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, rows: list[tuple[int, OrgUnitRow]]
) -> CommandResult:
    ctx.require_role(handlers.REGISTRY_EDITORS)
    named = {code for _, row in rows for code in (row.code, row.parent_code, row.station_code) if code}
    async with batched(uow, map(handlers.ORG_UNIT.stream_id, named)):
        return await import_rows(uow, ctx, parents_first(rows), lambda r: r.code, apply_org_unit_row)


# ---------------------------------------------------------------- people


async def apply_person_row(uow: AppointmentsUnitOfWork, ctx: CommandContext, row: PersonRow) -> Outcome:
    person = (await handlers.PERSON.load(uow, row.person_id)).state
    if row.role is PersonRole.POLICE_OFFICER:
        assert row.badge_number is not None and row.station_code is not None
        registered = person and (person.role, person.display_name, person.station_code, person.badge_number)
        wanted: tuple[object, ...] = (row.role, row.display_name, row.station_code, row.badge_number)
        command: c.RegisterPoliceOfficer | c.RegisterVillageCadre = c.RegisterPoliceOfficer(
            person_id=row.person_id,
            badge_number=row.badge_number,
            station_code=row.station_code,
            display_name=row.display_name,
        )
    else:
        assert row.village_code is not None and row.post is not None
        registered = person and (person.role, person.display_name, person.village_code, person.post)
        wanted = (row.role, row.display_name, row.village_code, row.post)
        command = c.RegisterVillageCadre(
            person_id=row.person_id,
            village_code=row.village_code,
            display_name=row.display_name,
            post=row.post,
        )
    if registered == wanted:
        return "unchanged"
    if person is not None:
        raise RuleBroken(
            "person_already_registered",
            f"person {row.person_id} is registered with other data; change it by command",
        )
    if isinstance(command, c.RegisterPoliceOfficer):
        await handlers.register_officer(uow, ctx, command)
    else:
        await handlers.register_cadre(uow, ctx, command)
    return "imported"


async def import_people(
    uow: AppointmentsUnitOfWork, ctx: CommandContext, rows: list[tuple[int, PersonRow]]
) -> CommandResult:
    ctx.require_role(handlers.PEOPLE_EDITORS)
    people = [handlers.PERSON.stream_id(row.person_id) for _, row in rows]
    units = {code for _, row in rows for code in (row.station_code, row.village_code) if code}
    async with batched(uow, [*people, *map(handlers.ORG_UNIT.stream_id, units)]):
        return await import_rows(uow, ctx, rows, lambda r: r.person_id, apply_person_row)
