"""Where each read model lives: generations in schemas of their own.

The worker applies events to each read model's *active* generation; the read API reads it. A rebuild
creates a new generation, fills it from offset 0 while the active one keeps serving, then makes it
the active one (services/projections/rebuild.py). Each generation schema holds the model's tables,
its own read_positions and parked_events.

The model's tables of a generation change only by a rebuild into a new one; parked_events and
read_positions belong to the worker and change in place: opening brings them up to date in every
generation there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import asyncpg

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from services.projections.read_positions import KnownPositions
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels import ReadModel
from services.projections.settings import ProjectionsSettings

CONTROL_MIGRATIONS = Path(__file__).parent / "migrations" / "control"
GENERATION_MIGRATIONS = Path(__file__).parent / "migrations" / "generation"


@dataclass(frozen=True)
class Generation:
    read_model: str
    number: int
    schema: str


class Writing(NamedTuple):
    """An active generation as the worker writes to it: its pool, and where this process left its
    positions."""

    pool: asyncpg.Pool
    known: KnownPositions


# The read API's summaries are prepared statements whose best plan depends on the values: asyncpg
# prepares each once per connection, and after five runs PostgreSQL may keep a generic plan made
# without them. For the disputes open at a day that generic plan walked every dispute registered
# before it (the whole history, through rm_disputes_registered) instead of the few still open
# (rm_disputes_open_until): 13.7 ms against 3.7 with 1 M events. Planning each time costs a fraction
# of a millisecond; the worker's statements keep their cached plans.
PLANNED_FOR_ITS_VALUES = {"plan_cache_mode": "force_custom_plan"}


class Generations:
    def __init__(
        self, settings: ProjectionsSettings, control: asyncpg.Pool, server_settings: dict[str, str]
    ) -> None:
        self.settings = settings
        self.control = control
        self.server_settings = server_settings
        self._pools: dict[str, asyncpg.Pool] = {}
        self._known: dict[str, KnownPositions] = {}

    @classmethod
    async def open(cls, settings: ProjectionsSettings, *, reading: bool = False) -> Generations:
        """The generations, migrated; ``reading``: for the read API (see PLANNED_FOR_ITS_VALUES)."""
        control = await create_pool(settings.database_url, schema=settings.database_schema, max_size=4)
        await apply_migrations(control, CONTROL_MIGRATIONS)
        generations = cls(settings, control, PLANNED_FOR_ITS_VALUES if reading else {})
        for model in READ_MODELS:
            await generations._ensure_active(model)
        await generations._migrate_existing()
        return generations

    async def _migrate_existing(self) -> None:
        # A served generation (active or being built) gets its model's migrations added since it was
        # made: an upgrade that adds a column (the map's locations) must not leave the routes reading it
        # failing until someone rebuilds. Such a migration only adds what later events fill in; one
        # whose earlier events must be read again says so, and the model is rebuilt (operations.md).
        # Retired generations get the shared migrations only: a parked_events table still holding event
        # payloads (before 0002_parked_events_keep_kafka_positions.sql) must not outlive the upgrade.
        models = {model.name: model for model in READ_MODELS}
        rows = await self.control.fetch(
            "SELECT read_model, generation, schema_name, status FROM read_model_generations g"
            " WHERE EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = g.schema_name) ORDER BY schema_name"
        )
        for row in rows:
            generation = Generation(row["read_model"], row["generation"], row["schema_name"])
            model = models.get(row["read_model"])
            if row["status"] != "retired" and model is not None:  # through the pool it is used by
                await apply_migrations(await self.pool(generation), GENERATION_MIGRATIONS, model.sql)
                continue
            # A retired generation is not served: a pool of its own, closed at once.
            pool = await create_pool(self.settings.database_url, schema=generation.schema, max_size=1)
            try:
                await apply_migrations(pool, GENERATION_MIGRATIONS)
            finally:
                await pool.close()

    async def _ensure_active(self, model: ReadModel) -> None:
        # Serialised so that two processes starting together do not both create generation 1.
        async with self.control.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE read_model_generations IN SHARE ROW EXCLUSIVE MODE")
            if await conn.fetchval(
                "SELECT 1 FROM read_model_generations WHERE read_model = $1 AND status = 'active'", model.name
            ):
                return
            generation = await self._insert(conn, model, "active")
        await self._migrate(model, generation)

    async def create(self, model: ReadModel) -> Generation:
        """A new, empty generation that the worker does not write to yet."""
        async with self.control.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE read_model_generations IN SHARE ROW EXCLUSIVE MODE")
            generation = await self._insert(conn, model, "building")
        await self._migrate(model, generation)
        return generation

    async def _insert(self, conn: asyncpg.Connection, model: ReadModel, status: str) -> Generation:
        number = 1 + int(
            await conn.fetchval(
                "SELECT coalesce(max(generation), 0) FROM read_model_generations WHERE read_model = $1",
                model.name,
            )
        )
        schema = f"{self.settings.database_schema}_{model.name}_{number}"
        await conn.execute(
            "INSERT INTO read_model_generations (read_model, generation, schema_name, status, activated_at)"
            " VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'active' THEN now() END)",
            model.name,
            number,
            schema,
            status,
        )
        return Generation(model.name, number, schema)

    async def _migrate(self, model: ReadModel, generation: Generation) -> None:
        await apply_migrations(await self.pool(generation), GENERATION_MIGRATIONS, model.sql)

    async def active(self, model: ReadModel) -> Generation:
        row = await self.control.fetchrow(
            "SELECT generation, schema_name FROM read_model_generations"
            " WHERE read_model = $1 AND status = 'active'",
            model.name,
        )
        if row is None:
            raise LookupError(f"read model {model.name} has no active generation")
        return Generation(model.name, row["generation"], row["schema_name"])

    async def activate(self, generation: Generation) -> None:
        """From now on the worker writes to, and the read API reads, this generation."""
        async with self.control.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE read_model_generations SET status = 'retired'"
                " WHERE read_model = $1 AND status = 'active'",
                generation.read_model,
            )
            await conn.execute(
                "UPDATE read_model_generations SET status = 'active', activated_at = now()"
                " WHERE read_model = $1 AND generation = $2",
                generation.read_model,
                generation.number,
            )

    async def pool(self, generation: Generation) -> asyncpg.Pool:
        if generation.schema not in self._pools:
            self._pools[generation.schema] = await create_pool(
                self.settings.database_url,
                schema=generation.schema,
                max_size=self.settings.database_pool_max,
                server_settings=self.server_settings,
            )
        return self._pools[generation.schema]

    async def active_pool(self, model: ReadModel) -> asyncpg.Pool:
        return await self.pool(await self.active(model))

    async def active_for_writing(self, models: list[ReadModel]) -> list[Writing]:
        """The active generation of each model, looked up in one query (the worker asks for every
        batch)."""
        rows = await self.control.fetch(
            "SELECT read_model, generation, schema_name FROM read_model_generations"
            " WHERE read_model = ANY($1::text[]) AND status = 'active'",
            [model.name for model in models],
        )
        active = {r["read_model"]: Generation(*r) for r in rows}
        missing = [model.name for model in models if model.name not in active]
        if missing:
            raise LookupError(f"read models {', '.join(missing)} have no active generation")
        return [
            Writing(
                await self.pool(active[model.name]),
                self._known.setdefault(active[model.name].schema, KnownPositions()),
            )
            for model in models
        ]

    async def close(self) -> None:
        for pool in self._pools.values():
            await pool.close()
        await self.control.close()

    async def close_and_drop(self) -> None:
        """Tests and benchmarks only: close, and drop every generation's schema (the control schema
        is the caller's to drop)."""
        schemas = [
            r["schema_name"]
            for r in await self.control.fetch("SELECT schema_name FROM read_model_generations")
        ]
        await self.close()
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            for name in schemas:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await conn.close()
