"""The mediation service's entrypoint: ``python -m services.mediation`` (or uvicorn
``services.mediation.main:app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.web.app import create_service_app, serve
from services.mediation.api import disputes, villages
from services.mediation.bootstrap import feeding, start_service
from services.mediation.settings import MediationSettings


def create_app(settings: MediationSettings | None = None) -> FastAPI:
    settings = settings or MediationSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start_service(settings)
        app.state.service = service
        try:
            # The organisation reference, the current dual-appointment holders, the tips referrals.
            async with feeding(service):
                yield
        finally:
            await service.pool.close()

    async def postgres_ready() -> None:
        await app.state.service.pool.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid mediation",
        description=(
            "Dispute mediation (矛盾纠纷调处) by officer/cadre pairs: registered -> mediators assigned -> "
            "sessions -> agreement, or failure -> escalation (township, court) -> closed; follow-up "
            "visits; an escalation ladder with overdue disputes. Leads referred by the tips service open "
            "disputes by themselves."
        ),
        routers=[disputes.router, villages.router],
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app


def run() -> None:
    serve(create_app, MediationSettings())
