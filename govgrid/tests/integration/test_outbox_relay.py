"""The outbox relay against real PostgreSQL and a real Kafka broker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRecord

from govgrid.envelope import EventEnvelope
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.outbox.housekeeping import Housekeeping
from govgrid.projection import ApplyOnce
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import PARTITIONS
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import unpublished
from govgrid.testing.servers import LocalInstance


async def append_round_robin(pool: asyncpg.Pool, streams: list[str], per_stream: int) -> list[EventEnvelope]:
    store = PostgresEventStore(pool)
    appended: list[EventEnvelope] = []
    for version in range(per_stream):
        for stream in streams:
            appended += await store.append(stream, version, [draft()])
    return appended


async def outbox_empty(pool: asyncpg.Pool) -> bool:
    return bool(await pool.fetchval("SELECT count(*) = 0 FROM outbox"))


def envelopes(records: list[ConsumerRecord]) -> list[EventEnvelope]:
    return [EventEnvelope.from_json_bytes(r.value) for r in records]


def first_occurrences(records: list[ConsumerRecord]) -> list[EventEnvelope]:
    """The records with duplicates (republished after a crash) dropped, as a consumer sees them."""
    seen: set[UUID] = set()
    unique = []
    for e in envelopes(records):
        if e.event_id not in seen:
            seen.add(e.event_id)
            unique.append(e)
    return unique


def assert_each_stream_in_version_order(records: list[ConsumerRecord]) -> None:
    by_stream: dict[str, list[int]] = {}
    for e in first_occurrences(records):
        by_stream.setdefault(e.stream_id, []).append(e.stream_version)
    for stream, versions in by_stream.items():
        assert versions == list(range(1, len(versions) + 1)), f"{stream} out of order: {versions}"


async def test_appended_events_reach_the_topic_in_order_keyed_by_stream(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    streams = [f"unit-V{n:04d}" for n in range(1, 6)]
    async with running(make_relay(pool, kafka_bootstrap, topic, schema)):
        appended = await append_round_robin(pool, streams, per_stream=8)
        await wait_until(lambda: drained(pool), what="outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(appended))
    assert len(records) == len(appended)  # no crash here, so no duplicates either
    for record in records:
        assert record.key == EventEnvelope.from_json_bytes(record.value).stream_id.encode()
    assert_each_stream_in_version_order(records)
    # Same key, same partition: each stream lives in exactly one partition.
    partitions_by_stream: dict[str, set[int]] = {}
    for r in records:
        partitions_by_stream.setdefault(r.key.decode(), set()).add(r.partition)
    assert all(len(p) == 1 for p in partitions_by_stream.values())
    # Exactly what was stored travels, field for field.
    assert {e.event_id: e for e in envelopes(records)} == {e.event_id: e for e in appended}


async def test_sixteen_concurrent_writers_lose_nothing_and_keep_each_stream_in_order(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    # Appends take no lock: writers race on shared streams while the relay publishes.
    streams = [f"unit-V{n:04d}" for n in range(1, 9)]
    store = PostgresEventStore(pool)
    conflicts = 0

    async def writer(number: int, appends: int) -> list[EventEnvelope]:
        nonlocal conflicts
        mine: list[EventEnvelope] = []
        for turn in range(appends):
            stream = streams[(number + turn) % len(streams)]
            while True:
                version = len(await store.read_stream(stream))
                try:
                    mine += await store.append(stream, version, [draft()])
                    break
                except ConcurrencyConflict:
                    conflicts += 1
        return mine

    # Pruning every published row at once, while the writers run, must not lose one either.
    prune_all = Housekeeping(outbox_retention=timedelta(0), interval=timedelta(seconds=0.05))
    async with running(make_relay(pool, kafka_bootstrap, topic, schema, housekeeping=prune_all)):
        written = await asyncio.gather(*(writer(n, 25) for n in range(16)))
        await wait_until(lambda: outbox_empty(pool), what="outbox published and pruned")
    appended = [e for mine in written for e in mine]
    assert len(appended) == 16 * 25
    assert conflicts > 0  # the writers did race
    records = await read_topic(kafka_bootstrap, topic, at_least=len(appended))
    on_topic = [e.event_id for e in envelopes(records)]
    assert sorted(on_topic) == sorted(e.event_id for e in appended)  # each exactly once
    assert_each_stream_in_version_order(records)
    for stream in streams:
        on_kafka = [e for e in envelopes(records) if e.stream_id == stream]
        assert on_kafka == await store.read_stream(stream)


async def test_appends_succeed_while_the_broker_is_down_and_are_published_after_it_returns(
    pool: asyncpg.Pool, private_kafka: LocalInstance, topic: str, schema: str
) -> None:
    bootstrap = private_kafka.bootstrap_servers
    async with running(make_relay(pool, bootstrap, topic, schema)):
        before = await append_round_robin(pool, ["a", "b"], per_stream=5)
        await wait_until(lambda: drained(pool), what="first events published")

        private_kafka.stop()
        store = PostgresEventStore(pool)
        during = []
        for version in range(5, 15):
            during += await store.append("a", version, [draft()])
        await asyncio.sleep(1)  # let the relay try (and fail) at least once
        assert await unpublished(pool) == len(during)

        private_kafka.start()
        await wait_until(lambda: drained(pool), timeout=90, what="backlog published")
    records = await read_topic(bootstrap, topic, at_least=len(before) + len(during))
    assert {e.event_id for e in envelopes(records)} == {e.event_id for e in [*before, *during]}
    assert_each_stream_in_version_order(records)


class CountingProjection:
    """A read model that counts how often each event was applied."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.apply_once = ApplyOnce(pool, "counting")

    async def setup(self) -> None:
        await self.pool.execute("CREATE TABLE applied_count (event_id uuid PRIMARY KEY, times int NOT NULL)")

    async def consume(self, records: list[ConsumerRecord]) -> int:
        async def count(conn: asyncpg.Connection, e: EventEnvelope) -> None:
            await conn.execute(
                "INSERT INTO applied_count VALUES ($1, 1)"
                " ON CONFLICT (event_id) DO UPDATE SET times = applied_count.times + 1",
                e.event_id,
            )

        applied = 0
        for envelope in envelopes(records):
            applied += await self.apply_once.apply(envelope, count)
        return applied

    async def times_applied(self) -> list[int]:
        return [r["times"] for r in await self.pool.fetch("SELECT times FROM applied_count")]


