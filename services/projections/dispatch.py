"""Applying batches of events to a read model, once each; parking what cannot be applied.

- A batch (what the worker or a rebuild fetched: many streams, each partition's records in order) is
  folded in memory (readmodels/base.py) and written in a few statements per table (writes.py), in one
  transaction with the Kafka position it reached (read_positions.py): redelivered events, at or below
  that position, and relay duplicates, whose ids are in the window of recent ones, are skipped.
- Parking: an event whose fold fails for a reason in the data (a row it changes is missing, a payload
  that does not validate, an unknown event type) is parked with the reason; later events of the same
  stream park behind it (a stream applies in order); other streams go on. A batch whose writing fails
  in PostgreSQL (a constraint, a bad value) is rolled back to a savepoint and applied in halves, down
  to the single event that parks. `retry` applies parked events again, in order.
- A parked event is kept as its identity and Kafka position only, never its payload (which may hold
  data its write service must be able to shred: services/projections/positions.py). `retry` reads it
  again from Kafka at that position. One that Kafka no longer holds stays parked, its stream waiting
  behind it, and `retry` says so; the operator may then `discard` it (cli.py).
- A database that is down is not a reason to park: that error goes up, and the worker retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from collections.abc import Set
from dataclasses import dataclass
from dataclasses import field
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from govgrid.catalogue import DomainEvent
from govgrid.catalogue import UnknownEventType
from govgrid.catalogue import catalogue
from govgrid.envelope import EventEnvelope
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition
from services.projections.positions import KafkaRecords
from services.projections.positions import NotInKafka
from services.projections.read_positions import KnownPositions
from services.projections.read_positions import Positions
from services.projections.read_positions import PositionsMoved
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Key
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.base import Table
from services.projections.writes import existing
from services.projections.writes import write

log = logging.getLogger("govgrid.projections")

# Errors that come from the event or the read model's code, not from the database being unreachable.
DATA_ERRORS = (
    LookupError,
    ValueError,
    TypeError,
    UnknownEventType,
    ValidationError,
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.SyntaxOrAccessError,
)

Located = tuple[EventEnvelope, KafkaPosition | None]


class Payloads:
    """The payloads of a batch's events, each decoded and upcast once and shared by every read model
    that folds it (an organisation event goes to all of them: it was validated once per model). A
    payload is frozen, so sharing it is safe; one that does not validate is decoded again by each
    model, which parks it with the error."""

    def __init__(self) -> None:
        self._decoded: dict[UUID, DomainEvent] = {}

    def of(self, envelope: EventEnvelope) -> DomainEvent:
        payload = self._decoded.get(envelope.event_id)
        if payload is None:
            payload = self._decoded[envelope.event_id] = catalogue.decode(envelope)
        return payload


async def project(
    generations: Generations,
    read_models: tuple[ReadModel, ...],
    envelope: EventEnvelope,
    at: KafkaPosition | None = None,
) -> None:
    """Apply one event to the active generation of every read model that wants it (tests, seeding).

    ``at``: where it was read, which is what a parked event keeps and what redelivery is recognised
    by. An event not read from Kafka has none: it is applied as given, and if it is parked `retry`
    cannot read it again."""
    for model in read_models:
        if envelope.event_type in model.appliers:
            await apply_batch(await generations.active_pool(model), model, [(envelope, at)])


async def apply_batch(
    pool: asyncpg.Pool,
    model: ReadModel,
    events: Sequence[Located],
    payloads: Payloads | None = None,
    copies: Set[KafkaPosition] = frozenset(),
    known: KnownPositions | None = None,
) -> int:
    """Apply a batch in one transaction, with the Kafka positions it reached; how many of its events
    were applied (not skipped as seen before or as the relay's ``copies``, not parked). ``payloads``:
    shared with the other read models the batch goes to. ``known``: where this process left the
    generation's positions (the worker's; see KnownPositions), kept up to date.

    The batch is written as a whole first, without a savepoint (two round trips fewer for every
    batch), on the positions this process left (one fewer again), else locking them. If another
    writer moved those meanwhile, or PostgreSQL refused it, it is rolled back and applied again
    locking them; if PostgreSQL refuses that, it is rolled back and applied again in a new
    transaction, in savepoints, halving it down to the event that parks."""
    payloads = payloads or Payloads()
    async with pool.acquire() as conn:
        if known is not None and (assumed := known.assume(events)) is not None:
            try:
                return await _apply_whole(conn, model, events, payloads, copies, assumed, known)
            except (PositionsMoved, *DATA_ERRORS):
                # Moved by another writer, or refused: perhaps for events it had applied already.
                known.forget(events)
        try:
            return await _apply_whole(conn, model, events, payloads, copies, None, known)
        except DATA_ERRORS:
            pass
        return await apply_batch_on(conn, model, events, payloads, copies)


async def _apply_whole(
    conn: asyncpg.Connection,
    model: ReadModel,
    events: Sequence[Located],
    payloads: Payloads,
    copies: Set[KafkaPosition],
    assumed: Positions | None,
    known: KnownPositions | None,
) -> int:
    """The batch in one transaction, on the ``assumed`` positions or locking them; remembered in
    ``known`` once committed."""
    async with conn.transaction():
        positions = assumed if assumed is not None else await Positions.lock(conn, events)
        applied = await _apply(conn, model, events, payloads, copies, positions, in_savepoints=False)
    if known is not None:
        known.remember(positions)
    return applied


async def apply_batch_on(
    conn: asyncpg.Connection,
    model: ReadModel,
    events: Sequence[Located],
    payloads: Payloads | None = None,
    copies: Set[KafkaPosition] = frozenset(),
) -> int:
    """``apply_batch`` on a connection: its own transaction, or a savepoint in the caller's; what
    PostgreSQL refuses is found in savepoints."""
    payloads = payloads or Payloads()
    async with conn.transaction():
        positions = await Positions.lock(conn, events)
        return await _apply(conn, model, events, payloads, copies, positions, in_savepoints=True)


async def _apply(
    conn: asyncpg.Connection,
    model: ReadModel,
    events: Sequence[Located],
    payloads: Payloads,
    copies: Set[KafkaPosition],
    positions: Positions,
    in_savepoints: bool,
) -> int:
    wanted = [(e, at) for e, at in positions.fresh(events, copies) if e.event_type in model.appliers]
    applied = 0
    if wanted:
        blocked = await _parked_streams(conn, model, wanted) if positions.any_parked else {}
        if in_savepoints:
            applied = await _apply_pieces(conn, model, wanted, blocked, payloads)
        else:
            folded = await _folded(conn, model, wanted, blocked, payloads)
            await _write(conn, model, folded)
            applied = folded.applied
    await positions.advance(conn, events)
    return applied


@dataclass
class _Blocker:
    stream_version: int
    event_id: UUID


async def _parked_streams(
    conn: asyncpg.Connection, model: ReadModel, events: list[Located]
) -> dict[str, _Blocker]:
    """The earliest parked event of each of these streams: its later events wait behind it."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (stream_id) stream_id, stream_version, event_id FROM parked_events"
        " WHERE read_model = $1 AND stream_id = ANY($2::text[]) ORDER BY stream_id, stream_version",
        model.name,
        list({e.stream_id for e, _at in events}),
    )
    return {r["stream_id"]: _Blocker(r["stream_version"], r["event_id"]) for r in rows}


