"""How long the upgrade to the hash chain (event store migration 0003) holds a store's ``events``
table: a store migrated up to 0002 with ``--events`` events (10 per stream) is then migrated to 0003,
which chains them all in one transaction; verify then recomputes every hash. Side by side, the same
store chained while serving (govgrid.eventstore.online_chain): its total time and the longest batch,
the longest appends wait.

    .venv/bin/python bench/chain_backfill_bench.py [--events 300000] [--streams-per-batch 500]

Starts its own PostgreSQL (govgrid/testing/servers.py). Prints seconds and events/s of each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

import asyncpg

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore.online_chain import STREAMS_PER_BATCH
from govgrid.eventstore.online_chain import chain_online
from govgrid.eventstore.verify import verify
from govgrid.testing.servers import postgres_server

BEFORE_THE_CHAIN = ("0001_event_store.sql", "0002_append_in_one_round_trip.sql")


async def store_before_the_chain(database_url: str, events: int, schema: str) -> asyncpg.Pool:
    pool = await create_pool(database_url, schema=schema)
    before = Path(tempfile.mkdtemp()) / "eventstore" / "migrations"
    before.mkdir(parents=True)
    for name in BEFORE_THE_CHAIN:
        shutil.copy(MIGRATIONS / name, before / name)
    await apply_migrations(pool, before)
    await pool.execute(
        "INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
        " recorded_at, actor, correlation_id, jurisdiction, payload)"
        " SELECT gen_random_uuid(), 'orgunit-' || (i / 10), i % 10 + 1, 'OrganisationUnitRenamed', 1, now(),"
        " now(), 'officer-7', gen_random_uuid(),"
        ' \'{"township_codes": ["469003100"], "village_codes": ["469003100201"]}\','
        " jsonb_build_object('code', '469003100' || i, 'name_zh', '村' || i, 'name_en', 'Village ' || i)"
        " FROM generate_series(0, $1 - 1) AS i",
        events,
        timeout=3600,
    )
    await pool.execute("VACUUM ANALYZE events", timeout=3600)
    return pool


async def measure(database_url: str, events: int, streams_per_batch: int) -> None:
    pool = await store_before_the_chain(database_url, events, "bench_chain_backfill")
    try:
        started = time.perf_counter()
        assert (await apply_migrations(pool, MIGRATIONS))[0] == "eventstore/0003_hash_chain.sql"
        took = time.perf_counter() - started
        async with pool.acquire() as conn:
            assert (await verify(conn)).events == events
    finally:
        await pool.close()
    print(
        f"{events} events chained by migration 0003 in {took:.1f} s ({events / took:,.0f} events/s),"
        f" appends held throughout; load {os.getloadavg()[0]:.1f}"
    )
    pool = await store_before_the_chain(database_url, events, "bench_chain_online")
    try:
        async with pool.acquire() as conn:
            online = await chain_online(conn, streams_per_batch)
            assert await apply_migrations(pool, MIGRATIONS) == ["eventstore/0004_no_truncate.sql"]
            assert (await verify(conn)).events == online.events == events
    finally:
        await pool.close()
    print(
        f"{events} events chained online in {online.seconds:.1f} s ({events / online.seconds:,.0f} events/s),"
        f" {online.batches} batches of {streams_per_batch} streams, appends held"
        f" {online.longest_batch:.2f} s at most; load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--streams-per-batch", type=int, default=STREAMS_PER_BATCH)
    args = parser.parse_args()
    with postgres_server() as url:
        asyncio.run(measure(url, args.events, args.streams_per_batch))


if __name__ == "__main__":
    main()
