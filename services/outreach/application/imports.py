"""Bulk registration of schools and enterprises, from CSV or JSON (the 274 schools of the programme).

All or nothing: every row is validated and tried inside one transaction; if any row is rejected the
whole import is refused (422, a report of each rejected row and why) and nothing is stored.
Re-importing the same file changes nothing: a row equal to what is registered counts as unchanged.
A row that differs from its registered school or enterprise is rejected: registrations are not
edited by import. Set-based (govgrid.eventstore.batch): the file's streams are read in one query,
each row is decided by the ordinary handlers in memory, and its events are stored in one statement.
"""

from __future__ import annotations

from govgrid.commands import CommandContext, CommandResult
from govgrid.errors import RuleBroken
from govgrid.eventstore.batch import batched
from govgrid.imports import Outcome, import_rows
from services.outreach.application import commands as c
from services.outreach.application import handlers
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.domain.enterprises import Enterprise, EnterpriseCodeMustBeFree
from services.outreach.domain.schools import School, SchoolCodeMustBeFree

# The rows of a file are the registration commands themselves.
SchoolRow = c.RegisterSchool
EnterpriseRow = c.RegisterEnterprise


async def apply_school_row(uow: OutreachUnitOfWork, ctx: CommandContext, row: SchoolRow) -> Outcome:
    school = (await handlers.SCHOOL.load(uow, row.school_code)).state
    if school is None:
        await handlers.register_school(uow, ctx, row)
        return "imported"
    if school == School(**row.model_dump()):
        return "unchanged"
    raise RuleBroken(
        SchoolCodeMustBeFree.code,
        f"school {row.school_code} is registered as {school.name_zh} in {school.village_code}, "
        "unlike this row",
    )


async def import_schools(
    uow: OutreachUnitOfWork, ctx: CommandContext, rows: list[tuple[int, SchoolRow]]
) -> CommandResult:
    ctx.require_role(handlers.WRITERS)
    async with batched(uow, (handlers.SCHOOL.stream_id(row.school_code) for _, row in rows)):
        return await import_rows(uow, ctx, rows, lambda r: r.school_code, apply_school_row)


async def apply_enterprise_row(uow: OutreachUnitOfWork, ctx: CommandContext, row: EnterpriseRow) -> Outcome:
    enterprise = (await handlers.ENTERPRISE.load(uow, row.enterprise_code)).state
    if enterprise is None:
        await handlers.register_enterprise(uow, ctx, row)
        return "imported"
    if enterprise == Enterprise(**row.model_dump()):
        return "unchanged"
    raise RuleBroken(
        EnterpriseCodeMustBeFree.code,
        f"enterprise {row.enterprise_code} is registered as {enterprise.name} ({enterprise.sector.value}) "
        f"in {enterprise.village_code}, unlike this row",
    )


async def import_enterprises(
    uow: OutreachUnitOfWork, ctx: CommandContext, rows: list[tuple[int, EnterpriseRow]]
) -> CommandResult:
    ctx.require_role(handlers.WRITERS)
    async with batched(uow, (handlers.ENTERPRISE.stream_id(row.enterprise_code) for _, row in rows)):
        return await import_rows(uow, ctx, rows, lambda r: r.enterprise_code, apply_enterprise_row)
