"""The field app: ``python -m services.field`` (port 8106, ``FIELD_PORT`` under the supervisor).

Serves the phone app at ``/app/`` and forwards ``/api/<service>/...`` to the write services and the
read API (``forwarding.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from govgrid.web.app import create_service_app
from govgrid.web.app import serve
from services.field.forwarding import forwarding_router
from services.field.forwarding import upstream_client
from services.field.settings import FieldSettings

STATIC = Path(__file__).parent / "static"


def create_app(settings: FieldSettings | None = None) -> FastAPI:
    settings = settings or FieldSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with upstream_client(app, settings):
            yield

    app = create_service_app(
        settings,
        title="govgrid field app",
        description="The officers' and cadres' phone app (/app/), online or offline; /api/<service>/... "
        "forwards to appointments, patrols, tips, mediation, outreach and the read API ('read').",
        routers=[forwarding_router(settings)],
        # Ready once it serves: the services it forwards to answer for themselves, and the app queues
        # commands while they do not.
        ready_checks={},
        lifespan=lifespan,
    )
    app.mount("/app", StaticFiles(directory=STATIC, html=True), name="app")

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/app/")

    return app


def run() -> None:
    serve(create_app, FieldSettings())
