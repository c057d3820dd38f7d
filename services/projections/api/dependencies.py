"""Dependencies of the read API: the read models' pool, the caller's scope, the page asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from govgrid.auth import CurrentPrincipal
from govgrid.china_time import today_in_china
from services.projections.generations import Generations
from services.projections.queries.scope import Page, Scope
from services.projections.readmodels import ReadModel
from services.projections.readmodels.coverage import COVERAGE

Code = Annotated[str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def get_generations(request: Request) -> Generations:
    generations: Generations = request.app.state.generations
    return generations


def read_model(model: ReadModel) -> Callable[[Generations], Awaitable[asyncpg.Pool]]:
    """A dependency giving the pool of the model's active generation (it changes after a rebuild)."""

    async def active_pool(generations: Annotated[Generations, Depends(get_generations)]) -> asyncpg.Pool:
        return await generations.active_pool(model)

    return active_pool


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


CallerScope = Annotated[Scope, Depends(get_scope)]
CoverageModel = Annotated[asyncpg.Pool, Depends(read_model(COVERAGE))]
Paging = Annotated[Page, Depends(get_page)]
