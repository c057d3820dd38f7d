"""Chaining a store before the upgrade while it serves (govgrid.eventstore.online_chain), on real
PostgreSQL: appends go on meanwhile and are all chained, the result is the schema migration 0003
makes, and the new release's start then skips 0003."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.online_chain import NotApplicable
from govgrid.eventstore.online_chain import chain_online
from govgrid.eventstore.online_chain import chain_statements
from govgrid.eventstore.verify import verify
from govgrid.testing.factories import draft

BEFORE_THE_CHAIN = ("0001_event_store.sql", "0002_append_in_one_round_trip.sql")


@pytest.fixture
async def store_before_the_chain(
    database_url: str, schema: str, tmp_path: Path
) -> AsyncIterator[asyncpg.Pool]:
    """A store as the release before the chain left it: 20 streams of 5 events."""
    before = tmp_path / "eventstore" / "migrations"
    before.mkdir(parents=True)
    for name in BEFORE_THE_CHAIN:
        shutil.copy(MIGRATIONS / name, before / name)
    pool = await create_pool(database_url, schema=schema)
    await apply_migrations(pool, before)
    store = PostgresEventStore(pool)
    for stream in range(20):
        await store.append(f"s{stream}", 0, [draft() for _ in range(5)])
    yield pool
    await pool.close()


async def keep_appending(pool: asyncpg.Pool, stop: asyncio.Event) -> int:
    """Appends to old streams and new ones until ``stop``, as the old release's service would."""
    store = PostgresEventStore(pool)
    appended = 0
    while not stop.is_set():
        for stream in (f"s{appended % 20}", f"new{appended}"):
            version = len(await store.read_stream(stream))
            try:
                await store.append(stream, version, [draft()])
            except ConcurrencyConflict:
                continue
            appended += 1
        await asyncio.sleep(0)
    return appended


async def test_a_serving_store_is_chained_in_batches_and_0003_is_skipped_at_the_upgrade(
    store_before_the_chain: asyncpg.Pool,
) -> None:
    pool = store_before_the_chain
    stop = asyncio.Event()
    appender = asyncio.create_task(keep_appending(pool, stop))
    await asyncio.sleep(0.2)  # appends are under way
    async with pool.acquire() as conn:
        chained = await chain_online(conn, streams_per_batch=3)
    stop.set()
    appended = await appender
    assert appended > 0
    # The 20 old streams and the new ones appended before the trigger, 3 at a time, with the events
    # appended to them before their batch.
    assert chained.batches >= 7
    assert 100 <= chained.events <= 100 + appended

    # The new release's start: 0003 is recorded (with its checksum), only what follows is applied.
    assert await apply_migrations(pool, MIGRATIONS) == ["eventstore/0004_no_truncate.sql"]
    async with pool.acquire() as conn:
        result = await verify(conn)
        assert result.events == 100 + appended
        with pytest.raises(NotApplicable, match="applied already"):
            await chain_online(conn)
    await PostgresEventStore(pool).append(
        "s0", len(await PostgresEventStore(pool).read_stream("s0")), [draft()]
    )
    async with pool.acquire() as conn:
        assert (await verify(conn)).events == 101 + appended


async def test_the_store_chained_online_has_the_schema_0003_makes(
    store_before_the_chain: asyncpg.Pool, database_url: str, schema: str
) -> None:
    command = [sys.executable, "-m", "govgrid.eventstore.online_chain", "--database-url", database_url]
    answer = await asyncio.to_thread(
        subprocess.run, [*command, "--schema", schema], capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0, answer.stderr
    assert f"{schema}: 100 events chained in 1 batches" in answer.stdout
    migrated = f"{schema}_m"
    reference = await create_pool(database_url, schema=migrated)
    try:
        await apply_migrations(reference, MIGRATIONS)
        await apply_migrations(store_before_the_chain, MIGRATIONS)
        assert await definitions(store_before_the_chain, schema) == await definitions(reference, migrated)
    finally:
        await reference.execute(f'DROP SCHEMA "{migrated}" CASCADE')
        await reference.close()


async def definitions(pool: asyncpg.Pool, schema: str) -> dict[str, object]:
    """What 0003 defines on ``events``, written without the schema's name."""
    functions = await pool.fetch(
        "SELECT p.proname, pg_get_functiondef(p.oid) AS definition FROM pg_proc AS p"
        " JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY p.proname",
        schema,
    )
    triggers = await pool.fetch(
        "SELECT tgname, tgenabled, pg_get_triggerdef(oid) AS definition FROM pg_trigger"
        " WHERE tgrelid = 'events'::regclass AND NOT tgisinternal ORDER BY tgname"
    )
    columns = await pool.fetch(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = $1 AND table_name = 'events' ORDER BY ordinal_position",
        schema,
    )
    constraints = await pool.fetch(
        "SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE conrelid = 'events'::regclass ORDER BY conname"
    )
    found = {
        "functions": [(r["proname"], r["definition"]) for r in functions],
        "triggers": [(r["tgname"], r["tgenabled"], r["definition"]) for r in triggers],
        "columns": [tuple(r) for r in columns],
        "constraints": [tuple(r) for r in constraints],
    }
    assert "event_hash" in str(found["functions"]) and "events_chain" in str(found["triggers"])
    return {k: str(v).replace(f"{schema}.", "SCHEMA.") for k, v in found.items()}


async def test_a_run_cut_short_is_carried_on_by_the_next(store_before_the_chain: asyncpg.Pool) -> None:
    pool = store_before_the_chain
    functions, trigger = chain_statements()
    async with pool.acquire() as conn:
        # As a run left it when stopped after its first step, before any batch; the service went on.
        await conn.execute(functions)
        await conn.execute(trigger)
        await PostgresEventStore(pool).append("s0", 5, [draft()])  # its predecessor has no hash yet
        assert await conn.fetchval("SELECT count(*) FROM events WHERE hash IS NULL") == 101
        chained = await chain_online(conn, streams_per_batch=7)
        assert (chained.events, chained.batches) == (101, 3)
    assert await apply_migrations(pool, MIGRATIONS) == ["eventstore/0004_no_truncate.sql"]
    async with pool.acquire() as conn:
        assert (await verify(conn)).events == 101
