"""Running the kernel's outbox relay in tests, on the test's own schema and topic."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg

from govgrid.envelope import EventEnvelope
from govgrid.eventstore.postgres import EVENT_COLUMNS
from govgrid.eventstore.postgres import envelope_from_row
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.outbox import OutboxRelay
from govgrid.outbox.housekeeping import Housekeeping

PARTITIONS = 3


def make_relay(
    pool: asyncpg.Pool,
    bootstrap: str,
    topic: str,
    schema: str,
    batch_size: int = 100,
    housekeeping: Housekeeping | None = None,
) -> OutboxRelay:
    async def ensure_topic() -> None:
        await ensure_topics(bootstrap, {topic: PARTITIONS})

    return OutboxRelay(
        pool,
        lambda: idempotent_producer(bootstrap, "test-relay"),
        topic,
        schema=schema,
        batch_size=batch_size,
        poll_interval=0.5,
        prepare_kafka=ensure_topic,
        housekeeping=housekeeping,
    )


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    task = asyncio.create_task(relay.run(stopping))
    try:
        yield
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)


async def unpublished(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


async def drained(pool: asyncpg.Pool) -> bool:
    return await unpublished(pool) == 0


async def stored_events(pool: asyncpg.Pool) -> list[EventEnvelope]:
    """Every event of the store, in the order stored; for a test whose writers are done (appends take
    no lock, so while they run, a later position may commit before an earlier one)."""
    rows = await pool.fetch(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY global_position")
    return [envelope_from_row(r) for r in rows]
