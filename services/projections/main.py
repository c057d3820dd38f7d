"""The read API and the dashboard (at /dashboard/): ``python -m services.projections`` (port 8100)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.web.app import create_service_app
from govgrid.web.app import serve
from services.projections.api import activity
from services.projections.api import audit as audit_api
from services.projections.api import clocks
from services.projections.api import coverage
from services.projections.api import disputes
from services.projections.api import export
from services.projections.api import leads
from services.projections.api import live
from services.projections.api import maps
from services.projections.api import org_units
from services.projections.api import outreach
from services.projections.api import patrols
from services.projections.api import police_activity
from services.projections.api.dashboard import mount_dashboard
from services.projections.audit import ReadAudit
from services.projections.audit import ReadAuditMiddleware
from services.projections.generations import Generations
from services.projections.lag import LagWatch
from services.projections.settings import ProjectionsSettings


def create_app(settings: ProjectionsSettings | None = None) -> FastAPI:
    settings = settings or ProjectionsSettings()
    lag = LagWatch(settings)
    audit = ReadAudit()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.generations = await Generations.open(settings, reading=True)
        stopping = asyncio.Event()
        watching = asyncio.create_task(lag.run(stopping))
        try:
            async with audit.running(app.state.generations.control):
                yield
        finally:
            stopping.set()
            await watching
            await app.state.generations.close()

    async def postgres_ready() -> None:
        await app.state.generations.control.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid read API",
        description="Read models of every govgrid service, scoped to the caller's jurisdiction.",
        routers=[
            coverage.router,
            org_units.router,
            patrols.router,
            police_activity.router,
            outreach.router,
            disputes.router,
            leads.router,
            activity.router,
            audit_api.router,
            clocks.router,
            live.router,
            export.router,
            maps.router,
        ],
        ready_checks={"postgres": postgres_ready, "read_model_lag": lag.check},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.audit = audit
    app.add_middleware(ReadAuditMiddleware, audit=audit)
    mount_dashboard(app)
    return app


def run() -> None:
    serve(create_app, ProjectionsSettings())
