"""Rows per second of the daily police-activity import (services/patrols), parse to commit.

A file of ``--stations`` stations x ``--days`` days (10,000 rows by default, the most one file may
hold) is imported through the service's command runner as the CLI does it: parsed from CSV, then
every row decided and stored in one transaction. Each repetition uses a fresh schema; the same file is
then imported a second time (every row ``unchanged``).

    .venv/bin/python bench/import_bench.py [--stations 50] [--days 200] [--repetitions 3]

Uses DATABASE_URL when set, else starts a throw-away PostgreSQL with govgrid.testing.servers.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import asyncpg

from govgrid.catalogue.organisation import OrganisationUnitRegistered, OrgUnitKind
from govgrid.commands import CommandResult, run_from_command_line
from govgrid.imports import parse_rows
from govgrid.reference import apply_org_event
from govgrid.testing.factories import draft
from govgrid.testing.servers import postgres_server
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.application.imports import import_police_activity
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings


def activity_csv(stations: int, days: int) -> bytes:
    first = date(2023, 1, 1)
    lines = ["station_code,day,calls_for_service,criminal_cases,public_security_cases"]
    for s in range(stations):
        for d in range(days):
            lines.append(f"S{s:03d},{first + timedelta(days=d)},{(s + d) % 40},{d % 3},{s % 5}")
    return ("\n".join(lines) + "\n").encode()


async def seed_stations(pool: asyncpg.Pool, stations: int) -> None:
    units = [("C4604", OrgUnitKind.CITY, None)] + [
        (f"S{s:03d}", OrgUnitKind.POLICE_STATION, "C4604") for s in range(stations)
    ]
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        for code, kind, parent in units:
            event = OrganisationUnitRegistered(
                code=code, kind=kind, name_zh=code, name_en=code, parent_code=parent
            )
            await apply_org_event(conn, draft(event).seal(f"orgunit-{code}", 1, now))


async def import_once(url: str, schema: str, content: bytes, stations: int) -> tuple[float, float, int]:
    """Seconds of the first import and of the re-import, and the rows of the file."""
    async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    service = await start_service(PatrolsSettings(database_url=url, database_schema=schema))
    try:
        await seed_stations(service.pool, stations)
        seconds: list[float] = []
        rows = 0
        for expected in ("imported", "unchanged"):
            start = time.perf_counter()
            parsed = parse_rows(content, "text/csv", PoliceActivityRow)
            result: CommandResult = await run_from_command_line(
                service.commands, functools.partial(import_police_activity, rows=parsed)
            )
            seconds.append(time.perf_counter() - start)
            rows = len(parsed)
            if result.body[expected] != rows:  # a benchmark that imports nothing measures nothing
                raise RuntimeError(f"expected {rows} rows {expected}, got {result.body}")
        stored = await service.pool.fetchval("SELECT count(*) FROM events")
        if stored != rows:
            raise RuntimeError(f"{stored} events stored, expected {rows}")
    finally:
        await service.pool.close()
        async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return seconds[0], seconds[1], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    content = activity_csv(args.stations, args.days)
    firsts: list[float] = []
    agains: list[float] = []
    with postgres_server() as url:
        for repetition in range(1, args.repetitions + 1):
            first, again, rows = asyncio.run(
                import_once(url, f"bench_import_{repetition}", content, args.stations)
            )
            firsts.append(rows / first)
            agains.append(rows / again)
            print(
                f"rep {repetition}: {rows} rows; first import {rows / first:7.0f} rows/s ({first:.2f}s),"
                f" re-import {rows / again:7.0f} rows/s ({again:.2f}s), load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print(
        f"median: first import {statistics.median(firsts):.0f} rows/s,"
        f" re-import {statistics.median(agains):.0f} rows/s"
    )


if __name__ == "__main__":
    main()
