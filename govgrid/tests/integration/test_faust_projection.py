"""faust-streaming, the pinned Kafka broker and the kernel together: events appended to the store
are relayed to Kafka and projected by a real faust worker, once each even when republished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg

from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running

WORKER = Path(__file__).with_name("faust_counting_worker.py")
PARTITIONS = 3


async def test_a_faust_worker_projects_relayed_events_once_each(
    pool: asyncpg.Pool,
    database_url: str,
    kafka_bootstrap: str,
    service_name: str,
    topic: str,
    schema: str,
    tmp_path: Path,
) -> None:
    await pool.execute("CREATE TABLE probe_counts (stream_id text PRIMARY KEY, events int NOT NULL)")
    await ensure_topics(kafka_bootstrap, {topic: PARTITIONS})
    store = PostgresEventStore(pool)
    for n in range(20):
        await store.append(f"stream-{n}", 0, [draft() for _ in range(5)])
    async with running(make_relay(pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(pool), what="outbox drained")
    # Republish a few, as a relay that crashed before marking them would.
    producer = idempotent_producer(kafka_bootstrap, "republisher")
    await producer.start()
    for row in await pool.fetch(
        "SELECT stream_id, envelope::text AS e FROM outbox ORDER BY position LIMIT 10"
    ):
        await producer.send_and_wait(topic, row["e"].encode(), key=row["stream_id"].encode())
    await producer.stop()

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PARTITIONS": str(PARTITIONS),
        "PROBE_SERVICE": service_name,
        "PROBE_SCHEMA": schema,
    }
    log = (tmp_path / "worker.log").open("wb")  # closed in the finally below
    worker = subprocess.Popen(  # noqa: ASYNC220 - a separate process on purpose: faust owns its event loop
        [sys.executable, str(WORKER), "worker", "--loglevel", "warn", "--without-web"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        async def all_projected() -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            return bool(await pool.fetchval("SELECT coalesce(sum(events), 0) FROM probe_counts") == 100)

        await wait_until(
            all_projected, timeout=90, interval=0.2, what="the faust worker to project 100 events"
        )
        rows = await pool.fetch("SELECT events FROM probe_counts")
        assert len(rows) == 20 and {r["events"] for r in rows} == {5}
        assert await pool.fetchval("SELECT count(*) FROM applied_events WHERE projection = 'probe'") == 100
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
