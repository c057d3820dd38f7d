"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema and the appointments topic); nothing else builds these objects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from govgrid import projection, reference
from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.settings import PatrolsSettings


@dataclass(frozen=True)
class PatrolsService:
    settings: PatrolsSettings
    pool: asyncpg.Pool
    commands: PostgresCommandRunner[PatrolsUnitOfWork]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)


async def start_service(settings: PatrolsSettings) -> PatrolsService:
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(pool, EVENT_STORE_MIGRATIONS, projection.MIGRATIONS, reference.MIGRATIONS)
    return PatrolsService(settings, pool, PostgresCommandRunner(pool, PatrolsUnitOfWork))


@contextlib.asynccontextmanager
async def reference_feeds(service: PatrolsService) -> AsyncIterator[None]:
    """Keep the organisation and people references fed from the appointments topic while
    the service runs; they survive Kafka outages on their own (govgrid.projection.TopicFeed)."""
    settings = service.settings
    feeds = [
        reference.OrgReferenceFeed(
            service.pool, settings.kafka_bootstrap_servers, settings.service_name, settings.appointments_topic
        ),
        reference.PeopleReferenceFeed(
            service.pool, settings.kafka_bootstrap_servers, settings.service_name, settings.appointments_topic
        ),
    ]
    stopping = asyncio.Event()
    tasks = [asyncio.create_task(feed.run(stopping)) for feed in feeds]
    try:
        yield
    finally:
        stopping.set()
        await asyncio.gather(*tasks)
