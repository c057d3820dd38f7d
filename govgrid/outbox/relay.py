"""Outbox relay: publishes outbox rows to Kafka in order, then marks them published.

- Order: rows are read in position order and sent by one idempotent producer (acks=all), key =
  stream id, so each stream's events reach their partition in version order.
- Nothing lost: a row is marked published only after Kafka acknowledged it. A crash or a broker
  outage at worst republishes rows that were sent but not yet marked; consumers deduplicate by
  event_id (govgrid.projection).
- Housekeeping: the active relay prunes published outbox rows and expired idempotency keys
  (govgrid.outbox.housekeeping).
- One active relay per store: a session-level advisory lock elects it; others stand by.
- Low latency: woken by LISTEN/NOTIFY after commits (coalesced: govgrid.eventstore.wakeup), with a
  poll every poll interval as the safety net for a lost wake-up.

Run it: ``python -m govgrid.outbox --service appointments [--schema appointments]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import timedelta

import asyncpg
import uvloop
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import start_http_server

from govgrid.config import GovgridSettings
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore.wakeup import outbox_channel
from govgrid.kafka import ensure_topics
from govgrid.kafka import events_topic
from govgrid.kafka import idempotent_producer
from govgrid.observability import DependencyAway
from govgrid.observability import configure_logging
from govgrid.outbox.housekeeping import Housekeeping
from govgrid.stopping import sleep_unless_stopping

log = logging.getLogger("govgrid.outbox.relay")

RELAY_LOCK_CLASS = 0x7265  # "re"
MAX_BACKOFF_SECONDS = 5.0

PUBLISHED = Counter("govgrid_outbox_published_total", "Outbox rows acknowledged by Kafka.", ["topic"])
FAILURES = Counter("govgrid_outbox_failures_total", "Relay cycles that failed and backed off.", ["topic"])
BACKLOG = Gauge("govgrid_outbox_backlog", "Unpublished outbox rows seen at the last fetch.", ["topic"])


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        producer_factory: Callable[[], AIOKafkaProducer],
        topic: str,
        *,
        schema: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        prepare_kafka: Callable[[], Awaitable[None]] | None = None,
        housekeeping: Housekeeping | None = None,
    ) -> None:
        self._pool = pool
        self._producer_factory = producer_factory
        self._producer: AIOKafkaProducer | None = None
        self._topic = topic
        self._schema = schema
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._prepare_kafka = prepare_kafka  # e.g. create the topic once the broker answers
        self._wake = asyncio.Event()
        self._housekeeping = housekeeping  # run by the active relay, one per store
        self._away = DependencyAway(log, f"PostgreSQL or Kafka (relay of {topic})")

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until ``stopping`` is set, surviving PostgreSQL and Kafka outages."""
        backoff = 0.2
        while not stopping.is_set():
            try:
                await self._lead(stopping)
                backoff = 0.2
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError, TimeoutError) as exc:
                FAILURES.labels(self._topic).inc()
                self._away.away(exc)
                await self._close_producer()
                await sleep_unless_stopping(stopping, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        await self._close_producer()

    async def _lead(self, stopping: asyncio.Event) -> None:
        # The lock and LISTEN live on one dedicated connection; losing it loses leadership.
        conn: asyncpg.Connection = await self._pool.acquire()
        try:
            standing_by = False
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", RELAY_LOCK_CLASS, self._schema
            ):
                self._away.back()
                if not standing_by:  # said once, not once per poll
                    standing_by = True
                    log.info("another relay publishes %s; standing by", self._schema)
                if await sleep_unless_stopping(stopping, self._poll_interval):
                    return
            log.info("publishing %s", self._schema)
            await conn.add_listener(outbox_channel(self._schema), self._on_notify)
            housekeeping_due = time.monotonic()
            while not stopping.is_set():
                if self._housekeeping is not None and time.monotonic() >= housekeeping_due:
                    await self._housekeeping.run(self._pool)
                    housekeeping_due = time.monotonic() + self._housekeeping.interval.total_seconds()
                self._wake.clear()  # before fetching, so an append during the fetch is not missed
                published = await self.publish_pending()
                self._away.back()
                if published < self._batch_size:
                    # Every commit is followed by a NOTIFY (coalesced ones cover the commits before
                    # them), so only a failed one is ever missing: the poll is its safety net. A
                    # second fetch 50 ms after each batch, as before, was a query per command for
                    # nothing (the command's rows were all in the batch).
                    await _wait_any(self._wake, stopping, seconds=self._poll_interval)
        finally:
            with contextlib.suppress(Exception):
                await conn.remove_listener(outbox_channel(self._schema), self._on_notify)
            # The pool does not reset released connections (govgrid.db): give the lock back here. If
            # the connection is broken, the server has dropped the lock with the session.
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock_all()")
            await self._pool.release(conn)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Send one batch of unpublished rows; mark the acknowledged prefix published."""
        rows = await self._pool.fetch(
            "SELECT position, stream_id, envelope::text AS envelope FROM outbox"
            " WHERE published_at IS NULL ORDER BY position LIMIT $1",
            self._batch_size,
        )
        BACKLOG.labels(self._topic).set(len(rows))
        if not rows:
            return 0
        producer = await self._ensure_producer()
        deliveries = [
            await producer.send(self._topic, value=r["envelope"].encode(), key=r["stream_id"].encode())
            for r in rows
        ]
        results = await asyncio.gather(*deliveries, return_exceptions=True)
        acknowledged: list[int] = []
        failure: BaseException | None = None
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                failure = result
                break
            acknowledged.append(row["position"])
        if acknowledged:
            await self._pool.execute(
                "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])", acknowledged
            )
            PUBLISHED.labels(self._topic).inc(len(acknowledged))
        if failure is not None:
            raise failure
        return len(acknowledged)

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            if self._prepare_kafka is not None:
                await self._prepare_kafka()
            producer = self._producer_factory()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), timeout=10)


async def _wait_any(wake: asyncio.Event, stopping: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stopping.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def serve(settings: GovgridSettings, service: str, schema: str) -> None:
    topic = events_topic(service)
    pool = await create_pool(settings.database_url, schema=schema, max_size=3)
    try:
        await apply_migrations(pool, MIGRATIONS)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)

        async def ensure_topic() -> None:
            await ensure_topics(
                settings.kafka_bootstrap_servers,
                {topic: settings.kafka_topic_partitions},
                settings.kafka_replication_factor,
            )

        relay = OutboxRelay(
            pool,
            lambda: idempotent_producer(settings.kafka_bootstrap_servers, f"{service}-relay"),
            topic,
            schema=schema,
            batch_size=settings.relay_batch_size,
            poll_interval=settings.relay_poll_interval_seconds,
            prepare_kafka=ensure_topic,
            housekeeping=Housekeeping(
                outbox_retention=timedelta(seconds=settings.outbox_retention_seconds),
                idempotency_key_ttl=timedelta(seconds=settings.idempotency_key_ttl_seconds),
            ),
        )
        log.info("relay publishing schema %s to %s", schema, topic)
        await relay.run(stopping)
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Publish a write service's outbox to its Kafka topic.")
    parser.add_argument("--service", required=True, help="the write service, e.g. appointments")
    parser.add_argument("--schema", help="PostgreSQL schema of its event store (default: the service name)")
    parser.add_argument("--metrics-port", type=int, help="serve Prometheus metrics over HTTP on this port")
    parser.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port")
    args = parser.parse_args(argv)
    settings = GovgridSettings(service_name=f"{args.service}-relay")
    configure_logging(settings)
    if args.metrics_port:
        start_http_server(args.metrics_port, addr=args.metrics_host)
    uvloop.run(serve(settings, args.service, args.schema or args.service.replace("-", "_")))
    return 0
