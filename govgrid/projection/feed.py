"""Feeding a PostgreSQL table from a Kafka topic, once in effect, for as long as a service runs.

At least once from Kafka, once in effect: each batch Kafka hands over is applied in one transaction
that also records its events in ``applied_events`` (one statement for the batch), which recognises a
redelivered event; offsets are committed at most every five seconds, and when the feed stops. Used for
reference tables (event-carried state transfer) and for service-to-service flows (a lead referred to
mediation opens a dispute).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from govgrid.catalogue import UnknownEventType
from govgrid.envelope import EventEnvelope
from govgrid.eventstore.wakeup import wake_relay
from govgrid.kafka import topic_partitions
from govgrid.observability import DependencyAway
from govgrid.projection.apply_once import Applier
from govgrid.projection.apply_once import record_applied_many
from govgrid.stopping import sleep_unless_stopping

log = logging.getLogger("govgrid.feed")

# Applies a batch's fresh events, in topic order, in the batch's transaction (several in one
# statement where it can); the default applies them one by one with the feed's applier.
BatchApplier = Callable[[asyncpg.Connection, Sequence[EventEnvelope]], Awaitable[None]]
# The name an event is recorded under in applied_events: one for the feed, or one per event for a
# feed that fills several tables (each keeps its own name, so a consumer merged from two recognises
# what either applied).
Projection = str | Callable[[EventEnvelope], str]

FIRST_BACKOFF_SECONDS = 0.2
MAX_BACKOFF_SECONDS = 5.0
POLL_TIMEOUT_MS = 500  # how long a stop may wait for an idle poll to return
MAX_BATCH = 500
# Offsets are committed at most every five seconds, not after every batch: every feed's commit was a
# Kafka request (and a write to __consumer_offsets), for each of the platform's dozen feeds (once a
# second, it was still a commit per command at 10 commands/s). Redelivery after a crash grows to five
# seconds of events, which applied_events recognises (once in effect, as before).
COMMIT_INTERVAL_SECONDS = 5.0
COMMIT_ON_STOP_SECONDS = 5.0
# Each fetch answered as soon as one event arrived made every feed pay a Kafka fetch and a PostgreSQL
# transaction per event: the broker holds a fetch until it has FETCH_MIN_BYTES (never reached below a
# few hundred events/s) or FETCH_WAIT_MS passed, so a feed applies what a fifth of a second brought
# in one batch, and its fetches cost the broker as much under load as idle. A feed's table is
# therefore up to FETCH_WAIT_MS behind its topic (was a few ms).
FETCH_WAIT_MS = 200
FETCH_MIN_BYTES = 1024 * 1024


class RetryLater(Exception):
    """Raised by an applier for an event that cannot be applied yet (it needs another topic's event
    that has not arrived): nothing is applied or committed, and the feed tries it again later."""


class TopicFeed:
    """Applies the events of ``topic`` whose type is in ``event_types`` (all when None) with
    ``applier``, each once, recorded under ``projection`` in ``applied_events``. ``appends_events``:
    the applier may append events (a referral opens a dispute), so their relay is woken after a batch;
    other feeds do not wake it, as each wake-up is a NOTIFY and a relay query for nothing.
    ``batch_applier``: applies a batch's fresh events, given in place of ``applier`` (one of the two).
    ``projection``: a name, or the name of each event's table (see Projection)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        *,
        group_id: str,
        topic: str,
        projection: Projection,
        applier: Applier | None = None,
        event_types: frozenset[str] | None = None,
        appends_events: bool = False,
        batch_applier: BatchApplier | None = None,
    ) -> None:
        self._pool = pool
        self._bootstrap_servers = bootstrap_servers
        self._group_id = group_id
        self._topic = topic
        self._projection_of = _named(projection) if isinstance(projection, str) else projection
        self._event_types = event_types
        self._appends_events = appends_events
        if applier is not None and batch_applier is None:
            self._batch_applier = one_by_one(applier)
        elif batch_applier is not None and applier is None:
            self._batch_applier = batch_applier
        else:
            raise ValueError("a feed takes an applier or a batch applier, one of the two")
        self._backoff = FIRST_BACKOFF_SECONDS
        self._away = DependencyAway(log, f"Kafka or PostgreSQL (feed {group_id})")

    async def run(self, stopping: asyncio.Event) -> None:
        """Apply the topic until ``stopping`` is set. Whatever stops a session (an outage, an event
        that must wait, a bug) is logged and the feed starts again from its last committed offset
        after a back-off: no event is ever skipped, and the feed never dies silently."""
        while not stopping.is_set():
            try:
                await self._session(stopping)
            # An outage is told once per interval with how long it has lasted, not once per retry.
            except (KafkaError, OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                self._away.away(exc)
            # An event this kernel cannot decode (a newer schema version) stops the feed here rather
            # than being skipped: skipping would lose it for good. Upgrading the service resumes it.
            except (
                UnknownEventType,
                ValidationError,
                RetryLater,
                LookupError,  # the topic does not exist yet
            ) as exc:
                log.warning("feed %s waits, retrying in %.1fs: %r", self._group_id, self._backoff, exc)
            except Exception:
                log.exception("feed %s failed, retrying in %.1fs", self._group_id, self._backoff)
            else:
                continue
            await sleep_unless_stopping(stopping, self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)

    async def _session(self, stopping: asyncio.Event) -> None:
        """One consumer, from start to stop: apply batches until stopping or a failure."""
        # Joining the group only once the topic exists: a consumer that fails to start on a missing
        # topic can leave a member behind, and the next join then waits for it for minutes.
        await topic_partitions(self._bootstrap_servers, [self._topic])
        consumer = AIOKafkaConsumer(
            self._topic,
            bootstrap_servers=self._bootstrap_servers,
            group_id=self._group_id,
            client_id=self._group_id,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=FETCH_WAIT_MS,
            fetch_min_bytes=FETCH_MIN_BYTES,
        )
        try:
            # start() waits up to 40 s for a topic not created yet, commit() for a lost coordinator.
            if not await _unless_stopping(stopping, consumer.start()):
                return
            applied_since_commit, committed_at = False, time.monotonic()
            while not stopping.is_set():
                batches = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS, max_records=MAX_BATCH)
                records = [record for partition in batches.values() for record in partition]
                await self._apply(records)
                self._away.back()
                applied_since_commit = applied_since_commit or bool(records)
                due = applied_since_commit and time.monotonic() - committed_at >= COMMIT_INTERVAL_SECONDS
                if due and await _unless_stopping(stopping, consumer.commit()):
                    self._backoff = FIRST_BACKOFF_SECONDS
                    applied_since_commit, committed_at = False, time.monotonic()
            if applied_since_commit:  # stopping: what was applied need not be fetched again
                try:
                    await asyncio.wait_for(consumer.commit(), timeout=COMMIT_ON_STOP_SECONDS)
                except (KafkaError, TimeoutError) as exc:
                    log.info("feed %s stops without committing its last offsets: %r", self._group_id, exc)
        finally:
            await _stop(consumer)

    async def _apply(self, records: list[ConsumerRecord]) -> None:
        """Apply a batch, each event once, in one transaction: an event that must wait (RetryLater)
        or a failure rolls the whole batch back, and it is fetched again."""
        # Filtered here so that the topic's other events leave no applied_events rows behind.
        envelopes = [
            e
            for e in map(_envelope, records)
            if e is not None and (self._event_types is None or e.event_type in self._event_types)
        ]
        if not envelopes:
            return
        by_projection: dict[str, list[EventEnvelope]] = {}
        for envelope in envelopes:
            by_projection.setdefault(self._projection_of(envelope), []).append(envelope)
        async with self._pool.acquire() as conn, conn.transaction():
            fresh: set[UUID] = set()
            for projection, recorded in by_projection.items():
                fresh |= await record_applied_many(conn, projection, recorded)
            first_time = []
            for envelope in envelopes:
                if envelope.event_id in fresh:
                    fresh.discard(envelope.event_id)  # a batch may hold a republished event twice
                    first_time.append(envelope)
            await self._batch_applier(conn, first_time)
        if self._appends_events:
            wake_relay(self._pool)


