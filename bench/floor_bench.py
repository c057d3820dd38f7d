"""The floor under `platform CPU ms per command`: a command's fixed path, built bare, no logic.

The path DESIGN.md fixes for every command: an HTTP request to a Python service; its event and
outbox row stored in PostgreSQL; a relay publishing the row to Kafka (idempotent producer, acks=all)
and marking it published; a Python consumer applying it to a read model in PostgreSQL, with the
Kafka position it reached. Here each part is the same libraries the platform uses (uvicorn + FastAPI
+ pydantic, asyncpg, aiokafka) doing only that: no token, no Idempotency-Key, no aggregate to load,
one SQL statement where the platform sends several, one consumer where the platform has six (the
projection worker, four services' organisation references, alerts), aiokafka where the worker is
faust. So its CPU per command is below anything the platform can reach on this machine.

It is driven as `platform_load.py cpu` drives the platform: COMMANDS requests at RATE/s (open loop),
each part's CPU (`utime + stime` from /proc, PostgreSQL's and Kafka's whole process trees) over the
loaded window, minus the same processes idle for as long (mean of a window before and one after).

    .venv/bin/python bench/floor_bench.py [--commands 300] [--rate 10]

Uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set, else starts its own servers. Its parts run as
subprocesses of this script (``part service|relay|consumer``), each alone on its process like the
platform's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from lean_http import LeanClient
from platform_load import IN_FLIGHT
from platform_load import cpu_net_of_idle
from platform_load import percentile
from pydantic import BaseModel

from govgrid.kafka import ensure_topics
from govgrid.testing.servers import free_ports
from govgrid.testing.servers import kafka_server
from govgrid.testing.servers import postgres_server

SCHEMA_SQL = """
CREATE TABLE events (position bigserial PRIMARY KEY, stream_id text NOT NULL, version integer NOT NULL,
                     envelope text NOT NULL, UNIQUE (stream_id, version));
CREATE TABLE outbox (position bigint PRIMARY KEY, stream_id text NOT NULL, envelope text NOT NULL,
                     published_at timestamptz);
CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
CREATE TABLE units (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE positions (kafka_partition integer PRIMARY KEY, next_offset bigint NOT NULL);
"""


# --- the parts ---------------------------------------------------------------------------------------


class RegisterUnit(BaseModel):
    code: str
    name: str


class Registered(BaseModel):
    code: str
    version: int


def service(database_url: str, schema: str, port: int) -> None:
    """POST /units: the event and its outbox row in one statement (one transaction), a NOTIFY after it."""
    pools: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def pool_open(_app: FastAPI) -> AsyncIterator[None]:
        pools.append(await asyncpg.create_pool(database_url, server_settings={"search_path": schema}))
        yield
        await pools[0].close()

    app = FastAPI(lifespan=pool_open)

    @app.post("/units", status_code=201, response_model=Registered)
    async def register(unit: RegisterUnit) -> Registered:
        envelope = json.dumps({"event_type": "UnitRegistered", "payload": unit.model_dump()})
        await pools[0].execute(
            "WITH e AS (INSERT INTO events (stream_id, version, envelope) VALUES ($1, 1, $2)"
            " RETURNING position, stream_id, envelope)"
            " INSERT INTO outbox (position, stream_id, envelope) SELECT * FROM e",
            f"unit-{unit.code}",
            envelope,
        )
        await pools[0].execute(f"NOTIFY outbox_{schema}")
        return Registered(code=unit.code, version=1)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


async def relay(database_url: str, bootstrap: str, schema: str, topic: str) -> None:
    """Woken by the NOTIFY (or every second): unpublished rows to Kafka, then marked published."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    woken = asyncio.Event()
    listener = await asyncpg.connect(database_url)
    await listener.add_listener(f"outbox_{schema}", lambda *_: woken.set())
    while True:
        with suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), timeout=1.0)
        woken.clear()
        rows = await conn.fetch(
            "SELECT position, stream_id, envelope FROM outbox WHERE published_at IS NULL"
            " ORDER BY position LIMIT 500"
        )
        if not rows:
            continue
        sent = [await producer.send(topic, r["envelope"].encode(), key=r["stream_id"].encode()) for r in rows]
        await asyncio.gather(*sent)
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])",
            [r["position"] for r in rows],
        )


