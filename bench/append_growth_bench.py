"""Does an append get slower as the store grows? Append latency with 10 M events stored vs 10 k.

Two schemas get the event store's migrations; each is bulk-loaded, as a restore would be, with
``INSERT ... SELECT generate_series`` (constraints dropped for the load and built back after, then
``VACUUM ANALYZE``): 10 k events in one, ``--rows`` (10 M) in the other, spread over 1 M streams of
about 10 events, with random event ids. Then one writer appends one event at a time to 1,000 new
streams in each, alternating between the two every 100 appends so that drift hits both alike.

    .venv/bin/python bench/append_growth_bench.py [--rows 10000000] [--appends 5000]

Uses DATABASE_URL when set, else starts a throw-away PostgreSQL with govgrid.testing.servers.
The 10 M load takes several minutes and about 5 GB of disk.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import asyncpg

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.testing.factories import draft
from govgrid.testing.factories import village_registered
from govgrid.testing.servers import postgres_server

SMALL = 10_000
STREAMS = 1_000_000  # streams of the bulk load
CHUNK = 100  # appends in a row on one schema before switching to the other
PAYLOAD = village_registered(1)

# Constraint definitions of migration 0001, rebuilt after the load (index builds sort: faster than
# inserting 10 M random keys one by one).
CONSTRAINTS = {
    "events_pkey": "PRIMARY KEY (global_position)",
    "events_event_id_key": "UNIQUE (event_id)",
    "events_stream_version_unique": "UNIQUE (stream_id, stream_version)",
}


async def bulk_load(url: str, schema: str, rows: int) -> float:
    """Fill ``events`` with ``rows`` events; returns the seconds it took."""
    start = time.perf_counter()
    sample = draft(PAYLOAD).seal("bulk", 1, draft(PAYLOAD).occurred_at)
    # A connection of its own: the pools' 60 s command timeout is far too short for this.
    conn = await asyncpg.connect(url, server_settings={"search_path": schema})
    try:
        for name in CONSTRAINTS:
            await conn.execute(f"ALTER TABLE events DROP CONSTRAINT {name}")
        # Without the chain's trigger, whose predecessor lookups need the unique index dropped above:
        # the loaded events get stand-in hashes (the appends measured chain onto them as onto any).
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_chain")
        await conn.execute(
            "INSERT INTO events (global_position, event_id, stream_id, stream_version, event_type,"
            " schema_version, occurred_at, recorded_at, actor, correlation_id, jurisdiction, payload,"
            " hash)"
            " SELECT i, md5(i::text)::uuid, 'bulk-' || (i % $2), i / $2 + 1, $3, 1, $4, $4, 'bulk',"
            "        md5('c' || i)::uuid, $5::jsonb, $6::jsonb, sha256(i::text::bytea)"
            " FROM generate_series(1, $1::bigint) AS i",
            rows,
            STREAMS,
            sample.event_type,
            sample.occurred_at,
            sample.jurisdiction.model_dump_json(),
            PAYLOAD.model_dump_json(),
        )
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_chain")
        await conn.execute("SELECT setval(pg_get_serial_sequence('events', 'global_position'), $1)", rows)
        for name, definition in CONSTRAINTS.items():
            await conn.execute(f"ALTER TABLE events ADD CONSTRAINT {name} {definition}")
        await conn.execute("VACUUM ANALYZE events")
        # The load wrote gigabytes of WAL: without a checkpoint now, PostgreSQL takes one while the
        # appends are measured and its writes land on whichever schema is being appended to then
        # (p99 growth 0.88, 1.21 and 1.57 in three runs on a quiet machine, p50 the same in all).
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()
    return time.perf_counter() - start


async def append_chunk(store: PostgresEventStore, versions: dict[str, int], first: int) -> list[float]:
    """CHUNK appends of one event, round robin over the streams; their latencies in seconds."""
    latencies = []
    streams = list(versions)
    for n in range(first, first + CHUNK):
        stream = streams[n % len(streams)]
        start = time.perf_counter()
        await store.append(stream, versions[stream], [draft(PAYLOAD)])
        latencies.append(time.perf_counter() - start)
        versions[stream] += 1
    return latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


async def measure(url: str, rows: int, appends: int) -> None:
    pools = {}
    try:
        for label, size in (("10k", SMALL), ("big", rows)):
            schema = f"bench_growth_{label}"
            async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
                await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            pools[label] = pool = await create_pool(url, schema=schema, min_size=2, max_size=2)
            await apply_migrations(pool, MIGRATIONS)
            seconds = await bulk_load(url, schema, size)
            print(f"{label}: {size:,} events loaded in {seconds:.0f}s", flush=True)
        stores = {label: PostgresEventStore(pool) for label, pool in pools.items()}
        versions = {label: {f"new-{s:04d}": 0 for s in range(1000)} for label in pools}
        latencies: dict[str, list[float]] = {label: [] for label in pools}
        for label in pools:  # warm-up: connections, prepared statements, the first pages
            await append_chunk(stores[label], versions[label], 0)
        for first in range(0, appends, CHUNK):
            for label in pools:
                latencies[label] += await append_chunk(stores[label], versions[label], first)
        for label, values in latencies.items():
            p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
            print(f"{label}: {len(values)} appends, p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        growth = percentile(latencies["big"], 0.99) / percentile(latencies["10k"], 0.99)
        print(f"append p99 growth {rows:,}/{SMALL:,}: {growth:.2f}x (load {os.getloadavg()[0]:.1f})")
    finally:
        for label, pool in pools.items():
            await pool.close()
            async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
                await admin.execute(f'DROP SCHEMA "bench_growth_{label}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--appends", type=int, default=5000)
    args = parser.parse_args()
    with postgres_server() as url:
        asyncio.run(measure(url, args.rows, args.appends))


if __name__ == "__main__":
    main()
