import asyncio

import asyncpg
import pytest

from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.batch import StreamBatch
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.tests.contract_eventstore import EventStoreContract


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def store(self, pool: asyncpg.Pool) -> PostgresEventStore:
        return PostgresEventStore(pool)


async def test_each_append_writes_its_events_to_the_outbox_in_order(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    first = await store.append("a", 0, [draft(), draft()])
    second = await store.append("b", 0, [draft()])
    rows = await pool.fetch("SELECT event_id, stream_id, published_at FROM outbox ORDER BY position")
    assert [r["event_id"] for r in rows] == [e.event_id for e in [*first, *second]]
    assert [r["stream_id"] for r in rows] == ["a", "a", "b"]
    assert all(r["published_at"] is None for r in rows)


async def test_stored_events_cannot_be_changed_or_deleted(pool: asyncpg.Pool) -> None:
    await PostgresEventStore(pool).append("a", 0, [draft()])
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute("UPDATE events SET actor = 'someone else'")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute("DELETE FROM events")
    # TRUNCATE removes rows without a row-level DELETE: its own trigger (migration 0004).
    with pytest.raises(asyncpg.RaiseError, match=r"append-only \(TRUNCATE refused\)"):
        await pool.execute("TRUNCATE events")
    with pytest.raises(asyncpg.RaiseError, match=r"append-only \(TRUNCATE refused\)"):
        await pool.execute("TRUNCATE events, outbox RESTART IDENTITY CASCADE")
    assert await pool.fetchval("SELECT count(*) FROM events") == 1
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_a_writer_that_finds_some_of_its_versions_taken_stores_nothing(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    await store.append("s", 0, [draft()])
    async with pool.acquire() as first, first.transaction():
        # The first writer holds version 2, uncommitted; the second wants versions 2 and 3.
        taken = await PostgresEventStore(first).append("s", 1, [draft()])
        second = asyncio.create_task(store.append("s", 1, [draft(), draft()]))
        await wait_until(lambda: waiting_on_a_lock(pool), what="the second writer waits for the first")
    with pytest.raises(ConcurrencyConflict) as caught:
        await second
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    assert [e.event_id for e in (await store.read_stream("s"))[1:]] == [e.event_id for e in taken]
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 2


async def test_a_conflict_inside_a_transaction_leaves_it_usable(pool: asyncpg.Pool) -> None:
    await PostgresEventStore(pool).append("s", 0, [draft()])
    async with pool.acquire() as conn, conn.transaction():
        store = PostgresEventStore(conn)
        for stale in (0, 2):
            with pytest.raises(ConcurrencyConflict) as caught:
                await store.append("s", stale, [draft()])
            assert caught.value.actual_version == 1
        await store.append("s", 1, [draft()])
    assert [e.stream_version for e in await PostgresEventStore(pool).read_stream("s")] == [1, 2]


async def waiting_on_a_lock(pool: asyncpg.Pool) -> bool:
    return bool(
        await pool.fetchval(
            "SELECT count(*) > 0 FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )


async def test_a_stream_batch_stores_many_streams_in_one_write(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    (a1,) = await store.append("a", 0, [draft()])
    async with pool.acquire() as conn, conn.transaction():
        batch = StreamBatch(PostgresEventStore(conn))
        await batch.preload(["a", "b"])
        assert await batch.read_stream("a") == [a1]
        a2 = await batch.append("a", 1, [draft()])
        b = await batch.append("b", 0, [draft(), draft()])
        with pytest.raises(ConcurrencyConflict):
            await batch.append("b", 0, [draft()])
        assert await batch.read_stream("b") == b
        assert await store.read_stream("b") == []  # nothing written before flush
        assert await batch.flush() == 3
    assert await store.read_stream("a") == [a1, *a2]
    assert await store.read_stream("b") == b
    outbox = await pool.fetch("SELECT event_id FROM outbox ORDER BY position")
    assert [r["event_id"] for r in outbox] == [e.event_id for e in [a1, *a2, *b]]


async def test_a_stream_batch_conflicts_with_a_writer_that_came_in_between(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        with pytest.raises(ConcurrencyConflict) as caught:
            async with conn.transaction():
                batch = StreamBatch(PostgresEventStore(conn))
                await batch.preload(["a, b"])
                await batch.append("a, b", 0, [draft()])
                await PostgresEventStore(pool).append("a, b", 0, [draft()])
                await batch.flush()
    assert (caught.value.stream_id, caught.value.actual_version) == ("a, b", 1)
    assert len(await PostgresEventStore(pool).read_stream("a, b")) == 1
