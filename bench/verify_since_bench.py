"""What `verify --since` saves on a long-lived store: a chained store of ``--events`` events spread
over ``--streams`` streams (every stream gets events all along the log, as a year's records do), with
a checkpoint after every ``--events / --checkpoints`` events, verified whole and then since the
checkpoint ``--recent`` from the end, side by side in one run.

    .venv/bin/python bench/verify_since_bench.py [--events 1000000] [--streams 100000]
        [--checkpoints 20] [--recent 2]

Starts its own PostgreSQL (govgrid/testing/servers.py). Prints the seconds of each check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import timedelta

import asyncpg

from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore.checkpoint import Checkpoints
from govgrid.eventstore.verify import Verified, verify
from govgrid.testing.servers import postgres_server

LONG = 3600  # seconds: statements of the build may take long


async def build(pool: asyncpg.Pool, events: int, streams: int, checkpoints: int) -> None:
    """Events i = 0, 1, ... of stream i mod ``streams`` (version i div ``streams`` + 1), inserted in
    ``checkpoints`` chunks through the chain's trigger, a checkpoint published after each."""
    chunk = events // checkpoints
    publisher = Checkpoints(pool, "bench", timedelta(0))
    for start in range(0, chunk * checkpoints, chunk):
        await pool.execute(
            "INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,"
            " occurred_at, recorded_at, actor, correlation_id, jurisdiction, payload)"
            " SELECT gen_random_uuid(), 'orgunit-' || (i % $3), i / $3 + 1, 'OrganisationUnitRenamed', 1,"
            " now(), now(), 'officer-7', gen_random_uuid(),"
            ' \'{"township_codes": ["469003100"], "village_codes": ["469003100201"]}\','
            " jsonb_build_object('code', '469003100' || i, 'name_zh', '村' || i, 'name_en', 'Village ' || i)"
            " FROM generate_series($1::bigint, $2::bigint - 1) AS i ORDER BY i",
            start,
            start + chunk,
            streams,
            timeout=LONG,
        )
        assert await publisher.publish() is not None
    await pool.execute("VACUUM ANALYZE events", timeout=LONG)


async def timed(pool: asyncpg.Pool, since: int | None) -> tuple[Verified, float]:
    async with pool.acquire() as conn:
        started = time.perf_counter()
        result = await verify(conn, since=since)
        return result, time.perf_counter() - started


async def measure(database_url: str, events: int, streams: int, checkpoints: int, recent: int) -> None:
    pool = await create_pool(database_url, schema="bench_verify_since")
    try:
        await apply_migrations(pool, MIGRATIONS)
        started = time.perf_counter()
        await build(pool, events, streams, checkpoints)
        print(
            f"built {events:,} events in {streams:,} streams, {checkpoints} checkpoints,"
            f" in {time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}"
        )
        anchor = checkpoints - recent + 1
        whole, whole_s = await timed(pool, None)
        since, since_s = await timed(pool, anchor)
        assert whole.events == since.events == events + checkpoints
        assert whole.checkpoints == checkpoints and since.checkpoints == recent
        print(
            f"full:           {whole_s:6.1f} s ({whole.events / whole_s:,.0f} events/s),"
            f" {whole.checkpoints} checkpoints"
        )
        print(
            f"--since {anchor:<6}  {since_s:6.1f} s ({since.events - since.anchor_cut:,} events after"
            f" position {since.anchor_cut:,} rehashed, {since.checkpoints} checkpoints);"
            f" full / since {whole_s / since_s:.1f}; load {os.getloadavg()[0]:.1f}"
        )
    finally:
        await pool.execute("DROP SCHEMA IF EXISTS bench_verify_since CASCADE")
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--streams", type=int, default=100_000)
    parser.add_argument("--checkpoints", type=int, default=20)
    parser.add_argument("--recent", type=int, default=2, help="checkpoints checked by --since")
    args = parser.parse_args()
    with postgres_server() as url:
        asyncio.run(measure(url, args.events, args.streams, args.checkpoints, args.recent))


if __name__ == "__main__":
    main()
