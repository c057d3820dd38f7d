"""Rows per second of the bulk imports, parse to commit: the daily police-activity import (patrols),
the organisation-unit import (appointments) and the school import (outreach).

Each file is imported through its service's command runner as the CLI does it: parsed from CSV, then
every row decided and stored in one transaction. Each repetition uses a fresh schema; the same file is
then imported a second time (every row ``unchanged``).

    .venv/bin/python bench/import_bench.py [--imports police-activity,org-units,schools]
        [--stations 50] [--days 200] [--villages 2000] [--schools 2000] [--repetitions 3]

Police activity: ``--stations`` x ``--days`` rows (10,000 by default, the most one file may hold). Org
units: a city, 20 townships, 50 stations and ``--villages`` villages, each covered by a station (two
events per village row). Schools: ``--schools`` schools in 200 villages the service already knows.
Uses DATABASE_URL when set, else starts a throw-away PostgreSQL with govgrid.testing.servers.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import asyncpg
from pydantic import BaseModel

from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandResult
from govgrid.commands import run_from_command_line
from govgrid.imports import parse_rows
from govgrid.reference import apply_org_event
from govgrid.testing.factories import draft
from govgrid.testing.servers import postgres_server
from services.appointments.application.imports import OrgUnitRow
from services.appointments.application.imports import import_org_units
from services.appointments.bootstrap import start_service as start_appointments
from services.appointments.settings import AppointmentsSettings
from services.outreach.application.imports import SchoolRow
from services.outreach.application.imports import import_schools
from services.outreach.bootstrap import start_service as start_outreach
from services.outreach.settings import OutreachSettings
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.application.imports import import_police_activity
from services.patrols.bootstrap import start_service as start_patrols
from services.patrols.settings import PatrolsSettings

TOWNSHIPS, STATIONS, SCHOOL_VILLAGES = 20, 50, 200


def activity_csv(stations: int, days: int) -> bytes:
    first = date(2023, 1, 1)
    lines = ["station_code,day,calls_for_service,criminal_cases,public_security_cases"]
    for s in range(stations):
        for d in range(days):
            lines.append(f"S{s:03d},{first + timedelta(days=d)},{(s + d) % 40},{d % 3},{s % 5}")
    return ("\n".join(lines) + "\n").encode()


async def seed_units(pool: asyncpg.Pool, units: Sequence[tuple[str, OrgUnitKind, str | None]]) -> None:
    """The service's organisation reference, as its feed from the appointments topic would fill it."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        for code, kind, parent in units:
            event = OrganisationUnitRegistered(
                code=code, kind=kind, name_zh=code, name_en=code, parent_code=parent
            )
            await apply_org_event(conn, draft(event).seal(f"orgunit-{code}", 1, now))


def org_units_csv(villages: int) -> bytes:
    lines = ["code,kind,name_zh,name_en,parent_code,station_code,coverage_from"]
    lines.append("C4604,city,儋州市,Danzhou,,,")
    lines += [f"T{t:02d},township,镇{t},Town {t},C4604,," for t in range(TOWNSHIPS)]
    lines += [f"S{s:03d},police_station,所{s},Station {s},C4604,," for s in range(STATIONS)]
    lines += [
        f"V{v:05d},village,村{v},Village {v},T{v % TOWNSHIPS:02d},S{v % STATIONS:03d},2020-01-01"
        for v in range(villages)
    ]
    return ("\n".join(lines) + "\n").encode()


def schools_csv(schools: int) -> bytes:
    lines = ["school_code,name_zh,village_code"]
    lines += [f"SCH{n:05d},学校{n},V{n % SCHOOL_VILLAGES:05d}" for n in range(schools)]
    return ("\n".join(lines) + "\n").encode()


Importer = Callable[..., Awaitable[CommandResult]]  # (uow, ctx, rows=...)


