"""Exactly once in effect, without a row per event: the Kafka position each read model has reached.

Each batch locks the rows of its partitions in ``read_positions`` (FOR UPDATE, in a fixed order), skips
what was applied before, and moves the positions on in the same transaction as its changes. So:

- redelivery (a worker restarted before Kafka had its offsets, a rebalance handing a partition to
  another worker while the first still applies a batch of it): the events are at or below the
  position; the second transaction waits for the first one's lock, then skips them;
- a worker killed mid-batch: its transaction never commits, position and changes alike;
- a relay duplicate (the relay republishes what Kafka acknowledged just before it crashed): the copy
  is a new record at a later offset; the reader of the log recognises it (relay_copies.py) and the
  batch skips it, moving the position past it like past any event.

A rebuild writes the positions of its own generation the same way. When it switches, it holds the
locks of all its partitions from before the switch until its catch-up has committed: the worker,
writing to the new generation from the switch on, waits for them, then skips what the catch-up
applied. (Without that lock the worker's first batch would move a position past events that only the
catch-up had still to apply, and they would be skipped for good.)
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set
from uuid import UUID

import asyncpg

from govgrid.envelope import EventEnvelope
from services.projections.positions import KafkaPosition

NO_POSITION = ("", -1)  # where events applied without a Kafka position (tests, seeding) are stamped

Located = tuple[EventEnvelope, KafkaPosition | None]
Partition = tuple[str, int]


class PositionsMoved(Exception):
    """A batch applied on remembered positions (KnownPositions) found that another writer had moved
    one of them since: its transaction must be rolled back and the batch applied again, locking them."""


class Positions:
    """The positions of a batch's partitions: locked for its transaction, or assumed from what this
    process left them at (KnownPositions)."""

    def __init__(self, next_offsets: dict[Partition, int], any_parked: bool) -> None:
        self._next_offsets = next_offsets
        # Whether the generation has parked events: only then does the batch ask which of its streams
        # wait behind one (dispatch.py). Asked by the same statement: one round trip fewer per batch.
        self.any_parked = any_parked
        # Each partition's position and whether the generation had parked events then, as of the
        # lock (or assumption), then of ``advance``: what KnownPositions remembers once the
        # transaction has committed. Events applied without a Kafka position are never assumed.
        self.reached: dict[Partition, tuple[int, bool]] = {
            p: (offset, any_parked) for p, offset in next_offsets.items() if p != NO_POSITION
        }

    @classmethod
    async def lock(cls, conn: asyncpg.Connection, events: Sequence[Located]) -> Positions:
        rows = await lock_partitions(conn, sorted({_partition(at) for _e, at in events}))
        return cls(
            {(r["kafka_topic"], r["kafka_partition"]): r["next_offset"] for r in rows},
            any(r["any_parked"] for r in rows),
        )

    def fresh(self, events: Sequence[Located], copies: Set[KafkaPosition]) -> list[Located]:
        """The events not applied before: above their partition's position, not a relay's copy
        (relay_copies.py), and each once (the same event twice in one batch)."""
        seen: set[UUID] = set()
        fresh = []
        for envelope, at in events:
            if at is not None and (at.offset < self._next_offsets[(at.topic, at.partition)] or at in copies):
                continue
            if envelope.event_id in seen:
                continue
            seen.add(envelope.event_id)
            fresh.append((envelope, at))
        return fresh

    async def advance(self, conn: asyncpg.Connection, events: Sequence[Located]) -> None:
        """Past every event of the batch, from where the positions were (compare-and-set: a locked
        position is where it was read; an assumed one may have been moved by another writer, and then
        PositionsMoved is raised)."""
        reached = dict(self._next_offsets)
        for _envelope, at in events:
            if at is not None:
                partition = (at.topic, at.partition)
                reached[partition] = max(reached[partition], at.offset + 1)
        # Every partition of the batch, moved or not: updated_at is the read model's latest change as
        # /live sees it, and a batch may change it without moving a position (events applied without
        # one, a retried parked event). One statement for all of them (one each was the worker's most
        # frequent statement).
        partitions = sorted(reached)
        rows = await conn.fetch(
            "UPDATE read_positions AS p SET next_offset = m.next_offset, updated_at = now()"
            " FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[])"
            "   AS m (kafka_topic, kafka_partition, next_offset, was)"
            " WHERE p.kafka_topic = m.kafka_topic AND p.kafka_partition = m.kafka_partition"
            "   AND p.next_offset = m.was"
            " RETURNING EXISTS (SELECT FROM parked_events) AS any_parked",
            [topic for topic, _number in partitions],
            [number for _topic, number in partitions],
            [reached[p] for p in partitions],
            [self._next_offsets[p] for p in partitions],
        )
        if len(rows) != len(partitions):
            raise PositionsMoved(
                f"{len(partitions) - len(rows)} of {len(partitions)} partitions moved meanwhile"
            )
        self.reached.update({p: (reached[p], rows[0]["any_parked"]) for p in partitions if p != NO_POSITION})


class KnownPositions:
    """Where this process left a generation's partitions, so that its next batch of them need not
    lock and read their positions first (one round trip per read model and batch fewer): the batch
    assumes them, and its ``advance`` moves them only from there. Another writer may have moved one
    in between (a rebalance gave the partition to another worker and back, a rebuild's catch-up, two
    batches of one partition in flight): then that advance matches fewer rows, the batch is rolled
    back (PositionsMoved) and applied again with the positions locked. What an assumed batch did is
    thus committed only if nobody wrote the partitions since this process did, so the positions, and
    which of their streams wait behind a parked event, are what it remembers. Only committed batches
    are remembered (``remember`` after the commit)."""

    def __init__(self) -> None:
        self._known: dict[Partition, tuple[int, bool]] = {}

    def assume(self, events: Sequence[Located]) -> Positions | None:
        """The batch's positions as this process left them; None if it does not know one of them
        (then they are locked)."""
        partitions = {_partition(at) for _e, at in events}
        if not partitions <= self._known.keys():
            return None
        known = [self._known[p] for p in partitions]
        return Positions(
            {p: offset for p, (offset, _parked) in zip(partitions, known, strict=True)},
            any(parked for _offset, parked in known),
        )

    def remember(self, positions: Positions) -> None:
        self._known.update(positions.reached)

    def forget(self, events: Sequence[Located]) -> None:
        for _e, at in events:
            self._known.pop(_partition(at), None)


async def lock_partitions(conn: asyncpg.Connection, partitions: Sequence[Partition]) -> list[asyncpg.Record]:
    """The positions of these partitions, created if new, locked for the caller's transaction: another
    transaction applying events of them waits here until this one ends. ``any_parked``: whether the
    generation has parked events."""
    topics, numbers = [p[0] for p in partitions], [p[1] for p in partitions]
    # One statement: an upsert locks the row it finds as FOR UPDATE would, in the order given.
    rows: list[asyncpg.Record] = await conn.fetch(
        "INSERT INTO read_positions AS p (kafka_topic, kafka_partition)"
        " SELECT * FROM unnest($1::text[], $2::integer[]) AS u ORDER BY 1, 2"
        " ON CONFLICT (kafka_topic, kafka_partition) DO UPDATE SET next_offset = p.next_offset"
        " RETURNING kafka_topic, kafka_partition, next_offset,"
        " EXISTS (SELECT FROM parked_events) AS any_parked",
        topics,
        numbers,
    )
    return rows


def _partition(at: KafkaPosition | None) -> Partition:
    return NO_POSITION if at is None else (at.topic, at.partition)
