"""Dependencies of the read API: the read models' pool, the caller's scope, the page asked for."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from govgrid.auth import CurrentPrincipal
from govgrid.commands import CHINA_STANDARD_TIME
from services.projections.queries.scope import Page, Scope

Code = Annotated[str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def today_in_china() -> date:
    return datetime.now(CHINA_STANDARD_TIME).date()


def get_scope(
    principal: CurrentPrincipal,
    as_of: Annotated[
        date | None, Query(description="Figures as they stood at the end of this day (China time).")
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


ReadModels = Annotated[asyncpg.Pool, Depends(get_pool)]
CallerScope = Annotated[Scope, Depends(get_scope)]
Paging = Annotated[Page, Depends(get_page)]