@dataclass(frozen=True)
class Workload:
    """One import: its service, what the service must know first, the file, and the events a first
    import stores (a benchmark that imports nothing measures nothing)."""

    name: str
    start: Callable[[str, str], Awaitable[Any]]  # (database URL, schema) -> the service
    seed: Callable[[asyncpg.Pool], Awaitable[None]]
    content: bytes
    row_model: type[BaseModel]
    importer: Importer
    events: int


async def no_seed(_pool: asyncpg.Pool) -> None:
    return None


def workloads(args: argparse.Namespace) -> dict[str, Workload]:
    station_units = [("C4604", OrgUnitKind.CITY, None)] + [
        (f"S{s:03d}", OrgUnitKind.POLICE_STATION, "C4604") for s in range(args.stations)
    ]
    school_units = [("C4604", OrgUnitKind.CITY, None), ("T00", OrgUnitKind.TOWNSHIP, "C4604")] + [
        (f"V{v:05d}", OrgUnitKind.VILLAGE, "T00") for v in range(SCHOOL_VILLAGES)
    ]
    return {
        "police-activity": Workload(
            "police-activity",
            lambda url, schema: start_patrols(PatrolsSettings(database_url=url, database_schema=schema)),
            functools.partial(seed_units, units=station_units),
            activity_csv(args.stations, args.days),
            PoliceActivityRow,
            import_police_activity,
            args.stations * args.days,
        ),
        "org-units": Workload(
            "org-units",
            lambda url, schema: start_appointments(
                AppointmentsSettings(database_url=url, database_schema=schema)
            ),
            no_seed,
            org_units_csv(args.villages),
            OrgUnitRow,
            import_org_units,
            1 + TOWNSHIPS + STATIONS + 2 * args.villages,
        ),
        "schools": Workload(
            "schools",
            lambda url, schema: start_outreach(OutreachSettings(database_url=url, database_schema=schema)),
            functools.partial(seed_units, units=school_units),
            schools_csv(args.schools),
            SchoolRow,
            import_schools,
            args.schools,
        ),
    }


async def import_once(url: str, schema: str, work: Workload) -> tuple[float, float, int]:
    """Seconds of the first import and of the re-import, and the rows of the file."""
    async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    service = await work.start(url, schema)
    try:
        await work.seed(service.pool)
        seconds: list[float] = []
        rows = 0
        for expected in ("imported", "unchanged"):
            start = time.perf_counter()
            parsed = parse_rows(work.content, "text/csv", work.row_model)
            result: CommandResult = await run_from_command_line(
                service.commands, functools.partial(work.importer, rows=parsed)
            )
            seconds.append(time.perf_counter() - start)
            rows = len(parsed)
            if result.body[expected] != rows:  # a benchmark that imports nothing measures nothing
                raise RuntimeError(f"expected {rows} rows {expected}, got {result.body}")
        stored = await service.pool.fetchval("SELECT count(*) FROM events")
        if stored != work.events:
            raise RuntimeError(f"{stored} events stored, expected {work.events}")
    finally:
        await service.pool.close()
        async with asyncpg.create_pool(url, min_size=1, max_size=1) as admin:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return seconds[0], seconds[1], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imports", default="police-activity,org-units,schools")
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--villages", type=int, default=2000)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    chosen = [workloads(args)[name] for name in args.imports.split(",")]
    with postgres_server() as url:
        for work in chosen:
            firsts: list[float] = []
            agains: list[float] = []
            for repetition in range(1, args.repetitions + 1):
                first, again, rows = asyncio.run(import_once(url, f"bench_import_{repetition}", work))
                firsts.append(rows / first)
                agains.append(rows / again)
                print(
                    f"{work.name} rep {repetition}: {rows} rows; first import {rows / first:7.0f} rows/s"
                    f" ({first:.2f}s), re-import {rows / again:7.0f} rows/s ({again:.2f}s),"
                    f" load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            print(
                f"{work.name} median: first import {statistics.median(firsts):.0f} rows/s,"
                f" re-import {statistics.median(agains):.0f} rows/s",
                flush=True,
            )


if __name__ == "__main__":
    main()