@dataclass
class _Folded:
    changes: Changes
    applied: int
    parked: list[tuple[EventEnvelope, KafkaPosition | None, str]]
    blocked: dict[str, _Blocker]


def _fold(
    model: ReadModel,
    events: list[Located],
    blocked: dict[str, _Blocker],
    exists: dict[tuple[Table, Key], bool],
    payloads: Payloads,
) -> _Folded:
    folded = _Folded(Changes(lambda table, key: exists.get((table, key))), 0, [], dict(blocked))
    for envelope, at in events:
        blocker = folded.blocked.get(envelope.stream_id)
        if blocker is not None and blocker.stream_version < envelope.stream_version:
            reason = f"waiting behind parked event {blocker.event_id} of the same stream"
            folded.parked.append((envelope, at, reason))
            continue
        try:
            model.appliers[envelope.event_type](folded.changes, envelope, payloads.of(envelope))
        except DATA_ERRORS as exc:
            folded.changes.undo_event()
            folded.parked.append((envelope, at, reason_of(exc)))
            folded.blocked.setdefault(
                envelope.stream_id, _Blocker(envelope.stream_version, envelope.event_id)
            )
            continue
        folded.changes.commit_event()
        folded.applied += 1
    return folded


async def _folded(
    conn: asyncpg.Connection,
    model: ReadModel,
    events: list[Located],
    blocked: dict[str, _Blocker],
    payloads: Payloads,
) -> _Folded:
    exists: dict[tuple[Table, Key], bool] = {}
    folded = _fold(model, events, blocked, exists, payloads)
    if folded.changes.unknown:
        # Which rows changed by the batch were there before it: one query per table. If one is
        # missing, fold again knowing it: the event changing it parks, and its stream behind it.
        by_table: dict[Table, list[Key]] = {}
        for table, key in folded.changes.unknown:
            by_table.setdefault(table, []).append(key)
        for table, keys in by_table.items():
            there = await existing(conn, model.name, table, keys)
            exists.update({(table, key): key in there for key in keys})
        if not all(exists.values()):
            folded = _fold(model, events, blocked, exists, payloads)
    return folded


