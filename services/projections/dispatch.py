"""Applying one event to every read model that wants it, once each; parking what cannot be applied.

- Once: each read model records the event in applied_events in the same transaction as its change.
- Parking: an event whose application fails for a reason in the data (a bug, an unexpected event) is
  parked with the reason instead of stopping the worker. Later events of the same stream park
  behind it (a stream applies in order); other streams go on. `retry` applies them again, in order.
- A database that is down is not a reason to park: that error goes up, and the worker retries.
"""

from __future__ import annotations

import logging

import asyncpg
from pydantic import ValidationError

from govgrid.catalogue import UnknownEventType, catalogue
from govgrid.envelope import EventEnvelope
from govgrid.projection import ApplyOnce, record_applied
from services.projections.generations import Generations
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


async def project(
    generations: Generations, read_models: tuple[ReadModel, ...], envelope: EventEnvelope
) -> None:
    """Apply the event to the active generation of every read model that wants it."""
    for model in read_models:
        applier = model.appliers.get(envelope.event_type)
        if applier is not None:
            await apply_or_park(await generations.active_pool(model), model, applier, envelope)


async def apply_or_park(
    pool: asyncpg.Pool, model: ReadModel, applier: EventApplier, envelope: EventEnvelope
) -> bool:
    """True if applied now; False if it had been applied before or was parked."""
    blocker = await pool.fetchval(  # an earlier event of this stream waiting in the parking
        "SELECT event_id FROM parked_events WHERE read_model = $1 AND stream_id = $2 AND stream_version < $3"
        " ORDER BY stream_version LIMIT 1",
        model.name,
        envelope.stream_id,
        envelope.stream_version,
    )
    if blocker is not None:
        await park(pool, model, envelope, f"waiting behind parked event {blocker} of the same stream")
        return False
    try:

        async def apply(conn: asyncpg.Connection, e: EventEnvelope) -> None:
            await applier(conn, e, catalogue.decode(e))

        return await ApplyOnce(pool, model.name).apply(envelope, apply)
    except DATA_ERRORS as exc:
        await park(pool, model, envelope, f"{type(exc).__name__}: {exc}")
        return False


class _ApplyOneByOne(Exception):
    """A batch that cannot go in one transaction (a parked stream in it, a bad event)."""


async def apply_batch(pool: asyncpg.Pool, model: ReadModel, envelopes: list[EventEnvelope]) -> int:
    """Apply many events in one transaction (a rebuild's throughput is bounded by commits); returns
    how many were applied. A batch touching a parked stream, or holding an event that cannot be
    applied, is rolled back and applied one event at a time, which parks what it must."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            parked = {
                r["stream_id"] for r in await conn.fetch("SELECT DISTINCT stream_id FROM parked_events")
            }
            applied = 0
            for envelope in envelopes:
                applier = model.appliers.get(envelope.event_type)
                if applier is None:
                    continue
                if envelope.stream_id in parked:
                    raise _ApplyOneByOne
                if await record_applied(conn, model.name, envelope):
                    await applier(conn, envelope, catalogue.decode(envelope))
                    applied += 1
            return applied
    except (_ApplyOneByOne, *DATA_ERRORS):
        applied = 0
        for envelope in envelopes:
            applier = model.appliers.get(envelope.event_type)
            if applier is not None:
                applied += await apply_or_park(pool, model, applier, envelope)
        return applied


async def park(pool: asyncpg.Pool, model: ReadModel, envelope: EventEnvelope, reason: str) -> None:
    log.error("read model %s parked %s %s: %s", model.name, envelope.event_type, envelope.event_id, reason)
    await pool.execute(
        "INSERT INTO parked_events (read_model, event_id, stream_id, stream_version, envelope, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (read_model, event_id) DO UPDATE SET reason = $6",
        model.name,
        envelope.event_id,
        envelope.stream_id,
        envelope.stream_version,
        envelope.model_dump_json(),
        reason,
    )


async def retry_parked(pool: asyncpg.Pool, model: ReadModel) -> tuple[int, int]:
    """Apply the read model's parked events again, stream by stream in version order.
    Returns (applied, still parked)."""
    rows = await pool.fetch(
        "SELECT event_id, envelope::text AS envelope FROM parked_events WHERE read_model = $1"
        " ORDER BY stream_id, stream_version",
        model.name,
    )
    applied = 0
    for row in rows:
        envelope = EventEnvelope.from_json_bytes(row["envelope"])
        await pool.execute(
            "DELETE FROM parked_events WHERE read_model = $1 AND event_id = $2", model.name, row["event_id"]
        )
        applier = model.appliers[envelope.event_type]
        applied += await apply_or_park(pool, model, applier, envelope)
    remaining = await pool.fetchval("SELECT count(*) FROM parked_events WHERE read_model = $1", model.name)
    return applied, int(remaining)
