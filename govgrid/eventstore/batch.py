"""Appends of a bulk import: read every stream of the file in one query, decide row by row in memory,
store every event of the file in one statement (instead of a read and an append per row)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from collections.abc import Iterable
from collections.abc import Sequence
from contextlib import asynccontextmanager
from datetime import UTC
from datetime import datetime
from typing import Protocol

import asyncpg

from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore.port import EventStore
from govgrid.eventstore.port import check_drafts
from govgrid.eventstore.postgres import EVENT_COLUMNS
from govgrid.eventstore.postgres import PostgresEventStore
from govgrid.eventstore.postgres import envelope_from_row
from govgrid.eventstore.postgres import event_columns

# Events and their outbox rows for many streams at once. No version check beyond the constraint: the
# expected versions were read in this transaction, so only a concurrent writer can be ahead, and its
# version then collides with ours (UNIQUE (stream_id, stream_version)).
_APPEND_STREAMS = (
    "WITH stored AS ("
    f"  INSERT INTO events ({EVENT_COLUMNS}) SELECT * FROM unnest("
    "   $1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[],"
    "   $8::text[], $9::uuid[], $10::uuid[], $11::jsonb[], $12::jsonb[])"
    ") INSERT INTO outbox (event_id, stream_id, envelope)"
    " SELECT id, stream, envelope FROM unnest($1::uuid[], $2::text[], $13::json[])"
    "  WITH ORDINALITY AS o(id, stream, envelope, n) ORDER BY n"
)


class StreamBatch:
    """An event store for the transaction of ``store`` (a command's): ``read_stream`` and ``append``
    work in memory on the streams ``preload`` read (a stream not preloaded is read on first use, alone),
    and ``flush`` stores all the appends. Not for concurrent use."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._conn = store.connection
        self._streams: dict[str, list[EventEnvelope]] = {}
        self._pending: list[EventEnvelope] = []

    async def preload(self, stream_ids: Iterable[str]) -> None:
        wanted = sorted(set(stream_ids) - self._streams.keys())
        rows = await self._conn.fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::text[])"
            " ORDER BY stream_id, stream_version",
            wanted,
        )
        self._streams.update((s, []) for s in wanted)
        for row in rows:
            self._streams[row["stream_id"]].append(envelope_from_row(row))

    async def read_stream(self, stream_id: str) -> list[EventEnvelope]:
        return list(await self._loaded(stream_id))

    async def append(
        self, stream_id: str, expected_version: int, drafts: Sequence[EventDraft]
    ) -> list[EventEnvelope]:
        check_drafts(stream_id, expected_version, drafts)
        stream = await self._loaded(stream_id)
        if len(stream) != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, len(stream))
        recorded_at = datetime.now(UTC)
        sealed = [d.seal(stream_id, expected_version + i, recorded_at) for i, d in enumerate(drafts, start=1)]
        stream.extend(sealed)
        self._pending.extend(sealed)
        return sealed

    async def flush(self) -> int:
        """Store the appends made so far, in one statement; returns how many events."""
        if not self._pending:
            return 0
        pending, self._pending = self._pending, []
        try:
            await self._conn.execute(_APPEND_STREAMS, *event_columns(pending))
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != "events_stream_version_unique":
                raise
            # A concurrent writer stored this version first; the transaction is aborted.
            taken = re.search(r"=\((.*), (\d+)\) already exists", exc.detail or "")
            if taken is None:
                raise
            version = int(taken.group(2))
            raise ConcurrencyConflict(taken.group(1), version - 1, version) from None
        return len(pending)

    async def _loaded(self, stream_id: str) -> list[EventEnvelope]:
        if stream_id not in self._streams:
            await self.preload([stream_id])
        return self._streams[stream_id]


class HasEvents(Protocol):
    """A unit of work: what a command's handlers reach the event store through."""

    events: EventStore


@asynccontextmanager
async def batched(uow: HasEvents, stream_ids: Iterable[str]) -> AsyncIterator[StreamBatch]:
    """For a bulk import run through a service's ordinary handlers: inside the block, ``uow.events`` is
    a StreamBatch of its transaction with ``stream_ids`` preloaded; on leaving the block normally,
    every append is stored in one statement. If the block raises, nothing is stored (the import's
    transaction is rolled back anyway)."""
    store = uow.events
    if not isinstance(store, PostgresEventStore):
        raise TypeError(f"a StreamBatch needs a PostgresEventStore, not {type(store).__name__}")
    batch = StreamBatch(store)
    await batch.preload(stream_ids)
    uow.events = batch
    try:
        yield batch
        await batch.flush()
    finally:
        uow.events = store
