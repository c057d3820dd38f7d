"""What a batch lacks, and which partitions have stalled (services/projections/delivery.py)."""

from __future__ import annotations

from services.projections.delivery import Gap
from services.projections.delivery import behind
from services.projections.delivery import missing
from services.projections.delivery import stalled
from services.projections.positions import KafkaPosition

T = "govgrid.appointments.events"


def at(partition: int, *offsets: int) -> list[KafkaPosition]:
    return [KafkaPosition(T, partition, offset) for offset in offsets]


def test_a_batch_following_on_lacks_nothing() -> None:
    assert missing({(T, 0): 10, (T, 1): 3}, [*at(0, 10, 11, 12), *at(1, 3)]) == []


def test_a_redelivered_batch_lacks_nothing() -> None:
    assert missing({(T, 0): 10}, at(0, 4, 5, 6, 10, 11)) == []


def test_a_batch_starting_past_the_delivered_position_lacks_what_is_before_it() -> None:
    assert missing({(T, 0): 10}, at(0, 15, 16)) == [Gap(T, 0, 10, 15)]


def test_a_hole_in_a_batch_is_lacking_even_in_a_partition_never_delivered() -> None:
    # Out of order (a record prefetched before a rebalance first): the offsets are read in order.
    assert missing({}, [*at(2, 7, 3, 4), *at(1, 0, 1)]) == [Gap(T, 2, 5, 7)]


def test_a_partition_never_delivered_lacks_nothing_before_its_first_record() -> None:
    assert missing({(T, 1): 5}, at(0, 40, 41)) == []


def test_behind_are_the_delivered_partitions_short_of_their_end() -> None:
    ends = {(T, 0): 10, (T, 1): 5, (T, 2): 8}
    assert behind({(T, 0): 10, (T, 1): 2}, ends) == {(T, 1): 2}


def test_stalled_are_the_partitions_behind_at_the_same_position_at_the_last_sweep() -> None:
    ends = {(T, 0): 30, (T, 1): 20, (T, 2): 9}
    now = {(T, 0): 12, (T, 1): 15, (T, 2): 4}
    last_sweep = {(T, 0): 12, (T, 1): 11}  # partition 1 moved since; partition 2 was not behind then
    assert stalled(now, last_sweep, ends) == [Gap(T, 0, 12, 30)]
