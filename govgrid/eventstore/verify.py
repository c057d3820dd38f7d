"""Verify a service's event log: every event's hash against its content and its predecessor's
(recomputed here, not trusted from the store), and every checkpoint against the log up to its cut.

    python -m govgrid.eventstore.verify --database-url postgresql://... --schema appointments
        [--kafka-bootstrap-servers HOST:PORT [--topic govgrid.appointments.events]]
        [--since CHECKPOINT_NUMBER | --since 2026-11-01T00:00+08:00]

With Kafka, the checkpoints as published on the service's topic (a copy the store's owner cannot
take back) must also be the store's: a store rewritten together with its own checkpoints is found.

``--since`` checks only what came after an anchor: the checkpoint of that number, or the last one
recorded at or before that time. The stored heads at the anchor's cut must give its root and counts
(so no head's stored hash and no count before the cut changed); from there on every event's hash is
recomputed and every later checkpoint compared, as in a full check. Not checked: the content of the
events up to the anchor's cut (an edit there that left the stored hashes alone is found only by a
full check) and the checkpoints before the anchor. The anchor is trusted: compare it with the topic.
Exit 0 when all is well; 1 with the first broken link or checkpoint mismatch, in log order (see
docs/operations.md, "Verify the event log", for what each means); 2 when the log could not be read
(the database or Kafka away, a schema without a chained log).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from govgrid.catalogue import catalogue
from govgrid.catalogue.eventlog import EventLogCheckpointed
from govgrid.config import GovgridSettings
from govgrid.db import check_schema_name
from govgrid.envelope import EventEnvelope
from govgrid.eventstore.chain import CHAINED_COLUMNS, GENESIS, Head, event_hash, merkle_root
from govgrid.eventstore.checkpoint import CHECKPOINT_STREAM, heads_at
from govgrid.kafka import events_topic, topic_partitions

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


@dataclass(frozen=True)
class Checkpoint:
    version: int
    event_id: UUID
    recorded_at: datetime
    claimed: EventLogCheckpointed


async def verify(
    conn: asyncpg.Connection, published: Sequence[EventEnvelope] = (), since: Since | None = None
) -> Verified:
    """Scan the log in position order (a stream's versions are in position order: each is inserted
    after its predecessor committed); raise ``Tampered`` at the first problem. ``published``: the
    checkpoint events as read from the service's topic, which the store must hold unchanged.
    ``since``: start from that checkpoint (the module's doc says what is then left unchecked); a
    time before the first checkpoint checks the whole log."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        checkpoints = await _checkpoints(conn)
        _compare_published(checkpoints, published)
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
    return Verified(
        events,
        len(heads),
        compared,
        checkpoints[-1].claimed.up_to_position if checkpoints else None,
        None if anchor is None else anchor.version,
        after,
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


def _compare_published(stored: Sequence[Checkpoint], published: Sequence[EventEnvelope]) -> None:
    by_version = {c.version: c for c in stored}
    for envelope in published:
        mine = by_version.get(envelope.stream_version)
        if mine is None or mine.event_id != envelope.event_id or mine.claimed != catalogue.decode(envelope):
            raise Tampered(
                f"checkpoint mismatch: checkpoint {envelope.stream_version} as published on the topic"
                f" ({envelope.payload}) is not the store's"
                f" ({'missing' if mine is None else mine.claimed.model_dump()})"
            )


async def published_checkpoints(bootstrap_servers: str, topic: str) -> list[EventEnvelope]:
    """The checkpoint events on the service's topic, from its start to its end as of now."""
    partitions = await topic_partitions(bootstrap_servers, [topic])
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[EventEnvelope] = []
        while await _behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000, max_records=FETCH_ROWS)
            found += [
                EventEnvelope.from_json_bytes(r.value)
                for records in batch.values()
                for r in records
                if r.key == CHECKPOINT_STREAM.encode() and r.value is not None
            ]
        return found
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


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
        published = [] if kafka is None else await published_checkpoints(kafka, topic or events_topic(schema))
        conn = await asyncpg.connect(database_url, server_settings={"search_path": check_schema_name(schema)})
        try:
            result = await verify(conn, published, since)
        finally:
            await conn.close()
    except Tampered as found:
        print(f"{schema}: {found}", file=sys.stderr)
        return TAMPERED
    # A database or a broker that does not answer, or a schema without a chained log, is no finding
    # about the log: a cron that raises the alarm on 1 must not raise it for an outage.
    except (OSError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
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
        + ("" if kafka is None else f"; {len({e.event_id for e in published})} of them as published")
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
    parser.add_argument(
        "--kafka-bootstrap-servers", help="also compare with the checkpoints published on the topic"
    )
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
