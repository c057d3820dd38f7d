"""Writing records to topics in bulk, reading a topic back, and how it is replicated (tests, benchmarks)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from aiokafka import ConsumerRecord
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource
from aiokafka.admin.config_resource import ConfigResourceType

from govgrid.kafka import idempotent_producer


async def produce_all(bootstrap: str, client_id: str, records: Iterable[tuple[str, bytes, bytes]]) -> None:
    """Send every (topic, key, value) with the project's idempotent producer, 5,000 in flight at most:
    each topic's records keep their order per key, as a relay's do."""
    producer = idempotent_producer(bootstrap, client_id)
    await producer.start()
    try:
        pending = []
        for topic, key, value in records:
            pending.append(await producer.send(topic, value, key=key))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


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


@dataclass(frozen=True)
class Replication:
    """How a topic is copied across a cluster's brokers."""

    replicas: dict[int, list[int]]  # partition -> brokers holding a copy
    in_sync: dict[int, list[int]]  # partition -> brokers whose copy is up to date
    min_insync_replicas: int


async def topic_replication(bootstrap: str, topic: str) -> Replication:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="govgrid-test")
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        (answer,) = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {"min.insync.replicas": None})]
        )
        (entry,) = answer.to_object()["resources"][0]["config_entries"]
        return Replication(
            replicas={p["partition"]: sorted(p["replicas"]) for p in described["partitions"]},
            in_sync={p["partition"]: sorted(p["isr"]) for p in described["partitions"]},
            min_insync_replicas=int(entry["config_value"]),
        )
    finally:
        await admin.close()
