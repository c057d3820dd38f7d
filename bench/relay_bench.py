"""Outbox relay: publish rate to Kafka, and latency from append to delivery, on real servers.

1. Publish rate: N events pre-appended (across 1,000 streams) to a fresh schema, then
   OutboxRelay.publish_pending() called in a loop until the outbox is empty, onto a fresh
   6-partition topic; once per batch size, each repetition on a fresh schema and topic.
2. Latency: the relay running (woken by LISTEN/NOTIFY), single-event appends one after another;
   a consumer of the topic notes when each arrives. Latency = receipt time - time append() returned.

    .venv/bin/python bench/relay_bench.py [--events N] [--batch-sizes 100 500 2000] [--json out.json]

Uses DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS when both are set, else starts throw-away servers with
govgrid.testing.servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka import AIOKafkaProducer
from aiokafka import TopicPartition

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.outbox.relay import OutboxRelay
from govgrid.testing.factories import draft
from govgrid.testing.factories import village_registered
from govgrid.testing.servers import local_instance

PARTITIONS = 6
PAYLOAD = village_registered(1)
RECEIPT_TIMEOUT = 30.0  # seconds; a lost message fails the run instead of hanging it


class Producers:
    """Hands the relay its producers and keeps them: publish_pending() alone never stops them."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap
        self._started: list[AIOKafkaProducer] = []

    def __call__(self) -> AIOKafkaProducer:
        producer = idempotent_producer(self._bootstrap, "bench-relay")
        self._started.append(producer)
        return producer

    async def stop(self) -> None:
        for producer in self._started:
            await producer.stop()


@contextlib.asynccontextmanager
async def fresh_store(url: str, bootstrap: str, schema: str) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    """A migrated, empty schema and a new topic; the schema is dropped afterwards."""
    topic = f"bench.relay.{uuid.uuid4().hex[:12]}"
    await ensure_topics(bootstrap, {topic: PARTITIONS})
    pool = await create_pool(url, schema=schema, max_size=4)
    try:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
        await apply_migrations(pool, MIGRATIONS)
        yield pool, topic
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


async def messages_on(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(PARTITIONS)])
        return sum(int(offset) for offset in ends.values())
    finally:
        await consumer.stop()


async def publish_rate(url: str, bootstrap: str, batch_size: int, events: int, streams: int) -> float:
    """Events per second that publish_pending() moves from a full outbox to Kafka."""
    schema = f"bench_relay_{batch_size}"
    async with fresh_store(url, bootstrap, schema) as (pool, topic):
        store = PostgresEventStore(pool)
        producers = Producers(bootstrap)
        relay = OutboxRelay(pool, producers, topic, schema=schema, batch_size=batch_size)
        try:
            # One event through first, untimed: it starts the producer (connection, metadata, producer id).
            await store.append("warm-up", 0, [draft(PAYLOAD)])
            await relay.publish_pending()
            # Whole streams per append keep the set-up short; the outbox gets one row per event either way.
            per_stream = events // streams
            for s in range(streams):
                await store.append(f"village-{s:04d}", 0, [draft(PAYLOAD) for _ in range(per_stream)])
            start = time.perf_counter()
            published = 0
            while batch := await relay.publish_pending():
                published += batch
            seconds = time.perf_counter() - start
        finally:
            await producers.stop()
        # A relay that drops or duplicates messages is not fast, it is broken: check the topic.
        on_topic = await messages_on(bootstrap, topic)
        if published != per_stream * streams or on_topic != published + 1:
            raise RuntimeError(
                f"published {published}, topic holds {on_topic}, appended {per_stream * streams}"
            )
        return published / seconds


async def delivery_latencies(url: str, bootstrap: str, appends: int, warmup: int) -> list[float]:
    """Seconds from each append's return to its receipt by a consumer, with the relay running."""
    async with fresh_store(url, bootstrap, "bench_relay_latency") as (pool, topic):
        store = PostgresEventStore(pool)
        relay = OutboxRelay(pool, Producers(bootstrap), topic, schema="bench_relay_latency")
        stopping = asyncio.Event()
        relay_task = asyncio.create_task(relay.run(stopping))  # run() stops its producer itself
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
        await consumer.start()
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        receipts: dict[str, asyncio.Future[float]] = {}

        async def consume() -> None:
            async for message in consumer:
                # Stamp first: parsing is the consumer's work, not the pipeline's.
                received = time.perf_counter()
                receipts[json.loads(message.value)["event_id"]].set_result(received)

        consume_task = asyncio.create_task(consume())
        loop = asyncio.get_running_loop()
        latencies: list[float] = []
        try:
            for n in range(warmup + appends):
                event = draft(PAYLOAD)
                # Registered before the append, so even the fastest delivery finds its future.
                receipt = receipts[str(event.event_id)] = loop.create_future()
                await store.append("village-0000", n, [event])
                appended = time.perf_counter()
                received = await asyncio.wait_for(receipt, RECEIPT_TIMEOUT)
                if n >= warmup:
                    latencies.append(received - appended)
        finally:
            consume_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consume_task
            await consumer.stop()
            stopping.set()
            await relay_task
        return latencies


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str]]:
    url, bootstrap = os.environ.get("DATABASE_URL"), os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if url and bootstrap:
        yield url, bootstrap
    else:
        with local_instance("postgres", "kafka") as instance:
            yield instance.database_url, instance.bootstrap_servers


async def bench(args: argparse.Namespace, url: str, bootstrap: str) -> dict[str, object]:
    rates: dict[int, list[float]] = {size: [] for size in args.batch_sizes}
    p50s: list[float] = []
    p99s: list[float] = []
    for repetition in range(1, args.repetitions + 1):
        for size in args.batch_sizes:
            rate = await publish_rate(url, bootstrap, size, args.events, args.streams)
            rates[size].append(rate)
            # The 1-minute load average flags runs disturbed by other work on the machine.
            print(
                f"rep {repetition} batch {size:5}: {rate:8.0f} events/s (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        latencies = await delivery_latencies(url, bootstrap, args.latency_appends, warmup=20)
        p50s.append(percentile(latencies, 50))
        p99s.append(percentile(latencies, 99))
        print(
            f"rep {repetition} append->receipt: p50 {p50s[-1] * 1000:.1f} ms, p99 {p99s[-1] * 1000:.1f} ms,"
            f" max {max(latencies) * 1000:.1f} ms ({len(latencies)} appends, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    print()
    for size, samples in rates.items():
        print(
            f"batch {size:5}: median {statistics.median(samples):8.0f} events/s"
            f" (min {min(samples):.0f}, max {max(samples):.0f})"
        )
    for name, values in (("p50", p50s), ("p99", p99s)):
        print(
            f"latency {name}: median {statistics.median(values) * 1000:.1f} ms"
            f" (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )
    return {
        "publish_rates": {str(k): v for k, v in rates.items()},
        "latency_p50_s": p50s,
        "latency_p99_s": p99s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events pre-appended per publish run")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--latency-appends", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with servers() as (url, bootstrap):
        report = asyncio.run(bench(args, url, bootstrap))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
