"""What the read audit costs a read: the same reads through the read API in process, with the audit
writing (as under uvicorn) and without it, in alternating rounds of one run (the machine is noisy:
only the ratio side by side means something), on real PostgreSQL.

    .venv/bin/python bench/read_audit_bench.py [--rounds 6] [--requests 300]

Starts its own PostgreSQL (govgrid/testing/servers.py). Prints the median and p99 latency of
``GET /org-units`` per mode, their ratio, and the rows the audit wrote (every audited read).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import asyncpg
import httpx

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.config import get_settings
from govgrid.testing.servers import postgres_server
from services.projections.generations import Generations
from services.projections.main import create_app
from services.projections.settings import ProjectionsSettings


async def timed_reads(client: httpx.AsyncClient, headers: dict[str, str], requests: int) -> list[float]:
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = await client.get("/org-units", headers=headers)
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return seconds


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


async def measure(database_url: str, rounds: int, requests: int) -> None:
    schema = f"bench_audit_{uuid.uuid4().hex[:8]}"
    generations = await Generations.open(
        ProjectionsSettings(database_url=database_url, database_schema=schema)
    )
    app = create_app()
    app.state.generations = generations
    headers = {
        "Authorization": f"Bearer {mint_token(get_settings(), 'bench', Role.STATION_OFFICER, ['S01'])}"
    }
    samples: dict[str, list[float]] = {"without audit": [], "with audit": []}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://read") as client:
            await timed_reads(client, headers, 50)  # warm up
            for _ in range(rounds):
                samples["without audit"] += await timed_reads(client, headers, requests)
                async with app.state.audit.running(generations.control):
                    samples["with audit"] += await timed_reads(client, headers, requests)
        written = await generations.control.fetchval("SELECT count(*) FROM read_audit")
    finally:
        await generations.close_and_drop()
        conn = await asyncpg.connect(database_url)
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()
    for mode, seconds in samples.items():
        print(f"{mode}: median {statistics.median(seconds) * 1000:.2f} ms, p99 {p99(seconds) * 1000:.2f} ms")
    ratio = statistics.median(samples["with audit"]) / statistics.median(samples["without audit"])
    print(f"median ratio with/without: {ratio:.2f}; audit rows written: {written} of {rounds * requests}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with postgres_server() as database_url:
        asyncio.run(measure(database_url, args.rounds, args.requests))


if __name__ == "__main__":
    main()
