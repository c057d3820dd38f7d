"""The outreach service's entrypoint: ``python -m services.outreach`` (or uvicorn
``services.outreach.main:app``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.web.app import create_service_app, serve
from services.outreach.api import cases, drives, enterprise_visits, enterprises, referrals, schools
from services.outreach.bootstrap import start_service
from services.outreach.settings import OutreachSettings


def create_app(settings: OutreachSettings | None = None) -> FastAPI:
    settings = settings or OutreachSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start_service(settings)
        app.state.service = service
        stopping = asyncio.Event()
        # The local copies of the registry follow the appointments topic while the service runs.
        feeding = [asyncio.create_task(feed.run(stopping)) for feed in service.feeds]
        try:
            yield
        finally:
            stopping.set()
            await asyncio.gather(*feeding)
            await service.pool.close()

    async def postgres_ready() -> None:
        await app.state.service.pool.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid outreach",
        description=(
            "Services to residents and enterprises: school household-registration drives (274 schools, "
            "85,000+ students), enterprise visits (百警进百企) with follow-up actions, enterprise-related "
            "cases until handled, and job referrals of people in difficulty."
        ),
        routers=[
            schools.router,
            enterprises.router,
            drives.router,
            enterprise_visits.router,
            cases.router,
            referrals.router,
        ],
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app


def run() -> None:
    serve(create_app, OutreachSettings())
