"""Dependencies of the read API: the read models' pool, the caller's scope, the page and days asked for."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends
from fastapi import Query
from fastapi import Request

from govgrid.auth import CurrentPrincipal
from govgrid.china_time import today_in_china
from govgrid.errors import InvalidInput
from govgrid.web.parameters import day_parameter
from services.projections.audit import remember_caller
from services.projections.generations import Generations
from services.projections.queries.scope import Page
from services.projections.queries.scope import Scope
from services.projections.queries.small_counts import SmallCounts
from services.projections.readmodels import ReadModel
from services.projections.readmodels.activity import ACTIVITY
from services.projections.readmodels.clocks import CLOCKS
from services.projections.readmodels.coverage import COVERAGE
from services.projections.readmodels.disputes import DISPUTES
from services.projections.readmodels.leads import LEADS
from services.projections.readmodels.outreach import OUTREACH
from services.projections.readmodels.patrols import PATROLS
from services.projections.readmodels.police_activity import POLICE_ACTIVITY
from services.projections.settings import ProjectionsSettings

Code = Annotated[str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def get_generations(request: Request) -> Generations:
    generations: Generations = request.app.state.generations
    return generations


def get_small_counts(request: Request) -> SmallCounts:
    settings: ProjectionsSettings = request.app.state.settings
    return SmallCounts(settings.lead_suppression_threshold)


def read_model(model: ReadModel) -> Callable[[Generations], Awaitable[asyncpg.Pool]]:
    """A dependency giving the pool of the model's active generation (it changes after a rebuild)."""

    async def active_pool(generations: Annotated[Generations, Depends(get_generations)]) -> asyncpg.Pool:
        return await generations.active_pool(model)

    return active_pool


def get_scope(
    principal: CurrentPrincipal,
    as_of: Annotated[
        date | None, day_parameter("Figures as they stood at the end of this day (China time).")
    ] = None,
    township: Code = None,
    station: Code = None,
    village: Code = None,
) -> Scope:
    return Scope.of(principal, as_of or today_in_china(), township, station, village)


def get_page(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page:
    return Page(page, page_size)


# Records of this programme start in 2023; the bounds keep "the same days a year earlier" computable.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
FIRST_DAY, LAST_DAY = date(EARLIEST_YEAR, 1, 1), date(LATEST_YEAR, 12, 31)


@dataclass(frozen=True)
class Range:
    """Days in China from ``first`` to ``last``, both included."""

    first: date
    last: date


def get_range(
    from_: Annotated[
        date | None,
        day_parameter(
            "First day (China time); default: 1 January of the year of `to`.",
            alias="from",
            first=FIRST_DAY,
            last=LAST_DAY,
        ),
    ] = None,
    to: Annotated[
        date | None,
        day_parameter(
            "Last day (China time): figures as they stood at its end; default: today.",
            first=FIRST_DAY,
            last=LAST_DAY,
        ),
    ] = None,
) -> Range:
    last = to or today_in_china()
    first = from_ or last.replace(month=1, day=1)
    if first > last:
        raise InvalidInput("from is after to", [{"field": "query.from", "reason": "must not be after to"}])
    return Range(first, last)


def get_year(
    year: Annotated[
        int | None, Query(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="Default: this year.")
    ] = None,
) -> Range:
    """A calendar year, for monthly series."""
    chosen = year or today_in_china().year
    return Range(date(chosen, 1, 1), date(chosen, 12, 31))


def scope_over(days: Callable[..., Range]) -> Callable[..., Scope]:
    """A dependency giving the caller's scope for the range ``days`` gives, as of its last day."""

    # A default rather than Annotated[Range, Depends(days)]: FastAPI resolves postponed annotations in
    # the module's globals, where the closure's ``days`` is not.
    asked_days = Depends(days)

    def get_range_scope(
        principal: CurrentPrincipal,
        township: Code = None,
        station: Code = None,
        village: Code = None,
        asked: Range = asked_days,
    ) -> Scope:
        return Scope.of(principal, asked.last, township, station, village)

    return get_range_scope


# Every read route's: the caller, noted for the read audit.
RECORDED = [Depends(remember_caller)]
SmallCountsRule = Annotated[SmallCounts, Depends(get_small_counts)]
CallerScope = Annotated[Scope, Depends(get_scope)]
Paging = Annotated[Page, Depends(get_page)]
DateRange = Annotated[Range, Depends(get_range)]
RangeScope = Annotated[Scope, Depends(scope_over(get_range))]
Year = Annotated[Range, Depends(get_year)]
YearScope = Annotated[Scope, Depends(scope_over(get_year))]
# Each read model's active generation, one name each.
ActivityModel = Annotated[asyncpg.Pool, Depends(read_model(ACTIVITY))]
ClocksModel = Annotated[asyncpg.Pool, Depends(read_model(CLOCKS))]
CoverageModel = Annotated[asyncpg.Pool, Depends(read_model(COVERAGE))]
DisputesModel = Annotated[asyncpg.Pool, Depends(read_model(DISPUTES))]
LeadsModel = Annotated[asyncpg.Pool, Depends(read_model(LEADS))]
OutreachModel = Annotated[asyncpg.Pool, Depends(read_model(OUTREACH))]
PatrolsModel = Annotated[asyncpg.Pool, Depends(read_model(PATROLS))]
PoliceActivityModel = Annotated[asyncpg.Pool, Depends(read_model(POLICE_ACTIVITY))]
