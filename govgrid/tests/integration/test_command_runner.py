"""The command runner's Idempotency-Key: a retry, or a concurrent twin, never runs the handler again
(a handler may show something once only, e.g. a revealed contact)."""

from __future__ import annotations

import asyncio

import asyncpg

from govgrid.commands import CommandResult
from govgrid.commands import PostgresCommandRunner
from govgrid.eventstore import PostgresEventStore
from govgrid.testing.factories import draft


async def test_a_retry_and_concurrent_twins_get_the_first_answer_without_running_again(
    pool: asyncpg.Pool,
) -> None:
    runner = PostgresCommandRunner(pool, PostgresEventStore)
    runs = 0

    async def register(store: PostgresEventStore) -> CommandResult:
        nonlocal runs
        runs += 1
        await store.append(f"unit-{runs}", 0, [draft()])
        await asyncio.sleep(0.2)  # the twins arrive while this one is in flight
        return CommandResult(201, {"run": runs})

    answers = await asyncio.gather(
        *(runner.run(register, idempotency_key="k", fingerprint="f") for _ in range(3))
    )
    retry = await runner.run(register, idempotency_key="k", fingerprint="f")
    assert runs == 1
    assert [a.body for a in [*answers, retry]] == [{"run": 1}] * 4
    assert sorted(a.replayed for a in answers) == [False, True, True] and retry.replayed
    assert await pool.fetchval("SELECT count(*) FROM events") == 1
