"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from govgrid import projection, reference
from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from services.tips.application.sealing import Sealer
from services.tips.application.unit_of_work import TipsUnitOfWork
from services.tips.settings import TipsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class TipsService:
    settings: TipsSettings
    pool: asyncpg.Pool
    sealer: Sealer
    commands: PostgresCommandRunner[TipsUnitOfWork]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)


async def start_service(settings: TipsSettings) -> TipsService:
    # A malformed master key stops the service before it opens anything.
    sealer = Sealer.from_secret(settings.informant_master_key, settings.informant_master_key_id)
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(
        pool, EVENT_STORE_MIGRATIONS, projection.MIGRATIONS, reference.MIGRATIONS, MIGRATIONS
    )
    runner = PostgresCommandRunner(pool, functools.partial(TipsUnitOfWork, sealer=sealer))
    return TipsService(settings, pool, sealer, runner)