async def consumer(database_url: str, bootstrap: str, schema: str, topic: str) -> None:
    """Each batch Kafka hands over: its units and its positions in one statement; offsets every 5 s."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    kafka = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"floor-{schema}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await kafka.start()
    committed = time.monotonic()
    while True:
        batch = await kafka.getmany(timeout_ms=500, max_records=2_000)
        records = [r for rs in batch.values() for r in rs]
        if not records:
            continue
        units = [json.loads(r.value)["payload"] for r in records]
        reached = {r.partition: r.offset + 1 for r in records}
        await conn.execute(
            "WITH u AS (INSERT INTO units (code, name) SELECT * FROM unnest($1::text[], $2::text[])"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name)"
            " INSERT INTO positions SELECT * FROM unnest($3::integer[], $4::bigint[])"
            " ON CONFLICT (kafka_partition) DO UPDATE SET next_offset = excluded.next_offset",
            [u["code"] for u in units],
            [u["name"] for u in units],
            list(reached),
            list(reached.values()),
        )
        if time.monotonic() - committed > 5:
            await kafka.commit()
            committed = time.monotonic()


# --- driving them ------------------------------------------------------------------------------------


def start_part(name: str, options: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "part", name, *options])


def parent_of(pid: int) -> int:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return int(raw[raw.rindex(")") + 2 :].split()[1])


def listener_pid(port: int) -> int:
    """The process listening on ``port`` of 127.0.0.1 (PostgreSQL's postmaster, the Kafka broker)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                links = {os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                return int(entry)
    raise LookupError(f"nothing listens on port {port}")


@dataclass(frozen=True)
class Driven:
    latencies: list[float]  # each request's, from when it was due
    answered_per_s: float
    client_cpu_ms: float  # this process's CPU per request while sending them


async def drive(port: int, commands: int, rate: float, prefix: str) -> Driven:
    """``commands`` POSTs due at ``rate``/s whatever the answers do (at most IN_FLIGHT on the wire, as
    platform_load.py sends them)."""
    latencies: list[float] = []
    client = LeanClient(f"http://127.0.0.1:{port}", connections=IN_FLIGHT, timeout=120)
    try:

        async def one(i: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            answer = await client.post("/units", {"code": f"{prefix}{i}", "name": f"Unit {i}"})
            assert answer.status_code == 201, answer.text
            latencies.append(time.monotonic() - due)

        start, cpu = time.monotonic() + 0.1, time.process_time()
        await asyncio.gather(*(one(i, start + i / rate) for i in range(commands)))
    finally:
        await client.aclose()
    return Driven(
        latencies,
        commands / (time.monotonic() - start),
        (time.process_time() - cpu) * 1000 / commands,
    )


async def run(database_url: str, bootstrap: str, commands: int, rate: float) -> dict[str, Any]:
    schema, topic = f"floor_{uuid.uuid4().hex[:8]}", f"floor.{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'CREATE SCHEMA "{schema}"; SET search_path TO "{schema}"; {SCHEMA_SQL}')
    await ensure_topics(bootstrap, {topic: 6})
    port = free_ports(1)
    common = ["--database-url", database_url, "--bootstrap", bootstrap, "--schema", schema, "--topic", topic]
    parts = {
        name: start_part(name, [*common, "--port", str(port)]) for name in ("service", "relay", "consumer")
    }
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # until the service answers
                try:
                    await client.get(f"http://127.0.0.1:{port}/docs", timeout=1)
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
        backend = await conn.fetchval("SELECT pg_backend_pid()")
        roots = {
            **{name: p.pid for name, p in parts.items()},
            "postgres": parent_of(backend),  # the postmaster: all the server's processes descend from it
            "kafka": listener_pid(int(bootstrap.rsplit(":", 1)[1])),
        }
        await drive(port, 20, rate, "w")  # connections, the consumer's group
        await wait_applied(conn, schema, 20)
        await asyncio.sleep(5)

        async def load() -> Driven:
            driven = await drive(port, commands, rate, "c")
            await wait_applied(conn, schema, 20 + commands)
            return driven

        driven, cpu = await cpu_net_of_idle(roots, commands, rate, load)
    finally:
        for p in parts.values():
            p.kill()
            p.wait()
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()
    per_command = {name: round(ms, 2) for name, ms in cpu.ms_per_command.items()}
    return {
        "commands": commands,
        "rate": rate,
        "answered_per_s": round(driven.answered_per_s, 1),
        "loaded_seconds": round(cpu.seconds, 1),
        "ack_ms_p50_p99": [round(percentile(driven.latencies, p) * 1000, 1) for p in (50, 99)],
        "client_cpu_ms_per_request": round(driven.client_cpu_ms, 2),
        "cpu_ms_per_command": per_command,
        "cpu_ms_per_command_all": round(sum(per_command.values()), 2),
    }


async def wait_applied(conn: asyncpg.Connection, schema: str, units: int) -> None:
    for _ in range(600):
        if await conn.fetchval(f'SELECT count(*) FROM "{schema}".units') >= units:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the consumer did not apply {units} units in 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="measure", choices=("measure", "part"))
    parser.add_argument("part", nargs="?", choices=("service", "relay", "consumer"))
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0)
    for option in ("--database-url", "--bootstrap", "--schema", "--topic"):
        parser.add_argument(option)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.mode == "part":
        if args.part == "service":
            service(args.database_url, args.schema, args.port)
        elif args.part == "relay":
            asyncio.run(relay(args.database_url, args.bootstrap, args.schema, args.topic))
        else:
            asyncio.run(consumer(args.database_url, args.bootstrap, args.schema, args.topic))
        return

    async def with_servers() -> dict[str, Any]:
        with postgres_server() as database_url, kafka_server() as bootstrap:
            return await run(database_url, bootstrap, args.commands, args.rate)

    print(json.dumps(asyncio.run(with_servers()), indent=2))


if __name__ == "__main__":
    main()
