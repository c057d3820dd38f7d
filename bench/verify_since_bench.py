"""What `verify --since` saves on a long-lived store: a chained store of ``--events`` events spread
over ``--streams`` streams (every stream gets events all along the log, as a year's records do), with
a checkpoint after every ``--events / --checkpoints`` events, verified whole and then since the
checkpoint ``--recent`` from the end, side by side in one run. With ``--topic``, every event is
also published to a topic (as the relay would) and the full check is timed again comparing it.

    .venv/bin/python bench/verify_since_bench.py [--events 1000000] [--streams 100000]
        [--checkpoints 20] [--recent 2] [--topic]

Starts its own PostgreSQL (and Kafka, with --topic; govgrid/testing/servers.py). Prints the seconds
of each check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from contextlib import ExitStack
from datetime import timedelta

import asyncpg

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore.checkpoint import Checkpoints
from govgrid.eventstore.postgres import EVENT_COLUMNS
from govgrid.eventstore.postgres import envelope_from_row
from govgrid.eventstore.verify import Topic
from govgrid.eventstore.verify import Verified
from govgrid.eventstore.verify import verify
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.testing.servers import kafka_server
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
            ' \'{"station": "S01", "village": "469003100201", "township": "469003100"}\','
            " jsonb_build_object('code', '469003100' || i, 'name_zh', '村' || i, 'name_en', 'Village ' || i)"
            " FROM generate_series($1::bigint, $2::bigint - 1) AS i ORDER BY i",
            start,
            start + chunk,
            streams,
            timeout=LONG,
        )
        for _ in range(100):  # autovacuum of the fresh rows holds off the cut's SHARE lock a while
            try:
                assert await publisher.publish() is not None
                break
            except asyncpg.LockNotAvailableError:
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError("no checkpoint: the cut's lock was never had")
    await pool.execute("VACUUM ANALYZE events", timeout=LONG)


async def publish(pool: asyncpg.Pool, topic: Topic) -> None:
    """Every stored event to the topic, keyed by its stream, as the relay sends it."""
    await ensure_topics(topic.bootstrap_servers, {topic.name: 6})
    producer = idempotent_producer(topic.bootstrap_servers, "bench-verify")
    await producer.start()
    try:
        async with pool.acquire() as conn, conn.transaction():
            async for row in conn.cursor(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY global_position"):
                envelope = envelope_from_row(row)
                await producer.send(
                    topic.name, value=envelope.to_json_bytes(), key=envelope.stream_id.encode()
                )
        await producer.flush()
    finally:
        await producer.stop()


async def timed(pool: asyncpg.Pool, since: int | None, topic: Topic | None = None) -> tuple[Verified, float]:
    async with pool.acquire() as conn:
        started = time.perf_counter()
        result = await verify(conn, topic, since)
        return result, time.perf_counter() - started


async def measure(
    database_url: str, events: int, streams: int, checkpoints: int, recent: int, topic: Topic | None
) -> None:
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
        if topic is not None:
            await publish(pool, topic)
            compared, compared_s = await timed(pool, None, topic)
            assert compared.published == events + checkpoints
            print(
                f"full with the topic: {compared_s:.1f} s ({compared.published:,} records compared);"
                f" with / without {compared_s / whole_s:.2f}; load {os.getloadavg()[0]:.1f}"
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
    parser.add_argument("--topic", action="store_true", help="also time the comparison with a topic")
    args = parser.parse_args()
    with ExitStack() as servers:
        url = servers.enter_context(postgres_server())
        bootstrap = servers.enter_context(kafka_server()) if args.topic else None
        topic = None if bootstrap is None else Topic(bootstrap, "govgrid.bench_verify.events")
        asyncio.run(measure(url, args.events, args.streams, args.checkpoints, args.recent, topic))


if __name__ == "__main__":
    main()
