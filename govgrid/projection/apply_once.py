"""Apply an event and record it as applied in one PostgreSQL transaction.

Kafka delivers at least once (the relay may republish, consumers may restart before committing
offsets), so a projection must recognise what it already applied: the record of an event_id and
the read-model change commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import asyncpg

from govgrid.envelope import EventEnvelope

MIGRATIONS = Path(__file__).parent / "migrations"

Applier = Callable[[asyncpg.Connection, EventEnvelope], Awaitable[None]]


async def record_applied(conn: asyncpg.Connection, projection: str, envelope: EventEnvelope) -> bool:
    """Record the event as applied by ``projection``, in the caller's transaction; False if it was
    already: then the caller must not apply it again."""
    first_time = await conn.fetchval(
        "INSERT INTO applied_events (projection, event_id, stream_id, stream_version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
        projection,
        envelope.event_id,
        envelope.stream_id,
        envelope.stream_version,
    )
    return bool(first_time)


async def record_applied_many(
    conn: asyncpg.Connection, projection: str, envelopes: Sequence[EventEnvelope]
) -> set[UUID]:
    """Record many events as applied by ``projection`` in one statement, in the caller's transaction
    (a feed's batch); the ids recorded now. The caller applies those, once each, and no other."""
    rows = await conn.fetch(
        "INSERT INTO applied_events (projection, event_id, stream_id, stream_version)"
        " SELECT $1, event_id, stream_id, stream_version"
        "   FROM unnest($2::uuid[], $3::text[], $4::integer[]) AS e (event_id, stream_id, stream_version)"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        projection,
        [e.event_id for e in envelopes],
        [e.stream_id for e in envelopes],
        [e.stream_version for e in envelopes],
    )
    return {row["event_id"] for row in rows}


class ApplyOnce:
    def __init__(self, pool: asyncpg.Pool, projection: str) -> None:
        self._pool = pool
        self._projection = projection

    async def apply(self, envelope: EventEnvelope, applier: Applier) -> bool:
        """Run ``applier`` unless this projection already applied the event; True if it ran."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await record_applied(conn, self._projection, envelope):
                return False
            await applier(conn, envelope)
            return True
