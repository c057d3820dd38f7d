"""The composition root of the read side: the read models' database, migrated."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from govgrid.db import apply_migrations, create_pool
from govgrid.projection import MIGRATIONS as PROJECTION_MIGRATIONS
from services.projections.settings import ProjectionsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


async def open_read_models(settings: ProjectionsSettings) -> asyncpg.Pool:
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(pool, PROJECTION_MIGRATIONS, MIGRATIONS)
    return pool
