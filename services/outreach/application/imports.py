"""Bulk registration of schools and enterprises, from CSV or JSON (the 274 schools of the programme).

All or nothing: every row is validated and tried inside one transaction; if any row is rejected the
whole import is refused (422, a report of each rejected row and why) and nothing is stored.
Re-importing the same file changes nothing: a row equal to what is registered counts as unchanged.
A row that differs from its registered school or enterprise is rejected: registrations are not
edited by import. Set-based (govgrid.eventstore.batch): the file's streams are read in one query,
each row is decided by the ordinary handlers in memory, and its events are stored in one statement.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from pydantic import BaseModel

from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.eventstore.batch import batched
from govgrid.imports import Outcome
from govgrid.imports import import_rows
from govgrid.rules import Rule
from govgrid.rules import check
from govgrid.service import Aggregate
from services.outreach.application import commands as c
from services.outreach.application import handlers
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.domain import enterprises
from services.outreach.domain import schools
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.schools import School

# The rows of a file are the registration commands themselves.
SchoolRow = c.RegisterSchool
EnterpriseRow = c.RegisterEnterprise

Row = TypeVar("Row", bound=BaseModel)
Record = TypeVar("Record")


@dataclass(frozen=True)
class Registrations(Generic[Row, Record]):
    """A kind of registered organisation as a file imports it: each row is its registration command,
    naming the record by ``key``; the row of a record registered already must say what is registered
    (``row_must_be_the_record``, the domain's rule)."""

    aggregate: Aggregate[Record, OutreachUnitOfWork]
    key: Callable[[Row], str]
    register: Callable[[OutreachUnitOfWork, CommandContext, Row], Awaitable[CommandResult]]
    row_must_be_the_record: Callable[[Record, dict[str, Any]], Rule]

    async def apply_row(self, uow: OutreachUnitOfWork, ctx: CommandContext, row: Row) -> Outcome:
        found = (await self.aggregate.load(uow, self.key(row))).state
        if found is None:
            await self.register(uow, ctx, row)
            return "imported"
        check(self.row_must_be_the_record(found, row.model_dump()))
        return "unchanged"

    async def import_rows(
        self, uow: OutreachUnitOfWork, ctx: CommandContext, rows: list[tuple[int, Row]]
    ) -> CommandResult:
        ctx.require_role(handlers.WRITERS)
        async with batched(uow, (self.aggregate.stream_id(self.key(row)) for _, row in rows)):
            return await import_rows(uow, ctx, rows, self.key, self.apply_row)


SCHOOLS: Registrations[SchoolRow, School] = Registrations(
    handlers.SCHOOL,
    key=lambda row: row.school_code,
    register=handlers.register_school,
    row_must_be_the_record=schools.RowMustBeTheRegisteredSchool,
)
ENTERPRISES: Registrations[EnterpriseRow, Enterprise] = Registrations(
    handlers.ENTERPRISE,
    key=lambda row: row.enterprise_code,
    register=handlers.register_enterprise,
    row_must_be_the_record=enterprises.RowMustBeTheRegisteredEnterprise,
)


# Functions, not the bound methods: a route is named after its handler (the OpenAPI operationId).
async def import_schools(
    uow: OutreachUnitOfWork, ctx: CommandContext, rows: list[tuple[int, SchoolRow]]
) -> CommandResult:
    return await SCHOOLS.import_rows(uow, ctx, rows)


async def import_enterprises(
    uow: OutreachUnitOfWork, ctx: CommandContext, rows: list[tuple[int, EnterpriseRow]]
) -> CommandResult:
    return await ENTERPRISES.import_rows(uow, ctx, rows)
