"""Read-side benchmarks.

1. Rebuild rate: a read model rebuilt from offset 0 (services.projections.rebuild) over N events,
   beside the raw ceiling measured in the same run on the same topic: an aiokafka consumer reading
   every record plus asyncpg COPY of the raw rows into a table, with no logic at all.
2. Command-to-read-model latency: commands posted to the appointments API at a steady rate, each
   timed until the read API shows its effect (appointments API -> outbox relay -> Kafka -> faust
   worker -> read model -> read API), p50 and p99.

    .venv/bin/python bench/rebuild_bench.py [--events 1000000] [--commands 200 --rate 5] [--json out.json]

Uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set, else starts its own servers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from collections.abc import Set
from datetime import UTC
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import catalogue
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.config import get_settings
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.envelope import event_type_of
from govgrid.kafka import ensure_topics
from govgrid.kafka import topic_partitions
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import produce_all
from govgrid.testing.relay import PARTITIONS
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.servers import kafka_server
from govgrid.testing.servers import postgres_server
from services.appointments.bootstrap import start_service
from services.appointments.main import create_app as appointments_app
from services.appointments.settings import AppointmentsSettings
from services.projections.generations import Generations
from services.projections.main import create_app as read_api_app
from services.projections.readmodels.coverage import COVERAGE
from services.projections.rebuild import Rebuild
from services.projections.settings import ProjectionsSettings
from services.projections.worker_process import start_worker
from services.projections.worker_process import stop_workers


def village_events(n: int) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of n village registrations, each its own stream, as the relay would publish them."""
    now = datetime.now(UTC)
    correlation = uuid.uuid4()
    for i in range(n):
        code = f"V{i:07d}"
        payload = OrganisationUnitRegistered(
            code=code, kind=OrgUnitKind.VILLAGE, name_zh=f"村{i}", name_en=f"Village {i}", parent_code="T01"
        )
        draft = EventDraft(payload, now, Jurisdiction(township="T01", village=code), "bench", correlation)
        envelope = draft.seal(f"orgunit-{code}", 1, now)
        yield envelope.stream_id.encode(), envelope.to_json_bytes()


async def produce(bootstrap: str, topic: str, n: int) -> float:
    await ensure_topics(bootstrap, {topic: PARTITIONS})
    started = time.perf_counter()
    await produce_all(bootstrap, "bench-writer", ((topic, key, value) for key, value in village_events(n)))
    return time.perf_counter() - started


async def raw_ceiling(
    bootstrap: str, database_url: str, topics: list[str], decoding: Set[str] = frozenset()
) -> tuple[float, int]:
    """Read every record of ``topics`` and COPY it into a table: what any projection costs at least.
    With ``decoding`` (event types), the records of those types are also decoded as a read model must
    before it can fold them (the envelope, then its payload), and nothing more is done with them."""
    schema = f"bench_raw_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.execute(f'CREATE TABLE "{schema}".raw (stream_id text, envelope text)')
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap, topics)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        total = sum((await consumer.end_offsets(partitions)).values())
        started = time.perf_counter()
        seen = 0
        while seen < total:
            batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
            rows = [(r.key.decode(), r.value.decode()) for records in batch.values() for r in records]
            if decoding:
                for records in batch.values():
                    for r in records:
                        if event_type_of(r.value) in decoding:
                            catalogue.decode(EventEnvelope.from_json_bytes(r.value))
            if rows:
                await conn.copy_records_to_table("raw", records=rows, schema_name=schema)
                seen += len(rows)
        return time.perf_counter() - started, seen
    finally:
        await consumer.stop()
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


async def rebuild_rate(bootstrap: str, database_url: str, topic: str) -> tuple[float, int]:
    schema = f"bench_read_{uuid.uuid4().hex[:8]}"
    settings = ProjectionsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=bootstrap,
        source_topics={"appointments": topic},
    )
    generations = await Generations.open(settings)
    try:
        job = Rebuild(settings, generations, COVERAGE)
        started = time.perf_counter()
        await job.run(progress=lambda done, total: None)
        return time.perf_counter() - started, job.applied
    finally:
        await generations.close_and_drop()
        conn = await asyncpg.connect(database_url)
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