def one_by_one(applier: Applier) -> BatchApplier:
    """A batch applier that applies each event of the batch with ``applier``, in order."""

    async def apply(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        for envelope in envelopes:
            await applier(conn, envelope)

    return apply


def _named(projection: str) -> Callable[[EventEnvelope], str]:
    return lambda _envelope: projection


def _envelope(record: ConsumerRecord) -> EventEnvelope | None:
    try:
        return EventEnvelope.from_json_bytes(record.value)
    except ValidationError as exc:
        log.error(
            "skipped %s partition %d offset %d: not an event envelope: %s",
            record.topic,
            record.partition,
            record.offset,
            exc,
        )
        return None


async def _stop(consumer: AIOKafkaConsumer) -> None:
    try:
        await asyncio.wait_for(consumer.stop(), timeout=10)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # our own task is being cancelled
        # aiokafka 0.14.0: while the broker is down, stop() re-raises the cancellation of a fetch
        # that was backing off, before it closes its client; close the client so its tasks end too.
        await consumer._client.close()
    except Exception as exc:
        log.warning("the Kafka consumer did not stop cleanly: %r", exc)


async def _unless_stopping(stopping: asyncio.Event, work: Awaitable[object]) -> bool:
    """Await ``work``, or cancel it as soon as ``stopping`` is set; True if it finished."""
    work_task = asyncio.ensure_future(work)
    stop_task = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait([work_task, stop_task], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop_task.cancel()
        work_task.cancel()  # does nothing once it finished
    await asyncio.wait([work_task])  # let a cancelled call unwind
    if work_task.cancelled():
        return False
    work_task.result()  # raises what the call raised
    return True
