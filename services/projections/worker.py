"""The projection worker: faust-streaming agents consume every write service's topic and apply what
they fetch, in batches (``take_events``), to the read models (services.projections.dispatch): each
read model takes a batch in one transaction with the Kafka positions it reached.

    python -m services.projections.worker worker --without-web -l info
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from functools import partial

import asyncpg
import faust
from aiokafka.errors import KafkaError

from govgrid.envelope import EventEnvelope
from govgrid.kafka import ensure_topics
from govgrid.observability import DependencyAway
from govgrid.projection.faust_app import DATABASE_AWAY
from govgrid.projection.faust_app import events_source
from govgrid.projection.faust_app import projection_app
from govgrid.projection.faust_app import until_database_answers
from govgrid.runtime import collect_garbage_in_bulk
from services.projections.delivery import Gap
from services.projections.delivery import Partition
from services.projections.delivery import behind
from services.projections.delivery import delivered_positions
from services.projections.delivery import missing
from services.projections.delivery import record_delivered
from services.projections.delivery import stalled
from services.projections.dispatch import Payloads
from services.projections.dispatch import apply_batch
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition
from services.projections.positions import KafkaRecords
from services.projections.positions import Positioned
from services.projections.readmodels import READ_MODELS
from services.projections.relay_copies import RelayCopies
from services.projections.relay_copies import read_back_from
from services.projections.settings import ProjectionsSettings

log = logging.getLogger("govgrid.projections.worker")

SOURCES = tuple(sorted({service for model in READ_MODELS for service in model.services}))
RETRY_SECONDS = 2.0
BATCH_MAX = 2_000  # events per batch: bigger batches, fewer transactions
BATCH_WITHIN = 0.2  # seconds a batch waits to fill: what a lone event waits at most
SWEEP_SECONDS = 10.0  # a partition not moving for this long while behind is read from Kafka directly

settings = ProjectionsSettings()
app = projection_app(settings.app_id, settings)
state: dict[str, Generations] = {}
opening = asyncio.Lock()
read_models_away = DependencyAway(log, "PostgreSQL (read models)")
swept: dict[Partition, int] = {}  # the partitions behind at the last sweep, with where they stood
relay_copies = RelayCopies(read_back_from(settings.kafka_bootstrap_servers))


async def generations() -> Generations:
    """The read models' generations, opened (and migrated) by the first event that needs them."""
    async with opening:
        if "generations" not in state:
            state["generations"] = await Generations.open(settings)
    return state["generations"]


async def apply(events: list[Positioned], batch: list[KafkaPosition]) -> None:
    """Apply a batch (``events``, the envelopes among the records at ``batch``), after whatever the
    consumer skipped before it (delivery.py), and record that the worker delivered it."""
    opened = await generations()
    gaps = missing(
        await delivered_positions(opened.control, ((at.topic, at.partition) for at in batch)), batch
    )
    if gaps:
        async with KafkaRecords(settings.kafka_bootstrap_servers) as records:
            for gap in gaps:
                log.warning("a batch came without %s: read from Kafka and applied first", gap)
                await apply_from_kafka(opened, records, gap)
    await apply_to_read_models(opened, events, batch)
    await record_delivered(opened.control, batch)


async def apply_from_kafka(opened: Generations, records: KafkaRecords, gap: Gap) -> None:
    """The events of ``gap``, read from Kafka and applied BATCH_MAX at a time."""
    for start in range(gap.start, gap.end, BATCH_MAX):
        stop = min(start + BATCH_MAX, gap.end)
        events = await records.read_range(gap.topic, gap.partition, start, stop)
        read = [KafkaPosition(gap.topic, gap.partition, offset) for offset in range(start, stop)]
        await apply_to_read_models(opened, events, read)
        await record_delivered(opened.control, [KafkaPosition(gap.topic, gap.partition, stop - 1)])


