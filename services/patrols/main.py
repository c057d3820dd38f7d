"""The patrols service's entrypoint: ``python -m services.patrols`` (or uvicorn
``services.patrols.main:app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.web.app import create_service_app, serve
from services.patrols.api import clearance, patrols, police_activity, teams
from services.patrols.bootstrap import reference_feeds, start_service
from services.patrols.settings import PatrolsSettings


def create_app(settings: PatrolsSettings | None = None) -> FastAPI:
    settings = settings or PatrolsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start_service(settings)
        app.state.service = service
        try:
            async with reference_feeds(service):
                yield
        finally:
            await service.pool.close()

    async def postgres_ready() -> None:
        await app.state.service.pool.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid patrols",
        description=(
            "Patrol teams of officers and party-member volunteers, patrols (scheduled -> started -> "
            "checkpoints and observations -> completed or aborted), clearance operations (清查行动) and "
            "the daily police activity of each station (接处警, criminal and public-security cases)."
        ),
        routers=[teams.router, patrols.router, clearance.router, police_activity.router],
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app


def run() -> None:
    serve(create_app, PatrolsSettings())
