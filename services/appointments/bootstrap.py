"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import asyncpg

from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.settings import AppointmentsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class AppointmentsService:
    settings: AppointmentsSettings
    pool: asyncpg.Pool
    commands: PostgresCommandRunner[AppointmentsUnitOfWork]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)


async def start_service(settings: AppointmentsSettings) -> AppointmentsService:
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(pool, EVENT_STORE_MIGRATIONS, MIGRATIONS)
    return AppointmentsService(settings, pool, PostgresCommandRunner(pool, AppointmentsUnitOfWork))