async def _write(conn: asyncpg.Connection, model: ReadModel, folded: _Folded) -> None:
    await write(conn, model.name, folded.changes)
    for envelope, at, reason in folded.parked:
        await park(conn, model, envelope, at, reason)


async def _apply_pieces(
    conn: asyncpg.Connection,
    model: ReadModel,
    events: list[Located],
    blocked: dict[str, _Blocker],
    payloads: Payloads,
) -> int:
    """Fold and write ``events`` in a savepoint; if PostgreSQL refuses the writing, in halves
    (updating ``blocked`` with what parked)."""
    folded = await _folded(conn, model, events, blocked, payloads)
    try:
        async with conn.transaction():  # a savepoint
            await _write(conn, model, folded)
    except DATA_ERRORS as exc:
        if len(events) == 1:
            envelope, at = events[0]
            await park(conn, model, envelope, at, reason_of(exc))
            blocked.setdefault(envelope.stream_id, _Blocker(envelope.stream_version, envelope.event_id))
            return 0
        middle = len(events) // 2
        first = await _apply_pieces(conn, model, events[:middle], blocked, payloads)
        return first + await _apply_pieces(conn, model, events[middle:], blocked, payloads)
    blocked.update(folded.blocked)
    return folded.applied


def reason_of(exc: Exception) -> str:
    """Why it could not be applied, without the payload: a validation error's text quotes the input
    it rejected (the whole payload for a rule on several fields), so only where and what is kept."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'payload'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        )
        return f"ValidationError: {exc.title}: {problems}"
    return f"{type(exc).__name__}: {exc}"


async def park(
    conn: asyncpg.Connection | asyncpg.Pool,
    model: ReadModel,
    envelope: EventEnvelope,
    at: KafkaPosition | None,
    reason: str,
) -> None:
    """Park the event: its identity, its Kafka position and the reason, never its payload. Parked
    again (a retry that failed, a redelivery), it counts one more attempt."""
    log.error("read model %s parked %s %s: %s", model.name, envelope.event_type, envelope.event_id, reason)
    await conn.execute(
        "INSERT INTO parked_events (read_model, event_id, event_type, stream_id, stream_version,"
        " kafka_topic, kafka_partition, kafka_offset, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (read_model, event_id) DO UPDATE"
        " SET reason = $9, attempts = parked_events.attempts + 1, last_attempt_at = now()",
        model.name,
        envelope.event_id,
        envelope.event_type,
        envelope.stream_id,
        envelope.stream_version,
        at.topic if at else None,
        at.partition if at else None,
        at.offset if at else None,
        reason,
    )


async def _still_parked(pool: asyncpg.Pool, model: ReadModel, event_id: UUID, reason: str) -> None:
    await pool.execute(
        "UPDATE parked_events SET reason = $3, attempts = attempts + 1, last_attempt_at = now()"
        " WHERE read_model = $1 AND event_id = $2",
        model.name,
        event_id,
        reason,
    )


@dataclass
class Retried:
    """What a retry did. ``still_parked`` counts every event left parked, including those Kafka no
    longer holds; ``not_in_kafka`` says why each of these could not be read again."""

    applied: int = 0
    still_parked: int = 0
    not_in_kafka: list[str] = field(default_factory=list)


async def retry_parked(pool: asyncpg.Pool, model: ReadModel, kafka_bootstrap_servers: str) -> Retried:
    """Apply the read model's parked events again, stream by stream in version order, each read again
    from Kafka at its position (and checked to be the same event).

    An event Kafka no longer holds (or parked without a position) stays parked with that as its
    reason, and its stream keeps waiting behind it: applying the rest without it would leave the read
    model silently wrong. `discard_parked` is the operator's way out."""
    rows = await pool.fetch(
        "SELECT event_id, stream_id, stream_version, kafka_topic, kafka_partition, kafka_offset"
        " FROM parked_events WHERE read_model = $1 ORDER BY stream_id, stream_version",
        model.name,
    )
    retried = Retried()
    if rows:
        async with KafkaRecords(kafka_bootstrap_servers) as kafka:
            for row in rows:
                event_id: UUID = row["event_id"]
                blocker = await _blocker(pool, model, row["stream_id"], row["stream_version"])
                if blocker is not None:  # still waiting: no need to read it
                    reason = f"waiting behind parked event {blocker} of the same stream"
                    await _still_parked(pool, model, event_id, reason)
                    continue
                try:
                    if row["kafka_topic"] is None:
                        raise NotInKafka(
                            f"event {event_id} has no Kafka position to be read again from"
                            " (parked before positions were kept, or not read from Kafka)"
                        )
                    at = KafkaPosition(row["kafka_topic"], row["kafka_partition"], row["kafka_offset"])
                    envelope = await kafka.read(at, event_id)
                except NotInKafka as exc:
                    await _still_parked(pool, model, event_id, str(exc))
                    retried.not_in_kafka.append(str(exc))
                    continue
                retried.applied += await _apply_parked(pool, model, envelope, at)
    retried.still_parked = int(
        await pool.fetchval("SELECT count(*) FROM parked_events WHERE read_model = $1", model.name)
    )
    return retried


