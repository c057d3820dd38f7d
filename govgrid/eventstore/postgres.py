"""PostgreSQL event store on asyncpg: append with an expected version, plus the outbox rows.

An append is one round trip: ``append_events`` (migration 0002) checks the version, stores the events
and their outbox rows. No lock: per-stream order comes from UNIQUE (stream_id, stream_version).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import Any

import asyncpg

from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore.port import check_drafts
from govgrid.eventstore.wakeup import wake_relay

PARTIAL_CONFLICT = "GV409"  # raised by append_events when another writer took some of the versions

EVENT_COLUMNS = (
    "event_id, stream_id, stream_version, event_type, schema_version, occurred_at, recorded_at,"
    " actor, correlation_id, causation_id, jurisdiction, payload"
)
_APPEND = "SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"


class PostgresEventStore:
    """Works on a pool (each append its own transaction) or on a connection the caller has put in a
    transaction (a command's unit of work: idempotency record and append commit together)."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    @property
    def connection(self) -> asyncpg.Connection:
        """The caller's connection (for work that must share its transaction)."""
        if isinstance(self._db, asyncpg.Pool):
            raise TypeError("this store works on a pool, not in a transaction")
        return self._db

    async def append(
        self, stream_id: str, expected_version: int, drafts: Sequence[EventDraft]
    ) -> list[EventEnvelope]:
        check_drafts(stream_id, expected_version, drafts)
        recorded_at = datetime.now(UTC)
        sealed = [d.seal(stream_id, expected_version + i, recorded_at) for i, d in enumerate(drafts, start=1)]
        try:
            actual = await self._db.fetchval(_APPEND, *append_arguments(sealed))
        except asyncpg.PostgresError as exc:
            if exc.sqlstate != PARTIAL_CONFLICT:
                raise
            # The statement failed (all or nothing); inside a caller's transaction, that transaction
            # is now aborted, which is what the conflict does to a command anyway.
            raise ConcurrencyConflict(stream_id, expected_version, int(exc.detail or 0)) from None
        if actual is not None:
            raise ConcurrencyConflict(stream_id, expected_version, actual)
        if isinstance(self._db, asyncpg.Pool):
            wake_relay(self._db)  # committed; inside a caller's transaction, the caller wakes it
        return sealed

    async def read_stream(self, stream_id: str) -> list[EventEnvelope]:
        rows = await self._db.fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version", stream_id
        )
        return [envelope_from_row(r) for r in rows]


def append_arguments(sealed: Sequence[EventEnvelope]) -> list[Any]:
    """The arguments of ``append_events`` for the sealed events of one stream: their columns, but one
    stream, the version it must be at and one recorded_at instead of a column of each."""
    first = sealed[0]
    ids, _streams, _versions, types, schema_versions, occurred, _recorded, *rest = event_columns(sealed)
    return [
        first.stream_id,
        first.stream_version - 1,
        ids,
        types,
        schema_versions,
        occurred,
        first.recorded_at,
        *rest,
    ]


def event_columns(sealed: Sequence[EventEnvelope]) -> list[list[Any]]:
    """The events as columns (EVENT_COLUMNS, then the outbox envelope), for ``unnest``."""
    return [
        [e.event_id for e in sealed],
        [e.stream_id for e in sealed],
        [e.stream_version for e in sealed],
        [e.event_type for e in sealed],
        [e.schema_version for e in sealed],
        [e.occurred_at for e in sealed],
        [e.recorded_at for e in sealed],
        [e.actor for e in sealed],
        [e.correlation_id for e in sealed],
        [e.causation_id for e in sealed],
        [e.jurisdiction.model_dump_json() for e in sealed],
        [json.dumps(e.payload, ensure_ascii=False) for e in sealed],
        [e.model_dump_json() for e in sealed],
    ]


def envelope_from_row(row: asyncpg.Record) -> EventEnvelope:
    """An event read with ``EVENT_COLUMNS``."""
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
