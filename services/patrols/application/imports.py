"""Bulk import of daily police activity from a station's own system, CSV or JSON.

All or nothing (govgrid.imports): every row is validated and tried inside one transaction, whose
events are stored in one statement at the end; if any row is rejected the whole file is refused
(422, a report of each rejected row and why) and nothing is stored. Per station-day: a new day is
``imported``, the same figures again ``unchanged`` (a re-import appends nothing), other figures
``changed`` (a PoliceActivityCorrected).
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from datetime import date

from govgrid.aggregate import append_to
from govgrid.aggregate import load
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.errors import RuleBroken
from govgrid.eventstore import EventStore
from govgrid.eventstore.batch import StreamBatch
from govgrid.imports import Outcome
from govgrid.imports import import_rows
from govgrid.reference import OrgUnitRef
from services.patrols.application import handlers
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.domain import police_activity
from services.patrols.domain.police_activity import DailyFigures


def row_key(row: PoliceActivityRow) -> str:
    return f"{row.station_code}/{row.day.isoformat()}"


async def record_police_activity(
    events: EventStore,
    ctx: CommandContext,
    row: PoliceActivityRow,
    today: date,
    station: Callable[[str], Awaitable[object]],
) -> Outcome:
    jurisdiction = handlers.station_jurisdiction(row.station_code)
    ctx.principal.ensure_can_change(jurisdiction)
    await station(row.station_code)
    loaded = await load(events, police_activity.stream_id(row.station_code, row.day), police_activity.evolve)
    figures = DailyFigures(row.calls_for_service, row.criminal_cases, row.public_security_cases)
    decided = police_activity.record(
        loaded.state, station_code=row.station_code, day=row.day, figures=figures, today=today
    )
    await append_to(events, ctx, loaded, decided, jurisdiction, on=row.day)
    if not decided:
        return "unchanged"
    return "imported" if loaded.state is None else "changed"


async def import_police_activity(
    uow: PatrolsUnitOfWork, ctx: CommandContext, rows: list[tuple[int, PoliceActivityRow]]
) -> CommandResult:
    ctx.require_role(handlers.WRITERS)
    today = today_in_china()
    seen: set[str] = set()
    # Set-based: the file's streams in one read, its events in one write (not a read and an append
    # per row); a file has few stations, each looked up once.
    batch = StreamBatch(uow.events)
    await batch.preload(police_activity.stream_id(row.station_code, row.day) for _, row in rows)
    stations: dict[str, OrgUnitRef | RuleBroken] = {}

    async def station(code: str) -> OrgUnitRef:
        if code not in stations:
            try:
                stations[code] = await uow.orgs.require(code, OrgUnitKind.POLICE_STATION)
            except RuleBroken as exc:
                stations[code] = exc
        known = stations[code]
        if isinstance(known, RuleBroken):
            raise RuleBroken(known.code, known.message)
        return known

    async def apply_row(uow: PatrolsUnitOfWork, ctx: CommandContext, row: PoliceActivityRow) -> Outcome:
        # Two rows of one station-day in one file: which one is right is not ours to guess.
        if row_key(row) in seen:
            raise RuleBroken("duplicate_station_day", f"{row_key(row)} appears more than once in the file")
        seen.add(row_key(row))
        return await record_police_activity(batch, ctx, row, today, station)

    result = await import_rows(uow, ctx, rows, row_key, apply_row)  # raises if any row is rejected
    await batch.flush()
    return result
