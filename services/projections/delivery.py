"""What the worker has delivered: how far it has applied each partition of its topics to every read
model, kept by the worker itself (``delivered_positions`` in the control schema).

The offsets faust commits to Kafka are not proof that the events before them were applied. faust
acks a ``take_events`` batch even when the agent raised on it, a record prefetched before a
rebalance can arrive ahead of the ones before it (faust then counts the offsets in between as a gap
and commits past them, and drops them when they come), and a consumer can stop fetching while the
group still thinks it well. The read models' own positions (read_positions.py) would then move past
events never applied, and they would be skipped for good. So the worker checks every batch against
what it delivered before:

- a batch that starts past the delivered position of a partition, or has a hole, is missing records:
  they are read from Kafka and applied first (``missing``);
- a partition behind the end of its topic whose delivered position has not moved since the last
  sweep is not being brought by the consumer: the sweep reads it from Kafka (``stalled``).

Applying an event twice is harmless: the read models' positions skip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from services.projections.positions import KafkaPosition

Partition = tuple[str, int]


@dataclass(frozen=True)
class Gap:
    """Offsets ``start`` up to ``end`` (not included) of a partition, not applied yet."""

    topic: str
    partition: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.topic} partition {self.partition} offsets {self.start}-{self.end - 1}"


def missing(delivered: Mapping[Partition, int], batch: Iterable[KafkaPosition]) -> list[Gap]:
    """What a batch lacks: in each partition, the offsets from the delivered position to its first
    record and between its records. A partition never delivered lacks nothing before its first record
    (the consumer started where the topic starts, or where an operator reset it)."""
    offsets: dict[Partition, set[int]] = {}
    for at in batch:
        offsets.setdefault((at.topic, at.partition), set()).add(at.offset)
    gaps = []
    for (topic, partition), found in sorted(offsets.items()):
        expected = delivered.get((topic, partition))
        for offset in sorted(found):
            if expected is not None and offset > expected:
                gaps.append(Gap(topic, partition, expected, offset))
            expected = offset + 1 if expected is None else max(expected, offset + 1)
    return gaps


def behind(delivered: Mapping[Partition, int], ends: Mapping[Partition, int]) -> dict[Partition, int]:
    """The partitions short of their topic's end, with where they stand. One the worker never
    delivered is not among them: after an upgrade that would read every idle partition's history
    once for nothing, and a consumer that never delivers at all is what the lag check reports."""
    return {p: delivered[p] for p, end in ends.items() if p in delivered and delivered[p] < end}


def stalled(
    now: Mapping[Partition, int], last_sweep: Mapping[Partition, int], ends: Mapping[Partition, int]
) -> list[Gap]:
    """The partitions behind now and at the last sweep too, at the same position: not moving. Each
    from where it stands to its topic's end."""
    return [
        Gap(topic, partition, at, ends[topic, partition])
        for (topic, partition), at in sorted(now.items())
        if last_sweep.get((topic, partition)) == at
    ]


async def delivered_positions(control: asyncpg.Pool, partitions: Iterable[Partition]) -> dict[Partition, int]:
    asked = sorted(set(partitions))
    rows = await control.fetch(
        "SELECT d.kafka_topic, d.kafka_partition, d.next_offset FROM delivered_positions d"
        " JOIN unnest($1::text[], $2::integer[]) AS asked (kafka_topic, kafka_partition)"
        " USING (kafka_topic, kafka_partition)",
        [topic for topic, _ in asked],
        [number for _, number in asked],
    )
    return {(r["kafka_topic"], r["kafka_partition"]): r["next_offset"] for r in rows}


async def record_delivered(control: asyncpg.Pool, batch: Iterable[KafkaPosition]) -> None:
    """Past every record of an applied batch, envelopes or not (never back: another worker may have
    gone further)."""
    reached: dict[Partition, int] = {}
    for at in batch:
        reached[(at.topic, at.partition)] = max(reached.get((at.topic, at.partition), 0), at.offset + 1)
    if not reached:
        return
    ordered = sorted(reached.items())
    await control.execute(
        "INSERT INTO delivered_positions AS d (kafka_topic, kafka_partition, next_offset)"
        " SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])"
        " ON CONFLICT (kafka_topic, kafka_partition) DO UPDATE"
        " SET next_offset = greatest(d.next_offset, excluded.next_offset), updated_at = now()",
        [topic for (topic, _), _ in ordered],
        [number for (_, number), _ in ordered],
        [offset for _, offset in ordered],
    )
