"""Where an event sits in Kafka, and reading it back from there.

A parked event keeps only its position (topic, partition, offset) and what identifies it, never the
event itself: its payload may hold data that its write service must be able to shred (a tip's
informant reference and description), and Kafka, not the read side, is where events are kept.
Retrying a parked event reads it again at its position.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from uuid import UUID

from aiokafka import AIOKafkaConsumer
from aiokafka import ConsumerRecord
from aiokafka import TopicPartition
from aiokafka.errors import OffsetOutOfRangeError

from govgrid.envelope import EventEnvelope
from govgrid.envelope import event_id_of
from govgrid.kafka import topic_partitions

READ_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class KafkaPosition:
    topic: str
    partition: int
    offset: int

    @classmethod
    def of(cls, record: Any) -> KafkaPosition:
        """The position of a record read by a consumer (aiokafka ConsumerRecord, faust Message)."""
        return cls(record.topic, record.partition, record.offset)

    def __str__(self) -> str:
        return f"{self.topic} partition {self.partition} offset {self.offset}"


Positioned = tuple[EventEnvelope, KafkaPosition]  # an event with where it was read


class NotInKafka(LookupError):
    """The event is no longer where it was read (retention, a recreated topic): it cannot be re-read."""


class KafkaRecords:
    """Reads events back by position, one or a range: partitions assigned by hand, no consumer group,
    nothing committed, so the worker's offsets are not touched.

        async with KafkaRecords(bootstrap_servers) as records:
            envelope = await records.read(position, event_id)
    """

    def __init__(self, bootstrap_servers: str) -> None:
        # "none": an offset out of range is an error, not a silent jump to another record.
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="none",
        )
        self._bootstrap_servers = bootstrap_servers
        self._partitions: dict[str, int] = {}  # by topic; 0 when it does not exist

    async def __aenter__(self) -> KafkaRecords:
        await self._consumer.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._consumer.stop()

    async def read(self, at: KafkaPosition, event_id: UUID) -> EventEnvelope:
        """The event at ``at``, which must be ``event_id``; NotInKafka when it is not there any more."""
        partition = TopicPartition(at.topic, at.partition)
        if at.partition >= await self._partition_count(at.topic):
            raise NotInKafka(
                f"event {event_id} is not in Kafka: there is no {at.topic} partition {at.partition}"
            )
        first, end = await self._bounds(partition)
        if at.offset < first:
            raise NotInKafka(
                f"event {event_id} is no longer in Kafka: {at.topic} partition {at.partition} now starts"
                f" at offset {first}, after its offset {at.offset} (deleted by retention?)"
            )
        if at.offset >= end:
            raise NotInKafka(
                f"event {event_id} is not in Kafka: {at.topic} partition {at.partition} ends before"
                f" offset {at.offset} (was the topic recreated?)"
            )
        try:
            records = await self._records(partition, at.offset, at.offset + 1)
        except OffsetOutOfRangeError as exc:  # deleted between the check above and the fetch
            raise NotInKafka(f"event {event_id} is no longer in Kafka at {at}") from exc
        if not records:  # the record itself is gone, later ones remain
            raise NotInKafka(f"event {event_id} is no longer in Kafka at {at}")
        envelope = EventEnvelope.from_json_bytes(records[0].value)
        if envelope.event_id != event_id:
            raise NotInKafka(
                f"event {event_id} is not in Kafka at {at}: event {envelope.event_id} is"
                " (was the topic recreated?)"
            )
        return envelope

    async def ends(self, topics: list[str]) -> dict[tuple[str, int], int]:
        """The end offset (the next record's) of every partition of ``topics``."""
        ends = await self._consumer.end_offsets(await topic_partitions(self._bootstrap_servers, topics))
        return {(tp.topic, tp.partition): end for tp, end in ends.items()}

    async def read_range(self, topic: str, partition: int, start: int, end: int) -> list[Positioned]:
        """The events of ``topic`` partition ``partition`` from offset ``start`` up to ``end`` (not
        included), with their positions; what Kafka no longer holds (retention) is not there, nor is
        a record that is no envelope (the worker skips those too)."""
        found: list[Positioned] = []
        for record in await self._held(topic, partition, start, end):
            with contextlib.suppress(ValueError):  # pydantic's ValidationError is a ValueError
                found.append((EventEnvelope.from_json_bytes(record.value), KafkaPosition.of(record)))
        return found

    async def read_ids(self, topic: str, partition: int, start: int, end: int) -> list[tuple[int, UUID]]:
        """The offsets and event ids of the events ``read_range`` would give, read from the envelopes'
        first bytes (``event_id_of``) where they are written as usual, not decoded (the demo's
        partitions read back in a third of the CPU)."""
        found: list[tuple[int, UUID]] = []
        for record in await self._held(topic, partition, start, end):
            event_id = event_id_of(record.value)
            if event_id is None:
                with contextlib.suppress(ValueError):  # not an envelope: no id, as in read_range
                    event_id = EventEnvelope.from_json_bytes(record.value).event_id
            if event_id is not None:
                found.append((record.offset, event_id))
        return found

    async def _held(self, topic: str, partition: int, start: int, end: int) -> list[ConsumerRecord]:
        """The records Kafka still holds of ``topic`` partition ``partition`` from ``start`` up to
        ``end`` (not included)."""
        tp = TopicPartition(topic, partition)
        first, last = await self._bounds(tp)
        return await self._records(tp, max(start, first), min(end, last))

    async def _bounds(self, tp: TopicPartition) -> tuple[int, int]:
        """The partition assigned to this reader, and where it starts and ends (the next record's
        offset)."""
        self._consumer.assign([tp])
        first = (await self._consumer.beginning_offsets([tp]))[tp]
        return first, (await self._consumer.end_offsets([tp]))[tp]

    async def _records(self, tp: TopicPartition, start: int, end: int) -> list[ConsumerRecord]:
        """The records Kafka holds of the assigned ``tp`` from offset ``start`` up to ``end`` (not
        included): a record no longer there is left out."""
        found: list[ConsumerRecord] = []
        if start >= end:
            return found
        self._consumer.seek(tp, start)
        deadline = time.monotonic() + READ_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for record in (await self._consumer.getmany(tp, timeout_ms=1000, max_records=end - start)).get(
                tp, []
            ):
                if record.offset >= end:
                    return found
                found.append(record)
                if record.offset == end - 1:
                    return found
        raise TimeoutError(
            f"Kafka did not return {tp.topic} partition {tp.partition} up to offset {end}"
            f" within {READ_TIMEOUT_SECONDS:.0f}s"
        )

    async def _partition_count(self, topic: str) -> int:
        if topic not in self._partitions:
            try:
                self._partitions[topic] = len(await topic_partitions(self._bootstrap_servers, [topic]))
            except LookupError:
                self._partitions[topic] = 0
        return self._partitions[topic]
