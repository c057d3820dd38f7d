"""How far each read model is behind its topics: the end offsets minus what the worker committed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import Gauge

from govgrid.kafka import topic_partitions
from govgrid.observability import DependencyAway
from govgrid.web.health import Progress
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings

log = logging.getLogger("govgrid.projections.lag")

LAG = Gauge(
    "govgrid_read_model_lag", "Events of its topics a read model has not applied yet.", ["read_model"]
)


async def measure(settings: ProjectionsSettings) -> dict[str, int]:
    """Lag per read model, in events."""
    lag, _ = await measure_with_progress(settings)
    return lag


async def measure_with_progress(settings: ProjectionsSettings) -> tuple[dict[str, int], int]:
    """Lag per read model, and the sum of the worker's committed offsets (it grows while it works)."""
    services = sorted({service for model in READ_MODELS for service in model.services})
    partitions = await topic_partitions(
        settings.kafka_bootstrap_servers, [settings.topic_of(s) for s in services]
    )
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    await consumer.start()
    try:
        committed = await _committed(admin, settings.app_id)
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
        await admin.close()
    behind_by_topic: dict[str, int] = {}
    for partition, end in ends.items():
        done = committed[partition].offset if partition in committed else 0
        behind_by_topic[partition.topic] = behind_by_topic.get(partition.topic, 0) + max(end - done, 0)
    lag = {
        model.name: sum(behind_by_topic.get(settings.topic_of(s), 0) for s in model.services)
        for model in READ_MODELS
    }
    return lag, sum(offset.offset for offset in committed.values())


async def _committed(admin: AIOKafkaAdminClient, group: str) -> dict[TopicPartition, OffsetAndMetadata]:
    # On a fresh broker the first coordinator lookup creates __consumer_offsets and fails meanwhile.
    for _ in range(40):
        try:
            committed: dict[TopicPartition, OffsetAndMetadata] = await admin.list_consumer_group_offsets(
                group
            )
            return committed
        except GroupCoordinatorNotAvailableError:
            await asyncio.sleep(0.25)
    raise LookupError(f"no group coordinator for {group}")


class LagWatch:
    """Measures the lag every few seconds for /metrics and /readyz.

    While a Kafka node is lost, the measure fails until the controller has moved its partitions'
    leaders and the group coordinator to the others (about 10 s: the broker's session timeout, then
    the clients' metadata refresh). A measure is therefore trusted for ``trusted_for`` intervals
    (4: 20 s) before the lag counts as unknown, so that a node's loss, which the cluster is built to
    survive, does not take the read API out of service. Stuck is judged by ``Progress`` from the
    measures that succeeded: a group seen making no progress for 15 s is not ready, whatever the
    measure does meanwhile."""

    def __init__(
        self,
        settings: ProjectionsSettings,
        interval: float = 5.0,
        trusted_for: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._interval = interval
        self._trusted_for_seconds = trusted_for * interval
        self._clock = clock
        self.latest: dict[str, int] | None = None
        self._measured_at = 0.0
        # Not ready while the lag is stuck.
        self.progress = Progress(stuck_after_seconds=3 * interval, clock=clock)
        self._kafka = DependencyAway(log, "Kafka (the read models' lag)", clock=clock)

    def observe(self, lag: dict[str, int], done: int) -> None:
        """A measure that succeeded: the lag per read model, and the sum of the committed offsets."""
        self.latest, self._measured_at = lag, self._clock()
        self.progress.observe(sum(lag.values()), done)
        for name, behind in lag.items():
            LAG.labels(name).set(behind)

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                self.observe(*await measure_with_progress(self._settings))
                self._kafka.back()
            except (KafkaError, OSError, LookupError) as exc:
                self._kafka.away(exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=self._interval)

    async def check(self) -> None:
        """A /readyz check: fails while the lag is unknown (no measure for ``trusted_for``
        intervals), above the limit, or stuck."""
        if self.latest is None or self._clock() - self._measured_at > self._trusted_for_seconds:
            raise LookupError("lag unknown")
        behind = {name: lag for name, lag in self.latest.items() if lag > self._settings.max_ready_lag}
        if behind:
            raise RuntimeError(f"behind: {behind}")
        await self.progress.check()