async def _apply_parked(
    pool: asyncpg.Pool, model: ReadModel, envelope: EventEnvelope, at: KafkaPosition
) -> bool:
    """Apply a parked event and unpark it in one transaction; parked again (one more attempt) if it
    still fails. Its position is behind the read model's: it is applied as given, not skipped."""
    async with pool.acquire() as conn, conn.transaction():
        blocked = await _parked_streams(conn, model, [(envelope, at)])  # itself: not behind itself
        if not await _apply_pieces(conn, model, [(envelope, at)], blocked, Payloads()):
            return False
        await conn.execute(
            "DELETE FROM parked_events WHERE read_model = $1 AND event_id = $2", model.name, envelope.event_id
        )
        return True


async def _blocker(pool: asyncpg.Pool, model: ReadModel, stream_id: str, stream_version: int) -> UUID | None:
    """The earliest parked event of the stream before this version, if any: a stream applies in order."""
    blocker: UUID | None = await pool.fetchval(
        "SELECT event_id FROM parked_events WHERE read_model = $1 AND stream_id = $2 AND stream_version < $3"
        " ORDER BY stream_version LIMIT 1",
        model.name,
        stream_id,
        stream_version,
    )
    return blocker


async def discard_parked(pool: asyncpg.Pool, model: ReadModel, event_id: UUID) -> asyncpg.Record | None:
    """Let a parked event go without applying it (say Kafka no longer holds it); the row that was
    deleted, or None. The events of its stream parked behind it can then be retried; the read model
    lacks the discarded one for good (a rebuild replays what Kafka still holds)."""
    row: asyncpg.Record | None = await pool.fetchrow(
        "DELETE FROM parked_events WHERE read_model = $1 AND event_id = $2"
        " RETURNING event_id, event_type, stream_id, stream_version",
        model.name,
        event_id,
    )
    if row is not None:
        log.warning("read model %s: parked event %s discarded by an operator", model.name, event_id)
    return row
