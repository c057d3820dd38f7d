"""Bulk import of daily police activity from a station's own system, CSV or JSON.

All or nothing (govgrid.imports): every row is validated and tried inside one transaction; if any
row is rejected the whole file is refused (422, a report of each rejected row and why) and nothing
is stored. Per station-day: a new day is ``imported``, the same figures again ``unchanged`` (a
re-import appends nothing), other figures ``changed`` (a PoliceActivityCorrected).
"""

from __future__ import annotations

from datetime import date

from govgrid.aggregate import append_to, load
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext, CommandResult
from govgrid.errors import RuleBroken
from govgrid.imports import Outcome, import_rows
from services.patrols.application import handlers
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.domain import police_activity
from services.patrols.domain.police_activity import DailyFigures


def row_key(row: PoliceActivityRow) -> str:
    return f"{row.station_code}/{row.day.isoformat()}"


async def record_police_activity(
    uow: PatrolsUnitOfWork, ctx: CommandContext, row: PoliceActivityRow, today: date
) -> Outcome:
    jurisdiction = handlers.station_jurisdiction(row.station_code)
    ctx.principal.ensure_can_change(jurisdiction)
    await uow.orgs.require(row.station_code, OrgUnitKind.POLICE_STATION)
    loaded = await load(
        uow.events, police_activity.stream_id(row.station_code, row.day), police_activity.evolve
    )
    figures = DailyFigures(row.calls_for_service, row.criminal_cases, row.public_security_cases)
    events = police_activity.record(
        loaded.state, station_code=row.station_code, day=row.day, figures=figures, today=today
    )
    await append_to(uow.events, ctx, loaded, events, jurisdiction, on=row.day)
    if not events:
        return "unchanged"
    return "imported" if loaded.state is None else "changed"


async def import_police_activity(
    uow: PatrolsUnitOfWork, ctx: CommandContext, rows: list[tuple[int, PoliceActivityRow]]
) -> CommandResult:
    ctx.require_role(handlers.WRITERS)
    today = today_in_china()
    seen: set[str] = set()

    async def apply_row(uow: PatrolsUnitOfWork, ctx: CommandContext, row: PoliceActivityRow) -> Outcome:
        # Two rows of one station-day in one file: which one is right is not ours to guess.
        if row_key(row) in seen:
            raise RuleBroken("duplicate_station_day", f"{row_key(row)} appears more than once in the file")
        seen.add(row_key(row))
        return await record_police_activity(uow, ctx, row, today)

    return await import_rows(uow, ctx, rows, row_key, apply_row)
