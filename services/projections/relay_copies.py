"""The relay's copies, recognised from the Kafka log itself.

The relay may publish an event twice: it crashed after Kafka acknowledged a batch and before it marked
the batch published, and the next relay publishes those rows again. The copy is a second record of
the same event id, at a later offset of the same partition, at most two relay batches (2 x 500
records) after the first. Whether a record is such a copy is a fact of the log alone, the same for
every read model, so whoever reads the log (the worker, a rebuild) keeps the event ids of the last
``WINDOW`` records of each partition it reads, in memory, and reads them back from Kafka when it
does not hold the records just before a batch (a start, a partition taken over from another worker,
a jump). The read models' transactions then only store their positions (read_positions.py): keeping
the ids there, 32 kB a partition rewritten by every batch of every read model, cost PostgreSQL about
4 ms of CPU per command once the windows were full.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections import deque
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from uuid import UUID

from services.projections.positions import KafkaPosition
from services.projections.positions import KafkaRecords
from services.projections.positions import Positioned

WINDOW = 2_000  # records per partition: > 2 x the relay's batch size (500)

Partition = tuple[str, int]
Span = tuple[str, int, int, int]  # topic, partition, first offset, end offset (not included)
ReadBack = Callable[[list[Span]], Awaitable[list[list[tuple[int, UUID]]]]]  # each span's offsets, ids


class _Window:
    """The event ids of a partition's records up to ``end`` (the next offset), the last WINDOW."""

    def __init__(self, records: Iterable[tuple[int, UUID]]) -> None:
        """A window beginning with ``records`` (offset and event id, in order)."""
        self.end = 0
        self._records: deque[tuple[int, UUID]] = deque()
        self._ids: Counter[UUID] = Counter()
        for offset, event_id in records:
            self.add(offset, event_id)

    def holds(self, event_id: UUID) -> bool:
        return self._ids[event_id] > 0

    def add(self, offset: int, event_id: UUID) -> None:
        self._records.append((offset, event_id))
        self._ids[event_id] += 1
        while self._records[0][0] <= offset - WINDOW:
            _, gone = self._records.popleft()
            self._ids[gone] -= 1
            if not self._ids[gone]:
                del self._ids[gone]


def read_back_from(bootstrap_servers: str) -> ReadBack:
    """Reads the records before a batch from Kafka (rarely: once a partition, then on a jump)."""

    async def read_back(spans: list[Span]) -> list[list[tuple[int, UUID]]]:
        async with KafkaRecords(bootstrap_servers) as records:
            return [await records.read_ids(*span) for span in spans]

    return read_back


class RelayCopies:
    """Which records of a batch are copies of an event published before them. ``read_back`` gives the
    records before a batch when this reader did not read them just before it."""

    def __init__(self, read_back: ReadBack) -> None:
        self._read_back = read_back
        self._windows: dict[Partition, _Window] = {}
        # One batch at a time: the worker's agents (a topic each) and its sweep may check batches of
        # the same partition side by side, and a window must not change while a batch reads it back.
        self._one_at_a_time = asyncio.Lock()

    async def among(
        self, events: Sequence[Positioned], read: Iterable[KafkaPosition]
    ) -> frozenset[KafkaPosition]:
        """The positions of the copies among ``events`` (in each partition's order). ``read``: every
        position the batch read (the events' and any other: a record that is no envelope, an event type
        the reader leaves undecoded), which is where each partition's window ends after it."""
        async with self._one_at_a_time:
            return await self._among(events, _runs(read))

    async def _among(
        self, events: Sequence[Positioned], runs: dict[Partition, list[tuple[int, int]]]
    ) -> frozenset[KafkaPosition]:
        # Each run of offsets that does not follow what the window holds (a start, a partition taken
        # over, a jump, a hole in the batch) begins a window of its own: the records before it, read back.
        starts = {
            (*partition, first)
            for partition, partition_runs in runs.items()
            for i, (first, _last) in enumerate(partition_runs)
            if i > 0 or (held := self._windows.get(partition)) is None or held.end != first
        }
        spans = {start: (*start[:2], max(0, start[2] - WINDOW), start[2]) for start in starts if start[2] > 0}
        before = dict(zip(spans, await self._read_back(list(spans.values())), strict=True)) if spans else {}
        by_partition: dict[Partition, list[Positioned]] = {}
        for envelope, at in events:
            by_partition.setdefault((at.topic, at.partition), []).append((envelope, at))
        copies = set()
        for partition, partition_runs in runs.items():
            window = self._windows.get(partition)
            pending = iter(by_partition.get(partition, []))
            event = next(pending, None)
            for first, last in partition_runs:
                if (*partition, first) in starts:
                    window = _Window(before.get((*partition, first), []))
                assert window is not None  # a first run that starts none follows the held window
                while event is not None and event[1].offset <= last:
                    envelope, at = event
                    if window.holds(envelope.event_id):
                        copies.add(at)
                    window.add(at.offset, envelope.event_id)
                    event = next(pending, None)
                window.end = last + 1
                self._windows[partition] = window
        return frozenset(copies)


def _runs(read: Iterable[KafkaPosition]) -> dict[Partition, list[tuple[int, int]]]:
    """Each partition's offsets as runs without a gap (first, last), in order."""
    offsets: dict[Partition, list[int]] = {}
    for at in read:
        offsets.setdefault((at.topic, at.partition), []).append(at.offset)
    runs: dict[Partition, list[tuple[int, int]]] = {}
    for partition, numbers in offsets.items():
        partition_runs = runs[partition] = []
        for offset in sorted(set(numbers)):
            if partition_runs and offset == partition_runs[-1][1] + 1:
                partition_runs[-1] = (partition_runs[-1][0], offset)
            else:
                partition_runs.append((offset, offset))
    return runs
