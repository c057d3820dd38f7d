"""Verify a service's event log: every event's hash against its content and its predecessor's
(recomputed here, not trusted from the store), and every checkpoint against the log up to its cut.

    python -m govgrid.eventstore.verify --database-url postgresql://... --schema appointments
        [--kafka-bootstrap-servers HOST:PORT [--topic govgrid.appointments.events]]
        [--since CHECKPOINT_NUMBER | --since 2026-11-01T00:00+08:00]

With Kafka, what the service's topic holds (a copy the store's owner cannot take back, and what the
read side was built from) must be the store's events: every record an event of the store with the
same content, every stored event published unless its outbox row still waits for the relay. So a
store rewritten together with its own checkpoints is found, and so is an outbox envelope changed,
written or deleted before the relay published it (the outbox is not chained: this is its check).

``--since`` checks only what came after an anchor: the checkpoint of that number, or the last one
recorded at or before that time. The stored heads at the anchor's cut must give its root and counts
(so no head's stored hash and no count before the cut changed); from there on every event's hash is
recomputed and every later checkpoint compared, as in a full check. Not checked: the content of the
events up to the anchor's cut (an edit there that left the stored hashes alone is found only by a
full check), the checkpoints before the anchor, and (with Kafka) whether the events up to the cut
were ever published. The anchor is trusted: compare it with the topic.

Exit 0 when all is well; 1 with the first broken link, checkpoint or topic mismatch (see
docs/operations.md, "Verify the event log", for what each means); 2 when the log could not be read
(the database or Kafka away, a schema without a chained log) or ``--since`` names no checkpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka import ConsumerRecord
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from govgrid.catalogue.eventlog import EventLogCheckpointed
from govgrid.config import GovgridSettings
from govgrid.db import check_schema_name
from govgrid.envelope import EventEnvelope
from govgrid.eventstore.chain import CHAINED_COLUMNS
from govgrid.eventstore.chain import GENESIS
from govgrid.eventstore.chain import Head
from govgrid.eventstore.chain import event_hash
from govgrid.eventstore.chain import merkle_root
from govgrid.eventstore.checkpoint import CHECKPOINT_STREAM
from govgrid.eventstore.checkpoint import heads_at
from govgrid.kafka import events_topic
from govgrid.kafka import topic_partitions

FETCH_ROWS = 5_000  # events per round trip of the scan
TAMPERED = 1  # exit status: something in the log is not as it was stored
NOT_VERIFIED = 2  # exit status: the check could not be made


class Tampered(Exception):
    """The first thing found wrong, said so that an operator can find the row."""


class NoAnchor(Exception):
    """``--since`` names a checkpoint the store does not hold."""


Since = int | datetime  # a checkpoint's number, or a time: the last checkpoint recorded by then


@dataclass(frozen=True)
class Verified:
    events: int
    streams: int
    checkpoints: int  # compared: all, or the anchor and those after it
    last_cut: int | None  # events after it are covered by the chain only
    anchor: int | None = None  # --since: the checkpoint trusted; events up to its cut not rehashed
    anchor_cut: int = 0
    published: int | None = None  # records of the topic compared with the store


@dataclass(frozen=True)
class Topic:
    """The service's topic: the second party's copy of the log."""

    bootstrap_servers: str
    name: str

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AIOKafkaConsumer]:
        """A consumer of all its partitions, stopped on leaving."""
        partitions = await topic_partitions(self.bootstrap_servers, [self.name])
        # From the start, also when a position is reset while the store's snapshot is taken.
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            consumer.assign(partitions)
            yield consumer
        finally:
            await consumer.stop()


@dataclass(frozen=True)
class Checkpoint:
    version: int
    event_id: UUID
    recorded_at: datetime
    claimed: EventLogCheckpointed


async def verify(
    conn: asyncpg.Connection, topic: Topic | None = None, since: Since | None = None
) -> Verified:
    """Scan the log in position order (a stream's versions are in position order: each is inserted
    after its predecessor committed); raise ``Tampered`` at the first problem. ``topic``: also
    compare the store with the service's topic. ``since``: start from that checkpoint (the module's
    doc says what is then left unchecked); a time before the first checkpoint checks the whole log."""
    if topic is None:
        return await _verify(conn, None, since)
    async with topic.reading() as consumer:
        await conn.execute(_TOPIC_COPY)
        try:
            return await _verify(conn, consumer, since)
        finally:
            await conn.execute("DROP TABLE pg_temp.topic_copy")  # the connection may be a pool's


async def _verify(
    conn: asyncpg.Connection, consumer: AIOKafkaConsumer | None, since: Since | None
) -> Verified:
    # The topic's ends before the store's snapshot: every record below them was published, hence
    # stored and committed, before the snapshot, so the store must hold it.
    published_before = {} if consumer is None else await consumer.end_offsets(list(consumer.assignment()))
    published = None
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        checkpoints = await _checkpoints(conn)  # the snapshot is taken here
        if consumer is not None:
            published = await _copy_topic(conn, consumer, published_before)
        anchor = None if since is None else _anchor(checkpoints, since)
        heads: dict[str, Head] = {}
        events = 0
        after = 0  # events after this position are rehashed
        if anchor is not None:
            after = anchor.claimed.up_to_position
            stored_heads, events = await heads_at(conn, after)
            heads = {h.stream_id: h for h in stored_heads}
            _compare(anchor, heads, events)
        pending = [c for c in checkpoints if c.claimed.up_to_position > after]
        compared = len(pending) + (anchor is not None)
        async for row in conn.cursor(
            f"SELECT {CHAINED_COLUMNS} FROM events WHERE global_position > $1 ORDER BY global_position",
            after,
            prefetch=FETCH_ROWS,
        ):
            while pending and pending[0].claimed.up_to_position < row["global_position"]:
                _compare(pending.pop(0), heads, events)
            heads[row["stream_id"]] = _link(heads.get(row["stream_id"]), row)
            events += 1
        for checkpoint in pending:
            _compare(checkpoint, heads, events)
        if published is not None:
            await _compare_topic(conn, after)
    return Verified(
        events,
        len(heads),
        compared,
        checkpoints[-1].claimed.up_to_position if checkpoints else None,
        None if anchor is None else anchor.version,
        after,
        published,
    )


def _anchor(checkpoints: Sequence[Checkpoint], since: Since) -> Checkpoint | None:
    if isinstance(since, int):
        for checkpoint in checkpoints:
            if checkpoint.version == since:
                return checkpoint
        raise NoAnchor(f"no checkpoint {since} in the store ({len(checkpoints)} checkpoints)")
    earlier = [c for c in checkpoints if c.recorded_at <= since]
    return earlier[-1] if earlier else None


def _link(previous: Head | None, row: asyncpg.Record) -> Head:
    stream, version, position = row["stream_id"], row["stream_version"], row["global_position"]
    expected = 1 if previous is None else previous.version + 1
    if version != expected:
        raise Tampered(
            f"broken link: stream {stream!r} has version {version} at position {position}"
            f" where version {expected} should come next"
        )
    if event_hash(GENESIS if previous is None else previous.hash, row) != row["hash"]:
        raise Tampered(
            f"broken link: stream {stream!r} version {version} (position {position}) does not match"
            " its hash: its content or its predecessor's changed"
        )
    return Head(stream, version, row["hash"])


def _compare(checkpoint: Checkpoint, heads: dict[str, Head], events: int) -> None:
    claimed = checkpoint.claimed
    found = EventLogCheckpointed(
        up_to_position=claimed.up_to_position,
        events=events,
        streams=len(heads),
        merkle_root=merkle_root(list(heads.values())).hex(),
    )
    if found != claimed:
        raise Tampered(
            f"checkpoint mismatch: checkpoint {checkpoint.version} (up to position"
            f" {claimed.up_to_position}) says {claimed.events} events in {claimed.streams} streams,"
            f" root {claimed.merkle_root}; the log holds {found.events} events in {found.streams}"
            f" streams, root {found.merkle_root}"
        )


# What the topic holds, for the length of one check (a temporary table may be filled in a read-only
# transaction; it is created before it). ``published_before``: below the topic's end as read before
# the store's snapshot.
_TOPIC_COPY = (
    "CREATE TEMPORARY TABLE topic_copy (partition integer NOT NULL, kafka_offset bigint NOT NULL,"
    " event_id uuid NOT NULL, envelope jsonb NOT NULL, published_before boolean NOT NULL)"
)

# A record that is not the store's event: absent from the store (only if published before the
# snapshot: a later one may be newer than it), or with a field unlike the stored column.
_UNLIKE_THE_STORE = """
SELECT t.partition, t.kafka_offset, t.event_id, t.envelope->>'stream_id' AS stream_id,
       t.envelope->>'stream_version' AS stream_version, e.global_position
