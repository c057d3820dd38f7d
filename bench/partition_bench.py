"""Events per second per partition on the read side: what sizes a topic's partition count.

A partition is read by one projection worker at a time, so the most one partition can feed the read
models is what one worker applies from it alone. Each case is a fresh set of topics with P partitions
holding N village registrations on the appointments topic (the fault suite's command; each its own
stream, so the keys spread over the partitions), and W real projection workers (`python -m
services.projections.worker`, one consumer group) started on that backlog; timed from the first
applied batch until every read model's ``read_positions`` reach the topics' ends.

    .venv/bin/python bench/partition_bench.py [--events 20000] [--cases 1x1,3x1,3x2] [--json out.json]

Case PxW: P partitions per topic, W workers. 1x1 is the figure per partition; 3x1 shows one worker
spreading itself over three; 3x2 what a second worker adds (on this 2-core machine, little).
Starts its own servers (govgrid/testing/servers.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from rebuild_bench import village_events

from govgrid.kafka import ensure_topics
from govgrid.kafka import topic_partitions
from govgrid.testing.kafka import produce_all
from govgrid.testing.servers import kafka_server
from govgrid.testing.servers import postgres_server
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings
from services.projections.worker_process import start_worker
from services.projections.worker_process import stop_workers

# The worker's topics (services.projections.worker.SOURCES; importing it would build its faust app).
SOURCES = sorted({service for model in READ_MODELS for service in model.services})
# The read models a village registration changes: the others never see a batch of them, so their
# read_positions stay where they are.
MODELS = [model for model in READ_MODELS if "OrganisationUnitRegistered" in model.appliers]


async def reached(generations: Generations) -> dict[str, int]:
    """Per read model, the Kafka positions its read_positions have reached (summed)."""
    found = {}
    for model in MODELS:
        pool = await generations.active_pool(model)
        found[model.name] = int(
            await pool.fetchval(
                "SELECT coalesce(sum(next_offset), 0) FROM read_positions WHERE kafka_topic <> ''"
            )
        )
    return found


async def ends(settings: ProjectionsSettings) -> dict[str, int]:
    """Per read model, the end offsets of its topics (summed)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        found = {}
        for model in MODELS:
            topics = [settings.topic_of(s) for s in model.services]
            partitions = await topic_partitions(settings.kafka_bootstrap_servers, topics)
            found[model.name] = sum((await consumer.end_offsets(partitions)).values())
        return found
    finally:
        await consumer.stop()


async def case(
    database_url: str, bootstrap: str, partitions: int, workers: int, events: int
) -> dict[str, Any]:
    """One case: seconds from the workers' start and from their first applied batch to caught up."""
    prefix = f"bench-partitions-{uuid.uuid4().hex[:6]}"
    topics = {service: f"{prefix}.{service}" for service in SOURCES}
    await ensure_topics(bootstrap, {topic: partitions for topic in topics.values()})
    await produce_all(
        bootstrap, "bench-partitions", ((topics["appointments"], k, v) for k, v in village_events(events))
    )
    schema = f"bench_partitions_{uuid.uuid4().hex[:6]}"
    settings = ProjectionsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=bootstrap,
        kafka_topic_partitions=partitions,
        source_topics=topics,
        app_id=f"bench-{schema}",
    )
    generations = await Generations.open(settings)
    target = await ends(settings)
    assert target["coverage"] == events, target
    folder = Path(tempfile.mkdtemp(prefix="partition-bench-"))
    running = [start_worker(settings, folder / f"worker-{n}") for n in range(1, workers + 1)]
    started = time.perf_counter()
    first: float | None = None
    try:
        now = await reached(generations)
        while not all(now[name] >= end for name, end in target.items()):
            assert all(w.poll() is None for w in running), f"a worker stopped: see {folder}"
            assert time.perf_counter() - started < 1200, f"not caught up in 20 minutes: {now} of {target}"
            await asyncio.sleep(0.25)
            now = await reached(generations)
            if first is None and any(now.values()):
                first = time.perf_counter()
        done = time.perf_counter()
    finally:
        stop_workers(running)
        await generations.close_and_drop()
        conn = await asyncpg.connect(database_url)
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()
    applying = done - (first or started)
    return {
        "partitions": partitions,
        "workers": workers,
        "events": events,
        "seconds_from_start": round(done - started, 1),
        "seconds_from_first_batch": round(applying, 1),
        "events_per_s": round(events / applying),
        "events_per_s_per_partition": round(events / applying / partitions),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "cases": [],
    }
    with postgres_server() as database_url, kafka_server() as bootstrap:
        for spec in args.cases.split(","):
            partitions, workers = (int(part) for part in spec.split("x"))
            measured = await case(database_url, bootstrap, partitions, workers, args.events)
            measured["load_after"] = os.getloadavg()[0]
            print(json.dumps(measured), file=sys.stderr)
            result["cases"].append(measured)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--cases", default="1x1,3x1,3x2")
    parser.add_argument("--json")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
