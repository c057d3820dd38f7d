"""Checkpoints of the event log: every so often, the heads of all streams in one Merkle root, appended
as an ``EventLogCheckpointed`` event to the service's own log (and so, through the outbox, to its
topic). The chain (migration 0003) shows an event changed or removed inside a stream; a checkpoint
also shows a stream's last events, or a whole stream, removed (govgrid.eventstore.verify).

The service kit runs ``Checkpoints.run`` in every write service (govgrid.service.base), every
``event_log_checkpoint_interval_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from uuid import uuid4

import asyncpg

from govgrid.catalogue.eventlog import EventLogCheckpointed
from govgrid.envelope import EventDraft
from govgrid.envelope import Jurisdiction
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore.chain import Head
from govgrid.eventstore.chain import merkle_root
from govgrid.eventstore.postgres import PostgresEventStore
from govgrid.stopping import sleep_unless_stopping

log = logging.getLogger("govgrid.eventstore.checkpoint")

CHECKPOINT_STREAM = "event-log-checkpoints"
# How long taking a cut may wait for the appends in flight (and hold up the appends behind it).
CUT_LOCK_TIMEOUT = "100ms"


async def take_cut(pool: asyncpg.Pool) -> int:
    """The highest global position below which no event can still appear.

    Positions come from a sequence when a row is inserted, so an append still in flight may hold a
    position lower than one already committed. A SHARE lock on ``events`` waits for every transaction
    that inserted into it to end, and is released at once: every position up to the highest one then
    belongs to a finished transaction, and every later append takes a higher one. Appends wait for it
    at most ``CUT_LOCK_TIMEOUT``, once per checkpoint; no append ever takes a lock of its own."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"SET LOCAL lock_timeout = '{CUT_LOCK_TIMEOUT}'")
        await conn.execute("LOCK TABLE events IN SHARE MODE")
        cut: int = await conn.fetchval("SELECT coalesce(max(global_position), 0) FROM events")
        return cut


async def heads_at(conn: asyncpg.Connection | asyncpg.Pool, cut: int) -> tuple[list[Head], int]:
    """Every stream's head up to ``cut`` with its stored hash (not recomputed), and the count of
    events up to it."""
    rows = await conn.fetch(
        "SELECT e.stream_id, e.stream_version, e.hash, h.events"
        " FROM (SELECT stream_id, max(stream_version) AS version, count(*) AS events FROM events"
        "       WHERE global_position <= $1 GROUP BY stream_id) AS h"
        " JOIN events AS e ON e.stream_id = h.stream_id AND e.stream_version = h.version",
        cut,
    )
    heads = [Head(r["stream_id"], r["stream_version"], r["hash"]) for r in rows]
    return heads, sum(r["events"] for r in rows)


async def checkpoint_at(conn: asyncpg.Connection | asyncpg.Pool, cut: int) -> EventLogCheckpointed:
    """The checkpoint of the log up to ``cut`` (a position from ``take_cut``), from the stored hashes."""
    heads, events = await heads_at(conn, cut)
    return EventLogCheckpointed(
        up_to_position=cut, events=events, streams=len(heads), merkle_root=merkle_root(heads).hex()
    )


@dataclass(frozen=True)
class Checkpoints:
    """Publishes the checkpoints of one service's log (``actor``: the service's name)."""

    pool: asyncpg.Pool
    actor: str
    interval: timedelta

    async def publish(self) -> EventLogCheckpointed | None:
        """Append a checkpoint of the log now; None when there is no need: nothing was appended since
        the last checkpoint, or another replica of the service published one less than half an
        interval ago."""
        last = await self.pool.fetchrow(
            "SELECT stream_version, global_position, recorded_at FROM events WHERE stream_id = $1"
            " ORDER BY stream_version DESC LIMIT 1",
            CHECKPOINT_STREAM,
        )
        now = datetime.now(UTC)
        if last is not None and last["recorded_at"] > now - self.interval / 2:
            return None
        cut = await take_cut(self.pool)
        if cut == (0 if last is None else last["global_position"]):
            return None
        checkpoint = await checkpoint_at(self.pool, cut)
        draft = EventDraft(
            payload=checkpoint,
            occurred_at=now,
            jurisdiction=Jurisdiction(),  # the whole log
            actor=self.actor,
            correlation_id=uuid4(),
        )
        try:
            await PostgresEventStore(self.pool).append(
                CHECKPOINT_STREAM, 0 if last is None else last["stream_version"], [draft]
            )
        except ConcurrencyConflict:
            return None  # another replica appended one meanwhile
        return checkpoint

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish every ``interval`` until ``stopping`` is set; a failure waits for the next one."""
        while not await sleep_unless_stopping(stopping, self.interval.total_seconds()):
            try:
                checkpoint = await self.publish()
            except asyncpg.LockNotAvailableError:
                log.warning("no checkpoint: appends in flight held the cut longer than %s", CUT_LOCK_TIMEOUT)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("no checkpoint this time: %r", exc)
            else:
                if checkpoint is not None:
                    log.info(
                        "checkpoint of %d events in %d streams up to position %d: %s",
                        checkpoint.events,
                        checkpoint.streams,
                        checkpoint.up_to_position,
                        checkpoint.merkle_root,
                    )
