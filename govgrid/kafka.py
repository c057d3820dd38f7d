"""Kafka topics and clients, set up the same way by every service."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping

from aiokafka import AIOKafkaProducer
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin import NewTopic
from aiokafka.errors import TopicAlreadyExistsError

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]*$")

# Events are the system of record for the read side: topics keep them forever, so any read
# model can be rebuilt from offset 0.
EVENTS_TOPIC_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"}


def events_topic_config(replication_factor: int) -> dict[str, str]:
    """With 3 copies or more, a write (acks=all) needs 2 of them in sync: one broker can be lost
    without losing an acknowledged event, and the topic still takes writes meanwhile."""
    return {**EVENTS_TOPIC_CONFIG, "min.insync.replicas": "2" if replication_factor >= 3 else "1"}


def events_topic(service: str) -> str:
    """``govgrid.<service>.events``: one topic per write service, partitioned by stream id."""
    if not SERVICE_NAME.match(service):
        raise ValueError(f"invalid service name {service!r}")
    return f"govgrid.{service}.events"


class TopicMismatch(RuntimeError):
    """An existing topic has another partition count than the project expects."""


async def ensure_topics(
    bootstrap_servers: str, partitions_by_topic: Mapping[str, int], replication_factor: int = 1
) -> None:
    """Create missing topics with explicit partitions and infinite retention; check existing ones.

    The broker's auto-creation is off, and faust agents crash on a partition-count mismatch, so
    every process that needs a topic calls this before it starts.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="govgrid-admin")
    await admin.start()
    try:
        for name, partitions in partitions_by_topic.items():
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(
                            name,
                            partitions,
                            replication_factor,
                            topic_configs=events_topic_config(replication_factor),
                        )
                    ]
                )
        for name, expected in partitions_by_topic.items():
            found = await _partition_count(admin, name)
            if found != expected:
                raise TopicMismatch(f"topic {name} has {found} partitions, expected {expected}")
    finally:
        await admin.close()


def idempotent_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """acks=all with idempotence: a retried send never duplicates or reorders within a partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
    )


async def _partition_count(admin: AIOKafkaAdminClient, topic: str) -> int:
    # Right after creation the metadata may not list the partitions yet: ask again shortly.
    for _ in range(50):
        (described,) = await admin.describe_topics([topic])
        if described["partitions"]:
            return len(described["partitions"])
        await asyncio.sleep(0.1)
    return 0


async def topic_partitions(bootstrap_servers: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of ``topics`` (for readers that assign partitions themselves: rebuilds, tests)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="govgrid-admin")
    await admin.start()
    try:
        partitions = []
        for topic in topics:
            count = await _partition_count(admin, topic)
            if count == 0:
                raise LookupError(f"topic {topic} does not exist")
            partitions += [TopicPartition(topic, p) for p in range(count)]
        return partitions
    finally:
        await admin.close()
