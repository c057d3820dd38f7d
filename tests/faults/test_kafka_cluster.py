"""The launcher's 3-broker KRaft cluster: topics copied three times with min.insync.replicas=2, an
acknowledged event survives a killed broker and its controller leader, and a node started again
catches up."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import pytest

from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.testing.kafka import read_topic
from govgrid.testing.kafka import topic_replication
from govgrid.testing.servers import LocalInstance
from govgrid.testing.servers import kafka_cluster

pytestmark = pytest.mark.integration

TOPIC = "govgrid.cluster-check.events"
BROKERS = [1, 2, 3]


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalInstance]:
    with kafka_cluster() as instance:
        yield instance


async def send(bootstrap: str, first: int, count: int) -> None:
    producer = idempotent_producer(bootstrap, "cluster-check")
    await producer.start()
    try:
        for n in range(first, first + count):
            await producer.send_and_wait(TOPIC, value=str(n).encode(), key=f"stream-{n % 7}".encode())
    finally:
        await producer.stop()


async def wait_in_sync(bootstrap: str, expected: list[int]) -> None:
    deadline = time.monotonic() + 90
    while True:
        replication = await topic_replication(bootstrap, TOPIC)
        if all(isr == expected for isr in replication.in_sync.values()):
            return
        assert time.monotonic() < deadline, f"in-sync replicas {replication.in_sync}, expected {expected}"
        await asyncio.sleep(0.5)


def node_pids(cluster: LocalInstance) -> dict[int, int]:
    return {node["id"]: node["pid"] for node in cluster.status()["kafka"]["nodes"] if node["pid"]}


def controller_leader(cluster: LocalInstance, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while (leader := cluster.status()["kafka"]["controller_leader"]) is None:
        assert time.monotonic() < deadline, "no KRaft controller leader"
        time.sleep(0.5)
    assert isinstance(leader, int)
    return leader


async def test_events_topics_are_copied_to_every_broker_and_need_two_in_sync(cluster: LocalInstance) -> None:
    assert cluster.bootstrap_servers.count(",") == 2
    await ensure_topics(cluster.bootstrap_servers, {TOPIC: 6}, replication_factor=3)
    replication = await topic_replication(cluster.bootstrap_servers, TOPIC)
    assert replication.replicas == {partition: BROKERS for partition in range(6)}
    assert replication.min_insync_replicas == 2
    await wait_in_sync(cluster.bootstrap_servers, BROKERS)


async def test_a_killed_broker_and_a_killed_controller_leader_lose_no_acknowledged_event(
    cluster: LocalInstance,
) -> None:
    bootstrap = cluster.bootstrap_servers
    await ensure_topics(bootstrap, {TOPIC: 6}, replication_factor=3)
    await send(bootstrap, 0, 100)

    # One broker killed: two copies remain in sync, so acks=all writes still succeed.
    pids = node_pids(cluster)
    assert sorted(pids) == BROKERS
    leader = controller_leader(cluster)
    victim = next(node for node in BROKERS if node != leader)
    os.kill(pids[victim], signal.SIGKILL)
    await send(bootstrap, 100, 100)
    cluster.start()  # starts only the node that is missing
    assert node_pids(cluster)[victim] != pids[victim]
    await wait_in_sync(bootstrap, BROKERS)

    # The active controller killed: the other two elect a new one, writes go on.
    os.kill(pids[leader], signal.SIGKILL)
    await send(bootstrap, 200, 100)
    assert controller_leader(cluster) != leader
    cluster.start()
    await wait_in_sync(bootstrap, BROKERS)

    records = await read_topic(bootstrap, TOPIC, 300)
    assert sorted(int(r.value) for r in records) == list(range(300))  # each one exactly once