FROM topic_copy AS t LEFT JOIN events AS e ON e.event_id = t.event_id
WHERE CASE WHEN e.event_id IS NULL THEN t.published_before ELSE
          e.stream_id IS DISTINCT FROM t.envelope->>'stream_id'
       OR e.stream_version IS DISTINCT FROM (t.envelope->>'stream_version')::integer
       OR e.event_type IS DISTINCT FROM t.envelope->>'event_type'
       OR e.schema_version IS DISTINCT FROM (t.envelope->>'schema_version')::integer
       OR e.occurred_at IS DISTINCT FROM (t.envelope->>'occurred_at')::timestamptz
       OR e.recorded_at IS DISTINCT FROM (t.envelope->>'recorded_at')::timestamptz
       OR e.actor IS DISTINCT FROM t.envelope->>'actor'
       OR e.correlation_id IS DISTINCT FROM (t.envelope->>'correlation_id')::uuid
       OR e.causation_id IS DISTINCT FROM (t.envelope->>'causation_id')::uuid
       OR e.jurisdiction IS DISTINCT FROM t.envelope->'jurisdiction'
       OR e.payload IS DISTINCT FROM t.envelope->'payload' END
ORDER BY t.partition, t.kafka_offset LIMIT 1
"""

# A stored event (after the position checked from) that is not on the topic although its outbox row
# no longer waits for the relay: a row marked published was acknowledged by Kafka before the snapshot,
# and one deleted by housekeeping had been published; a row deleted unpublished never was.
_NEVER_PUBLISHED = """
SELECT e.global_position, e.stream_id, e.stream_version FROM events AS e
WHERE e.global_position > $1
  AND NOT EXISTS (SELECT FROM topic_copy AS t WHERE t.event_id = e.event_id)
  AND NOT EXISTS (SELECT FROM outbox AS o WHERE o.event_id = e.event_id AND o.published_at IS NULL)
