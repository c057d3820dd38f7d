"""Nothing is lost when the worker's consumer skips records (services/projections/delivery.py): faust's
offsets committed past events never applied, with nothing after them (the sweep reads them from
Kafka), or with a batch after them (it comes without them: they are read and applied first)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import OffsetAndMetadata

from govgrid.kafka import topic_partitions
from govgrid.testing.fixtures import wait_until
from services.projections.generations import Generations
from services.projections.readmodels.activity import ACTIVITY
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import projection_worker
from services.projections.tests.integration.test_coverage import grid
from services.projections.tests.integration.test_exactly_once import appointments


async def commit_past_everything(bootstrap: str, topic: str, group: str) -> None:
    """What faust may do after a rebalance or a crashed agent: the group's offsets at the end of the
    topic, whether or not the worker applied what is before them."""
    partitions = await topic_partitions(bootstrap, [topic])
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: OffsetAndMetadata(end, "") for tp, end in ends.items()})
    finally:
        await consumer.stop()


async def test_events_the_consumer_skipped_are_read_from_kafka_and_applied_once(
    generations: Generations, kafka_log: KafkaLog, database_url: str, schema: str, tmp_path: Path
) -> None:
    app_id = f"projections-{uuid.uuid4().hex[:8]}"
    bootstrap, topic = kafka_log.bootstrap_servers, kafka_log.topic
    activity = await generations.active_pool(ACTIVITY)
    rounds = [appointments(prefix, 40) for prefix in ("a", "b", "c", "d")]
    await kafka_log.put(grid())

    async def activity_rows() -> int:
        return int(await activity.fetchval("SELECT count(*) FROM rm_activity"))

    def applied(rounds_done: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await activity_rows() == sum(len(r) for r in rounds[:rounds_done])

        return check

    for run in ("first", "sweep", "batch"):
        (tmp_path / run).mkdir()
    with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path / "first"):
        await kafka_log.put(rounds[0])
        await wait_until(applied(1), timeout=120, interval=0.5, what="round a applied")

    # Round b is past the group's offsets and nothing comes after it: only the sweep brings it.
    await kafka_log.put(rounds[1])
    await commit_past_everything(bootstrap, topic, app_id)
    with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path / "sweep"):
        await wait_until(applied(2), timeout=120, interval=0.5, what="round b read by the sweep")
    assert "not brought by the consumer" in (tmp_path / "sweep" / "worker.log").read_text()

    # Round c is past the group's offsets, round d comes after it: d's batches come without c.
    await kafka_log.put(rounds[2])
    await commit_past_everything(bootstrap, topic, app_id)
    await kafka_log.put(rounds[3])
    with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path / "batch"):
        await wait_until(applied(4), timeout=120, interval=0.5, what="rounds c and d applied")
    log = (tmp_path / "batch" / "worker.log").read_text()
    assert "a batch came without" in log, log[-3000:]

    # Each event once: no row twice, nothing parked, and the worker's delivered positions at the end
    # of every partition (the topic is the test's own: its offsets start at 0).
    assert await activity_rows() == sum(len(r) for r in rounds)
    assert await activity.fetchval("SELECT count(*) FROM parked_events") == 0
    delivered = await generations.control.fetch(
        "SELECT kafka_partition, next_offset FROM delivered_positions WHERE kafka_topic = $1", topic
    )
    assert sum(r["next_offset"] for r in delivered) == len(grid()) + sum(len(r) for r in rounds)
