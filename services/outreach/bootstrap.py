"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import asyncpg

from govgrid import projection, reference
from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.projection import TopicFeed
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.settings import OutreachSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class OutreachService:
    settings: OutreachSettings
    pool: asyncpg.Pool
    commands: PostgresCommandRunner[OutreachUnitOfWork]
    # What keeps the local copies of the registry (org units, coverage, officers) in step; the
    # web process runs them (main.py), the command line does not need them.
    feeds: tuple[TopicFeed, ...]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)

    @property
    def orgs(self) -> reference.OrgReference:
        return reference.OrgReference(self.pool)


async def start_service(settings: OutreachSettings) -> OutreachService:
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(
        pool, EVENT_STORE_MIGRATIONS, projection.MIGRATIONS, reference.MIGRATIONS, MIGRATIONS
    )
    # Consumer groups are named after the schema they fill: a new schema reads the registry from 0.
    consumer = settings.database_schema
    feeds = (
        reference.OrgReferenceFeed(
            pool, settings.kafka_bootstrap_servers, consumer_name=consumer, topic=settings.appointments_topic
        ),
        reference.PeopleReferenceFeed(
            pool, settings.kafka_bootstrap_servers, consumer_name=consumer, topic=settings.appointments_topic
        ),
    )
    return OutreachService(settings, pool, PostgresCommandRunner(pool, OutreachUnitOfWork), feeds)
