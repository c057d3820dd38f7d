"""Deadline clocks of leads and disputes (数字城管's case-loop timers): overdue, due within 24 hours,
paused, carried over (挂账), time per stage, per station and village, as of any day; and which clocks
were overdue on a day, and why."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from pydantic import Field

from govgrid.auth import CurrentPrincipal
from govgrid.auth import Role
from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.answers import Named
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import CallerScope
from services.projections.api.dependencies import ClocksModel
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import Paging
from services.projections.api.dependencies import RangeScope
from services.projections.queries import clocks

# Leads are police business: their clocks are listed and counted to those who act on them (the station,
# the township that extends them, the city); village cadres and viewers see disputes' only. A count of
# a village's lead clocks would be a lead figure below station level, which the small-count rule
# (queries/small_counts.py) keeps from them: figures count what the caller may list.
LEAD_CLOCK_READERS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER})


def listed_kinds(principal: CurrentPrincipal) -> list[str]:
    """The kinds of record whose clocks the caller is listed and counted."""
    return ["dispute", "lead"] if principal.role in LEAD_CLOCK_READERS else ["dispute"]


ListedKinds = Annotated[list[str], Depends(listed_kinds)]


router = APIRouter(prefix="/clocks", tags=["clocks"], responses=READ_ERRORS, dependencies=RECORDED)


class ClockFigures(Answer):
    open: int
    paused: int
    overdue: int
    due_within_24_hours: int
    carried_over: int


class StageTime(Answer):
    record_kind: str
    stage: str
    stopped: int
    average_hours: float
    stopped_late: int


class ClockSummary(ClockFigures):
    from_: date = Field(alias="from")
    as_of: date
    time_per_stage: list[StageTime]


class PlaceClocks(Named, ClockFigures):
    pass


class OverdueClock(Answer):
    """An overdue clock and why: its stage and owner, its deadline, and what moved it."""

    record_kind: str
    record_id: str
    stage: str
    township_code: str | None
    station_code: str | None
    village_code: str | None
    owner_role: str | None
    started_at: datetime
    due_on: date
    days_late: int
    pauses: int
    extended_by: str | None
    carried_over_from: str | None
    carried_over_into: str | None


class OverduePage(Answer):
    as_of: date
    items: list[OverdueClock]
    total: int
    page: int
    page_size: int


class OpenClock(OverdueClock):
    """An open clock: running or paused, and whether it is overdue or due within 24 hours."""

    paused: bool
    overdue: bool
    due_within_24_hours: bool


class OpenPage(Answer):
    as_of: date
    items: list[OpenClock]
    total: int
    page: int
    page_size: int


@router.get(
    "/summary",
    response_model=ClockSummary,
    summary="Open, paused, overdue, due within 24 hours and carried-over clocks at the end of `to`; "
    "time per stage of the clocks stopped from `from`",
)
async def summary(
    pool: ClocksModel, scope: RangeScope, days: DateRange, kinds: ListedKinds
) -> dict[str, Any]:
    return await clocks.summary(pool, scope, days.first, kinds)


@router.get("/by-station", response_model=list[PlaceClocks], summary="The clock figures per police station")
async def by_station(pool: ClocksModel, scope: CallerScope, kinds: ListedKinds) -> list[dict[str, Any]]:
    return await clocks.by_place(pool, scope, clocks.BY_STATION, kinds)


@router.get("/by-village", response_model=list[PlaceClocks], summary="The clock figures per village")
async def by_village(pool: ClocksModel, scope: CallerScope, kinds: ListedKinds) -> list[dict[str, Any]]:
    return await clocks.by_place(pool, scope, clocks.BY_VILLAGE, kinds)


@router.get(
    "/overdue",
    response_model=OverduePage,
    summary="The clocks overdue at the end of `as_of`, most overdue first, and why",
)
async def overdue(pool: ClocksModel, scope: CallerScope, page: Paging, kinds: ListedKinds) -> dict[str, Any]:
    return await clocks.overdue(pool, scope, page, kinds)


@router.get(
    "/open",
    response_model=OpenPage,
    summary="The clocks open at the end of `as_of` (running or paused), the soonest due first",
)
async def open_clocks(
    pool: ClocksModel, scope: CallerScope, page: Paging, kinds: ListedKinds
) -> dict[str, Any]:
    return await clocks.open_clocks(pool, scope, page, kinds)
