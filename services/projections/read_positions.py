"""Exactly once in effect, without a row per event: the Kafka position each read model has reached.

Each batch locks the rows of its partitions in ``read_positions`` (FOR UPDATE, in a fixed order), skips
what was applied before, and moves the positions on in the same transaction as its changes. So:

- redelivery (a worker restarted before Kafka had its offsets, a rebalance handing a partition to
  another worker while the first still applies a batch of it): the events are at or below the
  position; the second transaction waits for the first one's lock, then skips them;
- a worker killed mid-batch: its transaction never commits, position and changes alike;
- a relay duplicate (the relay republishes what Kafka acknowledged just before it crashed): the copy
  is a new record at a later offset, at most two relay batches (2 x 500 records) after the first;
  the ids of the last ``WINDOW`` events applied from each partition are kept and a copy among them
  is skipped. ``WINDOW`` must stay above twice the relay's batch size.

A rebuild writes the positions of its own generation the same way. When it switches, it holds the
locks of all its partitions from before the switch until its catch-up has committed: the worker,
writing to the new generation from the switch on, waits for them, then skips what the catch-up
applied. (Without that lock the worker's first batch would move a position past events that only the
catch-up had still to apply, and they would be skipped for good.)
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from govgrid.envelope import EventEnvelope
from services.projections.positions import KafkaPosition

WINDOW = 2_000  # recent event ids kept per partition: > 2 x the relay's batch size (500)
NO_POSITION = ("", -1)  # where events applied without a Kafka position (tests, seeding) are stamped

Located = tuple[EventEnvelope, KafkaPosition | None]
Partition = tuple[str, int]


class Positions:
    """The positions of a batch's partitions, locked for its transaction."""

    def __init__(self, rows: dict[Partition, tuple[int, list[UUID]]]) -> None:
        self._rows = rows

    @classmethod
    async def lock(cls, conn: asyncpg.Connection, events: Sequence[Located]) -> Positions:
        rows = await lock_partitions(conn, sorted({_partition(at) for _e, at in events}))
        return cls(
            {
                (r["kafka_topic"], r["kafka_partition"]): (r["next_offset"], list(r["recent_event_ids"]))
                for r in rows
            }
        )

    def fresh(self, events: Sequence[Located]) -> list[Located]:
        """The events not applied before: above their partition's position, not among its recent
        ids, and each once (the same event twice in one batch)."""
        seen = {event_id for _offset, recent in self._rows.values() for event_id in recent}
        fresh = []
        for envelope, at in events:
            if at is not None and at.offset < self._rows[_partition(at)][0]:
                continue
            if envelope.event_id in seen:
                continue
            seen.add(envelope.event_id)
            fresh.append((envelope, at))
        return fresh

    async def advance(
        self, conn: asyncpg.Connection, events: Sequence[Located], applied: Sequence[Located]
    ) -> None:
        """Past every event of the batch; the ids of ``applied`` (the read model's) join the window."""
        reached = dict(self._rows)
        for _envelope, at in events:
            partition = _partition(at)
            offset = at.offset + 1 if at is not None else 0
            reached[partition] = (max(reached[partition][0], offset), reached[partition][1])
        for envelope, at in applied:
            partition = _partition(at)
            reached[partition][1].append(envelope.event_id)
        await conn.executemany(
            "UPDATE read_positions SET next_offset = $3, recent_event_ids = $4::uuid[], updated_at = now()"
            " WHERE kafka_topic = $1 AND kafka_partition = $2",
            [
                (topic, number, offset, recent[-WINDOW:])
                for (topic, number), (offset, recent) in sorted(reached.items())
            ],
        )


async def lock_partitions(conn: asyncpg.Connection, partitions: Sequence[Partition]) -> list[asyncpg.Record]:
    """The positions of these partitions, created if new, locked for the caller's transaction: another
    transaction applying events of them waits here until this one ends."""
    topics, numbers = [p[0] for p in partitions], [p[1] for p in partitions]
    await conn.execute(
        "INSERT INTO read_positions (kafka_topic, kafka_partition)"
        " SELECT * FROM unnest($1::text[], $2::integer[]) ON CONFLICT DO NOTHING",
        topics,
        numbers,
    )
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT kafka_topic, kafka_partition, next_offset, recent_event_ids FROM read_positions"
        " WHERE (kafka_topic, kafka_partition) IN (SELECT * FROM unnest($1::text[], $2::integer[]))"
        " ORDER BY kafka_topic, kafka_partition FOR UPDATE",
        topics,
        numbers,
    )
    return rows


def _partition(at: KafkaPosition | None) -> Partition:
    return NO_POSITION if at is None else (at.topic, at.partition)
