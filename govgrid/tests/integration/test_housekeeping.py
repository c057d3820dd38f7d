"""Housekeeping of a store: published outbox rows and expired idempotency keys go, nothing else."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import asyncpg

from govgrid.commands import CommandResult
from govgrid.commands import PostgresCommandRunner
from govgrid.eventstore import PostgresEventStore
from govgrid.outbox.housekeeping import Housekeeping
from govgrid.outbox.housekeeping import expire_idempotency_keys
from govgrid.outbox.housekeeping import prune_published_outbox
from govgrid.testing.factories import draft

HOUR = timedelta(hours=1)


async def outbox_positions(pool: asyncpg.Pool) -> list[int]:
    return [r["position"] for r in await pool.fetch("SELECT position FROM outbox ORDER BY position")]


async def publish(pool: asyncpg.Pool, positions: list[int], ago: timedelta) -> None:
    await pool.execute(
        "UPDATE outbox SET published_at = now() - $2::interval WHERE position = ANY($1::bigint[])",
        positions,
        ago,
    )


async def test_published_rows_older_than_the_retention_are_pruned(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    for n in range(6):
        await store.append(f"s{n}", 0, [draft()])
    p = await outbox_positions(pool)
    await publish(pool, p[:3], 2 * HOUR)
    await publish(pool, p[3:4], timedelta(minutes=1))
    await publish(pool, p[5:], 2 * HOUR)  # above a row that must stay: waits for the next prune
    assert await prune_published_outbox(pool, HOUR) == 3
    assert await outbox_positions(pool) == p[3:]
    assert await pool.fetchval("SELECT count(*) FROM events") == 6  # events are never pruned


async def test_an_unpublished_row_is_never_pruned(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    for n in range(3):
        await store.append(f"s{n}", 0, [draft()])
    p = await outbox_positions(pool)
    await publish(pool, p[1:], 2 * HOUR)  # the first row, a late commit, is not published yet
    assert await prune_published_outbox(pool, HOUR) == 0
    assert await outbox_positions(pool) == p
    await publish(pool, p[:1], 2 * HOUR)
    assert await prune_published_outbox(pool, timedelta(0)) == 3
    assert await outbox_positions(pool) == []


async def test_expired_idempotency_keys_go_and_a_replay_then_runs_as_a_new_request(
    pool: asyncpg.Pool,
) -> None:
    runner = PostgresCommandRunner(pool, PostgresEventStore)

    async def register(store: PostgresEventStore) -> CommandResult:
        stream = f"unit-{uuid4()}"
        await store.append(stream, 0, [draft()])
        return CommandResult(201, {"stream": stream})

    first = await runner.run(register, idempotency_key="old", fingerprint="f")
    recent = await runner.run(register, idempotency_key="recent", fingerprint="f")
    await pool.execute(
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old'"
    )
    assert (await runner.run(register, idempotency_key="old", fingerprint="f")).replayed  # not pruned yet

    assert await expire_idempotency_keys(pool, timedelta(hours=24)) == 1
    assert await runner.run(register, idempotency_key="recent", fingerprint="f") == CommandResult(
        201, recent.body, replayed=True
    )
    again = await runner.run(register, idempotency_key="old", fingerprint="f")
    assert not again.replayed and again.body != first.body  # decided again: a second registration
    assert await pool.fetchval("SELECT count(*) FROM events") == 3


async def test_housekeeping_does_both(pool: asyncpg.Pool) -> None:
    await PostgresEventStore(pool).append("s", 0, [draft()])
    await publish(pool, await outbox_positions(pool), 2 * HOUR)
    await pool.execute(
        "INSERT INTO idempotency_keys (key, fingerprint, status_code, body, created_at)"
        " VALUES ('k', 'f', 200, '{}', now() - interval '2 days')"
    )
    assert await Housekeeping(outbox_retention=HOUR).run(pool) == (1, 1)