async def shows(read_api: httpx.AsyncClient, villages: int) -> bool:
    return bool((await read_api.get("/coverage/summary")).json()["villages"] >= villages)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latency(bootstrap: str, database_url: str, commands: int, rate: float) -> dict[str, float]:
    """Each command: a village registered through the appointments API; done when the read API counts it."""
    run = uuid.uuid4().hex[:8]
    topic = f"govgrid.bench{run}.events"
    write_schema, read_schema = f"bench_w_{run}", f"bench_r_{run}"
    await ensure_topics(bootstrap, {topic: PARTITIONS, f"{topic}.none": PARTITIONS})
    service = await start_service(
        AppointmentsSettings(database_url=database_url, database_schema=write_schema)
    )
    generations = await Generations.open(
        ProjectionsSettings(database_url=database_url, database_schema=read_schema)
    )
    worker = start_worker(
        ProjectionsSettings(
            database_url=database_url,
            database_schema=read_schema,
            kafka_bootstrap_servers=bootstrap,
            kafka_topic_partitions=PARTITIONS,
            app_id=f"bench-{run}",
            source_topics={
                s: topic if s == "appointments" else f"{topic}.none"
                for s in ("appointments", "patrols", "tips", "mediation", "outreach")
            },
        ),
        Path(tempfile.mkdtemp(prefix="latency-bench-")),
    )
    headers = {"Authorization": f"Bearer {mint_token(get_settings(), 'bench', Role.CITY_ADMIN, [])}"}
    write, read = appointments_app(service.settings), read_api_app()
    write.state.service, read.state.generations = service, generations
    samples: list[float] = []
    try:
        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=write), base_url="http://w", headers=headers
            ) as w,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=read), base_url="http://r", headers=headers
            ) as r,
            running(make_relay(service.pool, bootstrap, topic, write_schema, batch_size=500)),
        ):
            for unit in (
                {"code": "C", "kind": "city", "name_zh": "市", "name_en": "City"},
                {"code": "T01", "kind": "township", "name_zh": "镇", "name_en": "Town", "parent_code": "C"},
            ):
                assert (await w.post("/org-units", json=unit)).status_code == 201
            for i in range(commands + 10):  # the first 10 warm the worker up and are not counted
                tick = time.perf_counter()
                body = {
                    "code": f"V{i:05d}",
                    "kind": "village",
                    "name_zh": f"村{i}",
                    "name_en": f"V{i}",
                    "parent_code": "T01",
                }
                assert (await w.post("/org-units", json=body)).status_code == 201
                sent = time.perf_counter()
                await wait_until(partial(shows, r, i + 1), timeout=60, interval=0.002, what="the read API")
                if i >= 10:
                    samples.append(time.perf_counter() - sent)
                await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - tick)))
    finally:
        stop_workers([worker])
        schemas = [
            r["schema_name"]
            for r in await generations.control.fetch("SELECT schema_name FROM read_model_generations")
        ]
        await generations.close()
        await service.pool.close()
        conn = await asyncpg.connect(database_url)
        for name in [*schemas, write_schema, read_schema]:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await conn.close()
    return {
        "p50_ms": 1000 * percentile(samples, 50),
        "p99_ms": 1000 * percentile(samples, 99),
        "mean_ms": 1000 * statistics.fmean(samples),
        "commands": len(samples),
        "rate_per_s": rate,
    }


async def main(args: argparse.Namespace, bootstrap: str, database_url: str) -> dict[str, Any]:
    topic = f"govgrid.benchrebuild{uuid.uuid4().hex[:8]}.events"
    produce_s = await produce(bootstrap, topic, args.events)
    print(f"produced {args.events} events in {produce_s:.1f}s", file=sys.stderr)
    raw_s, _seen = await raw_ceiling(bootstrap, database_url, [topic])
    print(f"raw ceiling: {args.events / raw_s:.0f} events/s", file=sys.stderr)
    rebuild_s, applied = await rebuild_rate(bootstrap, database_url, topic)
    print(f"rebuild: {args.events / rebuild_s:.0f} events/s ({applied} applied)", file=sys.stderr)
    lat = await latency(bootstrap, database_url, args.commands, args.rate)
    print(f"latency: p50 {lat['p50_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms", file=sys.stderr)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "events": args.events,
        "raw_ceiling_events_per_s": args.events / raw_s,
        "rebuild_events_per_s": args.events / rebuild_s,
        "rebuild_over_ceiling": raw_s / rebuild_s,
        "rebuild_applied": applied,
        "latency": lat,
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="commands per second")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with kafka_server() as bootstrap, postgres_server() as database_url:
        result = asyncio.run(main(args, bootstrap, database_url))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    cli()
