"""The appointments service's entrypoint: ``python -m services.appointments`` (or uvicorn
``services.appointments.main:app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.web.app import create_service_app, serve
from services.appointments.api import appointments, org_units, people
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings


def create_app(settings: AppointmentsSettings | None = None) -> FastAPI:
    settings = settings or AppointmentsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start_service(settings)
        app.state.service = service
        try:
            yield
        finally:
            await service.pool.close()

    async def postgres_ready() -> None:
        await app.state.service.pool.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid appointments",
        description=(
            "Organisation registry (grid hierarchy, station coverage), police officers and village cadres, "
            "and dual appointments (双向兼职): nominated -> approved -> certificate issued -> ended."
        ),
        routers=[org_units.router, people.router, appointments.router],
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app


def run() -> None:
    serve(create_app, AppointmentsSettings())
