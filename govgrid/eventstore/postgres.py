"""PostgreSQL event store on asyncpg: append with an expected version, plus the outbox rows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg

from govgrid.envelope import EventDraft, EventEnvelope
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore.port import RecordedEvent, check_drafts

# Appends take this transaction-level advisory lock (one per schema, i.e. per service store), so
# global positions are handed out in commit order and read_all never skips a late commit.
# It serialises appends of one service; docs/benchmarks.md measures what that costs.
APPEND_LOCK_CLASS = 0x6576  # "ev"

OUTBOX_CHANNEL = "govgrid_outbox"  # NOTIFY payload: the schema that has new outbox rows

_COLUMNS = (
    "event_id, stream_id, stream_version, event_type, schema_version, occurred_at, recorded_at,"
    " actor, correlation_id, causation_id, jurisdiction, payload"
)


class PostgresEventStore:
    """Works on a pool (each call its own transaction) or on a connection the caller has put in a
    transaction (a command's unit of work: idempotency record and append commit together)."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[asyncpg.Connection]:
        if isinstance(self._db, asyncpg.Pool):
            async with self._db.acquire() as conn, conn.transaction():
                yield conn
        else:
            async with self._db.transaction():  # a savepoint inside the caller's transaction
                yield self._db

    async def append(
        self, stream_id: str, expected_version: int, drafts: Sequence[EventDraft]
    ) -> list[EventEnvelope]:
        check_drafts(stream_id, expected_version, drafts)
        recorded_at = datetime.now(UTC)
        sealed = [d.seal(stream_id, expected_version + i, recorded_at) for i, d in enumerate(drafts, start=1)]
        async with self._transaction() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", APPEND_LOCK_CLASS
            )
            current = await _stream_version(conn, stream_id)
            if current != expected_version:
                raise ConcurrencyConflict(stream_id, expected_version, current)
            try:
                await _insert(conn, sealed)
            except asyncpg.UniqueViolationError as exc:
                if exc.constraint_name != "events_stream_version_unique":
                    raise
                raise ConcurrencyConflict(
                    stream_id, expected_version, await _stream_version(conn, stream_id)
                ) from None
            await conn.execute("SELECT pg_notify($1, current_schema())", OUTBOX_CHANNEL)
        return sealed

    async def read_stream(self, stream_id: str) -> list[EventEnvelope]:
        rows = await self._db.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version", stream_id
        )
        return [_envelope(r) for r in rows]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        rows = await self._db.fetch(
            f"SELECT global_position, {_COLUMNS} FROM events WHERE global_position > $1"
            " ORDER BY global_position LIMIT $2",
            after_position,
            limit,
        )
        return [RecordedEvent(r["global_position"], _envelope(r)) for r in rows]


async def _stream_version(conn: asyncpg.Connection, stream_id: str) -> int:
    version = await conn.fetchval("SELECT max(stream_version) FROM events WHERE stream_id = $1", stream_id)
    return int(version or 0)


async def _insert(conn: asyncpg.Connection, sealed: list[EventEnvelope]) -> None:
    columns: list[list[Any]] = [[] for _ in range(12)]
    for e in sealed:
        values = (
            e.event_id,
            e.stream_id,
            e.stream_version,
            e.event_type,
            e.schema_version,
            e.occurred_at,
            e.recorded_at,
            e.actor,
            e.correlation_id,
            e.causation_id,
            e.jurisdiction.model_dump_json(),
            json.dumps(e.payload, ensure_ascii=False),
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    await conn.execute(
        f"INSERT INTO events ({_COLUMNS}) SELECT * FROM unnest("
        "$1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[],"
        " $8::text[], $9::uuid[], $10::uuid[], $11::jsonb[], $12::jsonb[])",
        *columns,
    )
    # WITH ORDINALITY keeps the outbox positions in the events' order.
    await conn.execute(
        "INSERT INTO outbox (event_id, stream_id, envelope)"
        " SELECT id, $2, envelope FROM unnest($1::uuid[], $3::jsonb[]) WITH ORDINALITY AS o(id, envelope, n)"
        " ORDER BY n",
        [e.event_id for e in sealed],
        sealed[0].stream_id,
        [e.model_dump_json() for e in sealed],
    )


def _envelope(row: asyncpg.Record) -> EventEnvelope:
    return EventEnvelope(
        event_id=row["event_id"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        actor=row["actor"],
        correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        jurisdiction=json.loads(row["jurisdiction"]),
        payload=json.loads(row["payload"]),
    )
