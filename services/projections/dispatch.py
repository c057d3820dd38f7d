"""Applying one event to every read model that wants it, once each; parking what cannot be applied.

- Once: each read model records the event in applied_events in the same transaction as its change.
- Parking: an event whose application fails for a reason in the data (a bug, an unexpected event) is
  parked with the reason instead of stopping the worker. Later events of the same stream park
  behind it (a stream applies in order); other streams go on. `retry` applies them again, in order.
- A parked event is kept as its identity and Kafka position only, never its payload (which may hold
  data its write service must be able to shred: services/projections/positions.py). `retry` reads it
  again from Kafka at that position. One that Kafka no longer holds stays parked, its stream waiting
  behind it, and `retry` says so; the operator may then `discard` it (cli.py).
- A database that is down is not a reason to park: that error goes up, and the worker retries.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from govgrid.catalogue import UnknownEventType, catalogue
from govgrid.envelope import EventEnvelope
from govgrid.projection import ApplyOnce, record_applied_many
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition, KafkaRecords, NotInKafka
from services.projections.readmodels.base import EventApplier, ReadModel

log = logging.getLogger("govgrid.projections")

# Errors that come from the event or the read model's code, not from the database being unreachable.
DATA_ERRORS = (
    LookupError,
    ValueError,
    UnknownEventType,
    ValidationError,
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.SyntaxOrAccessError,
)


class Outcome(enum.Enum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already applied"
    PARKED = "parked"


async def project(
    generations: Generations,
    read_models: tuple[ReadModel, ...],
    envelope: EventEnvelope,
    at: KafkaPosition | None = None,
) -> None:
    """Apply the event to the active generation of every read model that wants it.

    ``at``: where the worker read it, which is what a parked event keeps. An event not read from
    Kafka (tests, seeding) has none: if it is parked, `retry` cannot read it again."""
    for model in read_models:
        applier = model.appliers.get(envelope.event_type)
        if applier is not None:
            await apply_or_park(await generations.active_pool(model), model, applier, envelope, at)


async def apply_or_park(
    pool: asyncpg.Pool,
    model: ReadModel,
    applier: EventApplier,
    envelope: EventEnvelope,
    at: KafkaPosition | None,
) -> Outcome:
    blocker = await _blocker(pool, model, envelope.stream_id, envelope.stream_version)
    if blocker is not None:
        await park(pool, model, envelope, at, f"waiting behind parked event {blocker} of the same stream")
        return Outcome.PARKED
    try:

        async def apply(conn: asyncpg.Connection, e: EventEnvelope) -> None:
            await applier(conn, e, catalogue.decode(e))

        applied = await ApplyOnce(pool, model.name).apply(envelope, apply)
    except DATA_ERRORS as exc:
        await park(pool, model, envelope, at, reason_of(exc))
        return Outcome.PARKED
    return Outcome.APPLIED if applied else Outcome.ALREADY_APPLIED


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


class _ApplyOneByOne(Exception):
    """A batch that cannot go in one transaction (a parked stream in it, a bad event)."""


async def apply_batch(
    pool: asyncpg.Pool, model: ReadModel, events: list[tuple[EventEnvelope, KafkaPosition]]
) -> int:
    """Apply many events in one transaction (a rebuild's throughput is bounded by commits); returns
    how many were applied. A batch touching a parked stream, or holding an event that cannot be
    applied, is rolled back and applied one event at a time, which parks what it must."""
    wanted = [envelope for envelope, _at in events if envelope.event_type in model.appliers]
    try:
        async with pool.acquire() as conn, conn.transaction():
            parked = {
                r["stream_id"] for r in await conn.fetch("SELECT DISTINCT stream_id FROM parked_events")
            }
            if any(envelope.stream_id in parked for envelope in wanted):
                raise _ApplyOneByOne
            # One statement records the whole batch; each event recorded now is applied once.
            first_time = await record_applied_many(conn, model.name, wanted)
            applied = 0
            for envelope in wanted:
                if envelope.event_id in first_time:
                    first_time.discard(envelope.event_id)  # the same event twice in one batch: once
                    await model.appliers[envelope.event_type](conn, envelope, catalogue.decode(envelope))
                    applied += 1
            return applied
    except (_ApplyOneByOne, *DATA_ERRORS):
        applied = 0
        for envelope, at in events:
            applier = model.appliers.get(envelope.event_type)
            if applier is not None:
                applied += await apply_or_park(pool, model, applier, envelope, at) is Outcome.APPLIED
        return applied


async def park(
    pool: asyncpg.Pool, model: ReadModel, envelope: EventEnvelope, at: KafkaPosition | None, reason: str
) -> None:
    """Park the event: its identity, its Kafka position and the reason, never its payload. Parked
    again (a retry that failed, a redelivery), it counts one more attempt."""
    log.error("read model %s parked %s %s: %s", model.name, envelope.event_type, envelope.event_id, reason)
    await pool.execute(
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
                applier = model.appliers[envelope.event_type]
                outcome = await apply_or_park(pool, model, applier, envelope, at)
                if outcome is not Outcome.PARKED:
                    await pool.execute(
                        "DELETE FROM parked_events WHERE read_model = $1 AND event_id = $2",
                        model.name,
                        event_id,
                    )
                    retried.applied += outcome is Outcome.APPLIED
    retried.still_parked = int(
        await pool.fetchval("SELECT count(*) FROM parked_events WHERE read_model = $1", model.name)
    )
    return retried


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