ORDER BY e.global_position LIMIT 1
"""


async def _copy_topic(
    conn: asyncpg.Connection, consumer: AIOKafkaConsumer, published_before: dict[TopicPartition, int]
) -> int:
    """Copy the topic, from its start to its end as of now (after the store's snapshot: every event
    the snapshot shows published is below it), into ``topic_copy``; the count of records."""
    partitions = list(consumer.assignment())
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    copied = 0
    while await _behind(consumer, ends):
        batch = await consumer.getmany(timeout_ms=1000, max_records=FETCH_ROWS)
        rows = [
            (p.partition, r.offset, *_envelope(p, r), r.offset < published_before[p])
            for p, records in batch.items()
            for r in records
            if r.offset < ends[p]
        ]
        await conn.copy_records_to_table("topic_copy", records=rows)
        copied += len(rows)
    await conn.execute("ANALYZE pg_temp.topic_copy")
    return copied


def _envelope(partition: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> tuple[UUID, str]:
    """The record's event id and its envelope as published (the outbox row's text, written with the
    stored columns from one sealed envelope: parsed and written again, an envelope from an older
    release would gain the fields added since, unlike its stored columns)."""
    where = f"topic mismatch: partition {partition.partition} offset {record.offset}"
    try:
        envelope = EventEnvelope.from_json_bytes(record.value or b"")
    except ValidationError:
        raise Tampered(f"{where} holds no event envelope") from None
    # The relay keys a record by the outbox row's stream_id column, not the envelope's: a row whose
    # column was changed sends the event to another partition, out of its stream's order.
    if record.key != envelope.stream_id.encode():
        raise Tampered(f"{where} is keyed {record.key!r}, not by its event's stream {envelope.stream_id!r}")
    return envelope.event_id, (record.value or b"").decode()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


async def _compare_topic(conn: asyncpg.Connection, after: int) -> None:
    unlike = await conn.fetchrow(_UNLIKE_THE_STORE)
    if unlike is not None:
        record = (
            f"topic mismatch: partition {unlike['partition']} offset {unlike['kafka_offset']} holds event"
            f" {unlike['event_id']} (stream {unlike['stream_id']!r} version {unlike['stream_version']})"
        )
        if unlike["global_position"] is None:
            raise Tampered(
                f"{record}, which the store does not hold: published without being stored (an outbox"
                " row written behind the store's back) or deleted from the store since"
            )
        raise Tampered(
            f"{record} unlike the store's (position {unlike['global_position']}): its outbox envelope"
            " was changed before the relay published it, or the stored event since"
        )
    never = await conn.fetchrow(_NEVER_PUBLISHED, after)
    if never is not None:
        raise Tampered(
            f"topic mismatch: stream {never['stream_id']!r} version {never['stream_version']} (position"
            f" {never['global_position']}) is not on the topic, and its outbox row does not wait for the"
            " relay: the row was deleted before it was published"
        )


async def _checkpoints(conn: asyncpg.Connection) -> list[Checkpoint]:
    rows = await conn.fetch(
        "SELECT stream_version, global_position, event_id, recorded_at, payload FROM events"
        " WHERE stream_id = $1 AND event_type = $2 ORDER BY stream_version",
        CHECKPOINT_STREAM,
        EventLogCheckpointed.event_type,
    )
    checkpoints: list[Checkpoint] = []
    for row in rows:
        try:
            claimed = EventLogCheckpointed.model_validate(json.loads(row["payload"]))
        except ValidationError as exc:
            raise Tampered(f"checkpoint {row['stream_version']} is malformed: {exc}") from None
        before = checkpoints[-1].claimed.up_to_position if checkpoints else 0
        if not before < claimed.up_to_position < row["global_position"]:
            raise Tampered(
                f"checkpoint mismatch: checkpoint {row['stream_version']} at position"
                f" {row['global_position']} claims a cut at {claimed.up_to_position}, not between"
                f" the previous checkpoint's ({before}) and its own position"
            )
        checkpoints.append(Checkpoint(row["stream_version"], row["event_id"], row["recorded_at"], claimed))
    return checkpoints


async def run(
    database_url: str,
    schema: str,
    kafka: str | None = None,
    topic: str | None = None,
    since: Since | None = None,
) -> int:
    try:
        conn = await asyncpg.connect(database_url, server_settings={"search_path": check_schema_name(schema)})
        try:
            copy = None if kafka is None else Topic(kafka, topic or events_topic(schema))
            result = await verify(conn, copy, since)
        finally:
            await conn.close()
    except Tampered as found:
        print(f"{schema}: {found}", file=sys.stderr)
        return TAMPERED
    # A database or a broker that does not answer, or a schema without a chained log, is no finding
    # about the log: a cron that raises the alarm on 1 must not raise it for an outage.
    except (OSError, KafkaError, LookupError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        print(f"{schema}: not verified, the log could not be read: {exc!r}", file=sys.stderr)
        return NOT_VERIFIED
    except NoAnchor as exc:
        print(f"{schema}: not verified: {exc}", file=sys.stderr)
        return NOT_VERIFIED
    covered = (
        "no checkpoint yet" if result.last_cut is None else f"checkpoints up to position {result.last_cut}"
    )
    chained = (
        "chained"
        if result.anchor is None
        else f"chained after checkpoint {result.anchor}'s cut (position {result.anchor_cut});"
        " the events up to it only through the checkpoint's root (--since)"
    )
    print(
        f"{schema}: ok, {result.events} events in {result.streams} streams {chained};"
        f" {result.checkpoints} checkpoints match ({covered})"
        + ("" if result.published is None else f"; the topic's {result.published} records are the store's")
    )
    return 0


def since_argument(value: str) -> Since:
    """A checkpoint's number, or a time with its zone (ISO 8601)."""
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is no checkpoint number nor ISO time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no time zone (e.g. {value}+08:00)")
    return moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url", default=GovgridSettings().database_url, help="default: DATABASE_URL"
    )
    parser.add_argument("--schema", required=True, help="the service's schema, e.g. appointments")
    parser.add_argument("--kafka-bootstrap-servers", help="also compare the store with what its topic holds")
    parser.add_argument("--topic", help="the service's topic (default: govgrid.<schema>.events)")
    parser.add_argument(
        "--since",
        type=since_argument,
        help="check from this checkpoint (its number, or the last one recorded by this ISO time)"
        " on, trusting it; events up to its cut are checked only through its root and counts",
    )
    args = parser.parse_args(argv)
    return asyncio.run(
        run(args.database_url, args.schema, args.kafka_bootstrap_servers, args.topic, args.since)
    )


if __name__ == "__main__":
    raise SystemExit(main())