async def test_a_crash_between_send_and_mark_republishes_and_the_consumer_applies_once(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    appended = await append_round_robin(pool, ["a", "b", "c"], per_stream=4)
    # A relay that sent everything and died before marking anything: simulate its sends.
    await ensure_topics(kafka_bootstrap, {topic: PARTITIONS})
    producer = idempotent_producer(kafka_bootstrap, "crashed-relay")
    await producer.start()
    for row in await pool.fetch(
        "SELECT stream_id, envelope::text AS e FROM outbox ORDER BY position LIMIT 7"
    ):
        await producer.send_and_wait(topic, row["e"].encode(), key=row["stream_id"].encode())
    await producer.stop()

    async with running(make_relay(pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(pool), what="outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(appended) + 7)
    assert len(records) == len(appended) + 7  # the seven were republished

    projection = CountingProjection(pool)
    await projection.setup()
    assert await projection.consume(records) == len(appended)
    assert await projection.times_applied() == [1] * len(appended)
    assert await projection.consume(records) == 0  # a full replay changes nothing


def relay_process(database_url: str, bootstrap: str, service: str, schema: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_TOPIC_PARTITIONS": str(PARTITIONS),
        "RELAY_BATCH_SIZE": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "govgrid.outbox", "--service", service, "--schema", schema],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def test_killing_the_relay_mid_batch_loses_nothing_and_applies_each_event_once(
    pool: asyncpg.Pool, database_url: str, kafka_bootstrap: str, service_name: str, topic: str, schema: str
) -> None:
    total = 3000
    store = PostgresEventStore(pool)
    for n in range(total // 10):
        await store.append(f"stream-{n}", 0, [draft() for _ in range(10)])

    first = relay_process(database_url, kafka_bootstrap, service_name, schema)
    try:
        await wait_until(
            lambda: _published_some(pool, total, first),
            timeout=60,
            interval=0.005,
            what="the relay to be part-way through the backlog",
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    left = await unpublished(pool)
    assert 0 < left < total

    second = relay_process(database_url, kafka_bootstrap, service_name, schema)
    try:
        await wait_until(lambda: drained(pool), timeout=90, what="the restarted relay to finish")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, second.stderr.read().decode() if second.stderr else ""

    records = await read_topic(kafka_bootstrap, topic, at_least=total)
    assert len(records) >= total
    assert_each_stream_in_version_order(records)
    projection = CountingProjection(pool)
    await projection.setup()
    assert await projection.consume(records) == total
    assert await projection.times_applied() == [1] * total


async def _published_some(pool: asyncpg.Pool, total: int, relay: subprocess.Popen[bytes]) -> bool:
    if relay.poll() is not None:
        raise AssertionError(f"relay exited early: {relay.stderr.read().decode() if relay.stderr else ''}")
    return 0 < total - await unpublished(pool) < total
