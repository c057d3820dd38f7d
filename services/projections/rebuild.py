"""Rebuild a read model from offset 0 into a new generation while the active one keeps serving.

    python -m services.projections.rebuild coverage

1. A new generation (schema) is created; the worker and the read API keep using the active one.
2. Every event of the model's topics, from offset 0 up to the end offsets seen at the start, is
   applied to the new generation (a progress bar on stderr).
3. The new generation becomes the active one: from then on the worker writes to it and the read API
   reads it. The old one is retired (its schema is kept for inspection until someone drops it).
4. The events that arrived during the rebuild, up to the end offsets seen at the switch, are applied
   too. The worker reads which generation is active for every event it applies, so any event it
   handled with the old answer had been produced before the switch, and step 4 covers it. Steps 3
   and 4 run in one transaction that holds the new generation's positions of every partition
   (read_positions.lock_partitions): the worker, once it writes to the new generation, waits for it,
   then skips what step 4 applied.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from collections.abc import Set

from aiokafka import AIOKafkaConsumer
from aiokafka import TopicPartition

from govgrid.envelope import EventEnvelope
from govgrid.envelope import event_type_of
from govgrid.kafka import topic_partitions
from govgrid.observability import configure_logging
from govgrid.runtime import collect_garbage_in_bulk
from services.projections.dispatch import apply_batch
from services.projections.dispatch import apply_batch_on
from services.projections.generations import Generation
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition
from services.projections.read_positions import Located
from services.projections.read_positions import lock_partitions
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels import ReadModel
from services.projections.relay_copies import RelayCopies
from services.projections.relay_copies import read_back_from
from services.projections.settings import ProjectionsSettings

Progress = Callable[[int, int], None]
Apply = Callable[[Sequence[Located], Set[KafkaPosition]], Awaitable[int]]  # events, the relay's copies
BATCH_MAX = 5_000  # events per transaction


def progress_bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total} events",
        end="",
        file=sys.stderr,
    )


class Rebuild:
    def __init__(self, settings: ProjectionsSettings, generations: Generations, model: ReadModel) -> None:
        self._settings = settings
        self._generations = generations
        self._model = model
        self.applied = 0
        self.seen = 0
        # The event types to decode: the model's, and None (a record whose type cannot be read
        # without decoding it).
        self._wanted: set[str | None] = {*model.appliers, None}
        self._copies = RelayCopies(read_back_from(settings.kafka_bootstrap_servers))

    async def run(self, progress: Progress = progress_bar) -> Generation:
        generation = await self._generations.create(self._model)
        pool = await self._generations.pool(generation)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._settings.kafka_bootstrap_servers, enable_auto_commit=False
        )
        await consumer.start()
        try:
            topics = [self._settings.topic_of(service) for service in sorted(self._model.services)]
            partitions = await topic_partitions(self._settings.kafka_bootstrap_servers, topics)
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            history = await consumer.end_offsets(partitions)
            total = sum(history.values())
            await self._consume_until(
                consumer,
                history,
                lambda: progress(self.seen, total),
                lambda events, copies: apply_batch(pool, self._model, events, copies=copies),
            )
            async with pool.acquire() as conn, conn.transaction():
                await lock_partitions(conn, sorted((p.topic, p.partition) for p in partitions))
                await self._generations.activate(generation)
                # Events produced during the rebuild (and until the switch) still have to be applied.
                await self._consume_until(
                    consumer,
                    await consumer.end_offsets(partitions),
                    lambda: None,
                    lambda events, copies: apply_batch_on(conn, self._model, events, copies=copies),
                )
        finally:
            await consumer.stop()
        return generation

    async def _consume_until(
        self,
        consumer: AIOKafkaConsumer,
        targets: dict[TopicPartition, int],
        tick: Callable[[], None],
        apply: Apply,
    ) -> None:
        last_tick = 0.0
        while await _behind(consumer, targets):
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH_MAX)
            # Each partition's records are in order, so each stream's events stay in order. Events of
            # types the model has no fold for are left out undecoded: they would change nothing, and
            # a batch of none of its events costs no transaction. (Its positions then stop at its
            # last event; the worker skips the others by type as well.)
            events = [
                (EventEnvelope.from_json_bytes(r.value), KafkaPosition.of(r))
                for records in batch.values()
                for r in records
                if event_type_of(r.value) in self._wanted
            ]
            read = [KafkaPosition.of(r) for records in batch.values() for r in records]
            self.seen += len(read)
            copies = await self._copies.among(events, read)  # every batch: where the windows end
            if events:
                self.applied += await apply(events, copies)
            if time.monotonic() - last_tick > 0.3:
                tick()
                last_tick = time.monotonic()
        tick()


async def _behind(consumer: AIOKafkaConsumer, targets: dict[TopicPartition, int]) -> bool:
    for partition, end in targets.items():
        if await consumer.position(partition) < end:
            return True
    return False


async def rebuild(settings: ProjectionsSettings, name: str) -> int:
    model = next(m for m in READ_MODELS if m.name == name)
    generations = await Generations.open(settings)
    try:
        started = time.monotonic()
        job = Rebuild(settings, generations, model)
        generation = await job.run()
        seconds = time.monotonic() - started
        print(
            f"\n{model.name}: generation {generation.number} ({generation.schema}) is active; "
            f"{job.applied} events applied of {job.seen} read in {seconds:.1f}s "
            f"({job.seen / seconds if seconds else 0:.0f} events/s)",
            file=sys.stderr,
        )
    finally:
        await generations.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rebuild a read model from offset 0, switching when caught up."
    )
    parser.add_argument("read_model", choices=[m.name for m in READ_MODELS])
    args = parser.parse_args(argv)
    settings = ProjectionsSettings()
    configure_logging(settings)
    collect_garbage_in_bulk()
    return asyncio.run(rebuild(settings, args.read_model))


if __name__ == "__main__":
    raise SystemExit(main())
