import asyncpg
import pytest

from govgrid.eventstore import PostgresEventStore
from govgrid.testing.factories import draft
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
