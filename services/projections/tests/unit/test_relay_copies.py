"""The relay's copies are found from the log alone: a record whose event id a record of the last WINDOW
offsets of its partition had; what the reader did not read just before a batch is read back once."""

from __future__ import annotations

from uuid import UUID

from services.projections.positions import KafkaPosition
from services.projections.positions import Positioned
from services.projections.relay_copies import WINDOW
from services.projections.relay_copies import RelayCopies
from services.projections.relay_copies import Span
from services.projections.tests.unit.test_payloads import registered

TOPIC = "govgrid.appointments.events"


class Log:
    """A partitioned log of events, and what the reader asked to read back from it."""

    def __init__(self) -> None:
        self.records: dict[int, list[Positioned]] = {}
        self.read_back: list[list[Span]] = []

    def put(self, partition: int, *codes: str, copy_of: list[Positioned] = ()) -> list[Positioned]:  # type: ignore[assignment]
        records = self.records.setdefault(partition, [])
        start = len(records)
        envelopes = [registered(code) for code in codes] + [envelope for envelope, _at in copy_of]
        added = [(e, KafkaPosition(TOPIC, partition, start + i)) for i, e in enumerate(envelopes)]
        records.extend(added)
        return added

    async def back(self, spans: list[Span]) -> list[list[tuple[int, UUID]]]:
        self.read_back.append(spans)
        return [
            [(at.offset, e.event_id) for e, at in self.records.get(partition, []) if start <= at.offset < end]
            for _topic, partition, start, end in spans
        ]


async def among(copies: RelayCopies, batch: list[Positioned]) -> set[int]:
    found = await copies.among(batch, [at for _e, at in batch])
    return {at.offset for at in found}


async def test_a_copy_is_found_in_its_own_batch_and_in_a_later_one() -> None:
    log = Log()
    copies = RelayCopies(log.back)
    first = log.put(0, "V1", "V2", "V3")
    assert await among(copies, first) == set()
    again = log.put(0, "V4", copy_of=first[1:])
    assert await among(copies, again) == {4, 5}
    both = log.put(1, "V5", "V6")
    both += log.put(1, copy_of=both[:1])
    assert await among(copies, both) == {2}
    assert log.read_back == []  # every batch began where the reader had got to


async def test_a_reader_that_did_not_read_the_records_before_a_batch_reads_them_back() -> None:
    log = Log()
    first = log.put(0, *(f"V{i}" for i in range(10)))
    again = log.put(0, copy_of=first[-3:])
    started = RelayCopies(log.back)  # a worker that just started, or took the partition over
    assert await among(started, again) == {10, 11, 12}
    assert log.read_back == [[(TOPIC, 0, 0, 10)]]
    later = log.put(0, "V10", copy_of=first[:1])
    assert await among(started, later) == {14}
    assert len(log.read_back) == 1  # then it holds them

    jumped = RelayCopies(log.back)
    await among(jumped, first[:2])
    assert await among(jumped, first[5:]) == set()  # a jump: the records between are read back
    assert log.read_back[-1] == [(TOPIC, 0, 0, 5)]


async def test_the_window_holds_the_last_WINDOW_records_of_a_partition() -> None:
    log = Log()
    copies = RelayCopies(log.back)
    oldest = {}
    for partition, between in ((0, WINDOW - 1), (1, WINDOW)):
        oldest[partition] = log.put(partition, "V0")
        await among(copies, oldest[partition])
        await among(copies, log.put(partition, *(f"W{i}" for i in range(between))))
    assert await among(copies, log.put(0, copy_of=oldest[0])) == {WINDOW}  # among the last WINDOW
    assert await among(copies, log.put(1, copy_of=oldest[1])) == set()  # WINDOW + 1 records after it


async def test_a_hole_in_a_batch_is_read_back_before_the_records_after_it() -> None:
    log = Log()
    copies = RelayCopies(log.back)
    records = log.put(0, "V0", "V1", "V2", "V3", "V4")
    records += log.put(0, copy_of=records[3:4])
    batch = records[:3] + records[5:]  # the consumer skipped offsets 3 and 4 (delivery.py reads them)
    assert await among(copies, batch) == {5}
    assert log.read_back == [[(TOPIC, 0, 0, 5)]]
