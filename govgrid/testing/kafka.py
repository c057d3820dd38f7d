"""Reading a topic back in tests."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def read_topic(
    bootstrap: str, topic: str, at_least: int, timeout: float = 60.0
) -> list[ConsumerRecord]:
    """Every record of ``topic`` from offset 0, once at least ``at_least`` arrived and the topic
    has nothing more; fails after ``timeout`` seconds."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout
        while True:
            batch = await consumer.getmany(timeout_ms=300, max_records=10_000)
            fetched = [r for recs in batch.values() for r in recs]
            records.extend(fetched)
            if len(records) >= at_least and not fetched:
                return records
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{topic}: {len(records)} records after {timeout:.0f}s, expected {at_least}"
                )
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(100):
        found = consumer.partitions_for_topic(topic)
        if found:
            return set(found)
        await consumer._client.force_metadata_update()
        await asyncio.sleep(0.1)
    raise AssertionError(f"topic {topic} does not exist")