async def apply_to_read_models(
    opened: Generations, events: list[Positioned], read: list[KafkaPosition]
) -> None:
    """Apply a batch (the events among the records at ``read``) to the active generation of every read
    model that wants any of its events, side by side (each model has its own pool and transaction),
    leaving out the relay's copies."""
    copies = await relay_copies.among(events, read)  # every batch: where the windows end
    if not events:
        return
    types = {e.event_type for e, _at in events}
    models = [m for m in READ_MODELS if not types.isdisjoint(m.appliers)]
    writings = await opened.active_for_writing(models)
    payloads = Payloads()  # each payload decoded once, whichever models fold it
    await asyncio.gather(
        *(
            apply_batch(pool, model, events, payloads, copies, known)
            for (pool, known), model in zip(writings, models, strict=True)
        )
    )


async def apply_giving_way(events: list[Positioned], batch: list[KafkaPosition]) -> None:
    """Apply a batch; a transaction chosen to give way (a deadlock, a serialisation failure) is tried
    again, and so is a batch whose earlier records could not be read back from Kafka. PostgreSQL being
    away is the caller's (until_database_answers): offsets stay uncommitted."""
    while True:
        try:
            await apply(events, batch)
            return
        except asyncpg.TransactionRollbackError as exc:
            log.info("a read model's transaction gave way (%r); applying the batch again", exc)
            await asyncio.sleep(0.05)
        except (KafkaError, TimeoutError) as exc:
            log.warning("records to read back from Kafka did not come (%r); applying the batch again", exc)
            await asyncio.sleep(RETRY_SECONDS)


def decoded(event: faust.EventT[bytes], at: KafkaPosition) -> Positioned | None:
    """The record as an envelope with its position; None, logged with its position, for a record that
    is no envelope at all (a batch fails as a whole, and faust would ack it: one bad record must not
    take the others with it)."""
    try:
        return EventEnvelope.from_json_bytes(event.value), at
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        log.error("skipped %s: not an event envelope (%s)", at, type(exc).__name__)
        return None


def agent_for(service: str) -> Callable[[faust.StreamT[bytes]], Awaitable[None]]:
    async def project_events(values: faust.StreamT[bytes]) -> None:
        async for batch in values.take_events(BATCH_MAX, within=BATCH_WITHIN):  # type: ignore[attr-defined]
            # The position is what parking keeps and what redelivery is recognised by.
            at = [KafkaPosition.of(e.message) for e in batch]
            events = [event for e, p in zip(batch, at, strict=True) if (event := decoded(e, p)) is not None]
            await until_database_answers(
                partial(apply_giving_way, events, at), read_models_away, RETRY_SECONDS
            )

    project_events.__name__ = f"project_{service}"
    return project_events


async def sweep() -> None:
    """Read from Kafka what the consumer is not bringing: a partition behind its topic's end whose
    delivered position has not moved since the last sweep (delivery.py). Every worker sweeps every
    partition; the read models' positions make it harmless when two apply the same events."""
    try:
        opened = await generations()
        async with KafkaRecords(settings.kafka_bootstrap_servers) as records:
            ends = await records.ends([settings.topic_of(source) for source in SOURCES])
            now = behind(await delivered_positions(opened.control, ends), ends)
            for gap in stalled(now, swept, ends):
                log.warning("%s not brought by the consumer for %.0f s: read from Kafka", gap, SWEEP_SECONDS)
                await apply_from_kafka(opened, records, gap)
    except (*DATABASE_AWAY, KafkaError, asyncpg.TransactionRollbackError):
        return  # told by the agents and the lag watch; the next sweep looks again
    swept.clear()
    swept.update(now)


async def open_generations() -> None:
    """Open the generations while the consumer joins its group, not when the first batch waits for
    them; a database that is away then is the first batch's to wait for (until_database_answers)."""
    try:
        await generations()
    except DATABASE_AWAY as exc:
        log.info("read models not opened at start (%r): the first batch opens them", exc)


app.task(open_generations)
app.timer(SWEEP_SECONDS)(sweep)
for source in SOURCES:
    app.agent(events_source(app, settings.topic_of(source)), name=f"project-{source}")(agent_for(source))


def main() -> None:
    collect_garbage_in_bulk()
    # faust crashes in a loop on a missing topic or a partition mismatch: create them first.
    topics = {settings.topic_of(service): settings.kafka_topic_partitions for service in SOURCES}
    asyncio.run(ensure_topics(settings.kafka_bootstrap_servers, topics, settings.kafka_replication_factor))
    app.main()


if __name__ == "__main__":
    main()
