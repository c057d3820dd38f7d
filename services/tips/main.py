"""The tips service's entrypoint: ``python -m services.tips`` (or uvicorn ``services.tips.main:app``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from govgrid.reference import OrgReferenceFeed, PeopleReferenceFeed
from govgrid.web.app import create_service_app, serve
from services.tips.api import contact_groups, leads, notices
from services.tips.application.retention import keep_shredding
from services.tips.bootstrap import start_service
from services.tips.settings import TipsSettings


def create_app(settings: TipsSettings | None = None) -> FastAPI:
    settings = settings or TipsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start_service(settings)
        app.state.service = service
        stopping = asyncio.Event()
        kafka, topic, name = (
            settings.kafka_bootstrap_servers,
            settings.appointments_topic,
            settings.service_name,
        )
        background = [
            asyncio.create_task(OrgReferenceFeed(service.pool, kafka, name, topic=topic).run(stopping)),
            asyncio.create_task(PeopleReferenceFeed(service.pool, kafka, name, topic).run(stopping)),
            asyncio.create_task(keep_shredding(service, stopping)),
        ]
        try:
            yield
        finally:
            stopping.set()
            await asyncio.wait_for(asyncio.gather(*background), timeout=30)
            await service.pool.close()

    async def postgres_ready() -> None:
        await app.state.service.pool.fetchval("SELECT 1")

    app = create_service_app(
        settings,
        title="govgrid tips",
        description=(
            "Leads (线索) from residents with informant protection: received -> triaged -> assigned -> "
            "verified or dismissed -> outcome recorded -> closed. The informant's contact is sealed "
            "(AES-GCM, a key per lead), revealed only to the handler or a city admin, every reveal and "
            "refusal recorded, and destroyed after a retention period. Safety notices (安全提示) to the "
            "villages' contact groups."
        ),
        routers=[leads.router, contact_groups.router, notices.router],
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app


def run() -> None:
    serve(create_app, TipsSettings())
