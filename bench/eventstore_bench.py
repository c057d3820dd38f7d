"""Append throughput: govgrid's PostgresEventStore against the eventsourcing library's PostgreSQL recorder.

One event per append, each append its own transaction, on the same PostgreSQL server:

  a. 1 stream, 1 writer          c. 1,000 streams, 16 writers (each owns its streams: no conflicts)
  b. 1,000 streams, 1 writer     d. 1 stream, 16 writers (read the version, retry on conflict)

Every measurement gets a fresh schema, a warm-up (a tenth of its appends), then a timed run. The two
stores alternate (ours a, theirs a, ours b, ...) so drift hits both alike; the round is repeated.
Each run also reports the CPU time per append of this process (client) and of every PostgreSQL
process (server, from /proc/<pid>/stat): where an append's time goes besides waiting.

    .venv/bin/python bench/eventstore_bench.py [--events N] [--contended-events N] [--json out.json]
                                               [--unchained]

--unchained adds a third store, side by side: govgrid's store without the hash chain (migrations
before 0003_hash_chain, the same Python code), and reports what the chain costs an append.

Uses DATABASE_URL when set, else starts a throw-away PostgreSQL with govgrid.testing.servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from itertools import repeat
from pathlib import Path

import asyncpg
import psycopg
from eventsourcing.persistence import IntegrityError
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.testing.factories import draft
from govgrid.testing.factories import village_registered
from govgrid.testing.servers import postgres_server

CHAIN_MIGRATION = "0003_hash_chain.sql"
STORES = ("govgrid", "eventsourcing")
UNCHAINED = "govgrid-unchained"  # --unchained: our store without the hash chain
POOL_SIZE = 16  # connections per store: one per concurrent writer
PAYLOAD = village_registered(1)
# Their recorder stores opaque bytes: give it one of our envelopes, so both write the same event size.
STATE = draft(PAYLOAD).seal("village-0000", 1, datetime.now(UTC)).to_json_bytes()
TOPIC = "govgrid.catalogue.organisation:OrganisationUnitRegistered"


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    streams: int
    writers: int

    @property
    def contended(self) -> bool:
        """Writers share streams, so they must read the version and retry on conflict."""
        return self.streams < self.writers

    def streams_by_writer(self) -> list[list[str]]:
        names = [f"village-{i:04d}" for i in range(self.streams)]
        if self.contended:
            return [names] * self.writers
        return [names[w :: self.writers] for w in range(self.writers)]


WORKLOADS = [
    Workload("a", "1 stream, 1 writer", 1, 1),
    Workload("b", "1,000 streams, 1 writer", 1000, 1),
    Workload("c", "1,000 streams, 16 writers", 1000, 16),
    Workload("d", "1 stream, 16 writers", 1, 16),
]


@dataclass(frozen=True)
class Run:
    workload: str
    store: str
    repetition: int
    appends: int
    seconds: float
    conflicts: int
    load: float  # the machine's 1-minute load average just after the run: flags disturbed runs
    client_cpu_us: float  # CPU of this process per append (the store's Python side and its driver)
    server_cpu_us: float  # CPU of the PostgreSQL processes per append

    @property
    def rate(self) -> float:
        return self.appends / self.seconds


class OurWriter:
    """Appends one event at a time to its streams, round robin, through govgrid's store."""

    def __init__(self, pool: asyncpg.Pool, streams: list[str], contended: bool) -> None:
        self._pool = pool
        self._store = PostgresEventStore(pool)
        self._streams = streams
        self._contended = contended
        self._versions = dict.fromkeys(streams, 0)
        self._turn = 0

    async def run(self, appends: int) -> int:
        """Make ``appends`` successful appends; return the number of conflicts on the way."""
        conflicts = 0
        for _ in range(appends):
            stream = self._streams[self._turn % len(self._streams)]
            self._turn += 1
            while True:
                version = await self._version(stream)
                try:
                    await self._store.append(stream, version, [draft(PAYLOAD)])
                except ConcurrencyConflict:
                    if not self._contended:
                        raise
                    conflicts += 1
                    continue
                self._versions[stream] = version + 1
                break
        return conflicts

    async def _version(self, stream: str) -> int:
        if not self._contended:
            return self._versions[stream]
        # Other writers move the stream: ask where it is now, as a command handler would.
        version = await self._pool.fetchval(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1", stream
        )
        return int(version)


class TheirWriter:
    """The same loop through eventsourcing's PostgresApplicationRecorder (synchronous: one thread each)."""

    def __init__(self, recorder: PostgresApplicationRecorder, streams: list[str], contended: bool) -> None:
        self._recorder = recorder
        self._streams = streams
        self._contended = contended
        self._versions = dict.fromkeys(streams, 0)
        self._turn = 0

    def run(self, appends: int) -> int:
        conflicts = 0
        for _ in range(appends):
            stream = self._streams[self._turn % len(self._streams)]
            self._turn += 1
            while True:
                version = self._version(stream)
                try:
                    self._recorder.insert_events([StoredEvent(stream, version + 1, TOPIC, STATE)])
                except IntegrityError:  # the (originator_id, originator_version) primary key refused it
                    if not self._contended:
                        raise
                    conflicts += 1
                    continue
                self._versions[stream] = version + 1
                break
        return conflicts

    def _version(self, stream: str) -> int:
        if not self._contended:
            return self._versions[stream]
        last = self._recorder.select_events(stream, desc=True, limit=1)
        return int(last[0].originator_version) if last else 0


async def measure_ours(
    url: str,
    schema: str,
    workload: Workload,
    warmup: int,
    appends: int,
    cpu: dict[str, float],
    *,
    chained: bool = True,
) -> tuple[float, int]:
    """Seconds and conflicts of ``appends`` appends (split over the writers) after a warm-up."""
    pool = await create_pool(url, schema=schema, min_size=POOL_SIZE, max_size=POOL_SIZE)
    try:
        if chained:
            await apply_migrations(pool, MIGRATIONS)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                await apply_migrations(pool, migrations_before_the_chain(Path(tmp)))
        writers = [OurWriter(pool, s, workload.contended) for s in workload.streams_by_writer()]
        await asyncio.gather(*(w.run(warmup // workload.writers) for w in writers))
        with cpu_meter(url, cpu):
            start = time.perf_counter()
            conflicts = await asyncio.gather(*(w.run(appends // workload.writers) for w in writers))
            return time.perf_counter() - start, sum(conflicts)
    finally:
        await pool.close()


def migrations_before_the_chain(tmp: Path) -> Path:
    """The event store's migrations before the hash chain (0003), copied under ``tmp``."""
    directory = tmp / "eventstore" / "migrations"
    directory.mkdir(parents=True)
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if path.name < CHAIN_MIGRATION:
            shutil.copy(path, directory / path.name)
    return directory


def measure_theirs(
    url: str, schema: str, workload: Workload, warmup: int, appends: int, cpu: dict[str, float]
) -> tuple[float, int]:
    """The same measurement through eventsourcing, its concurrent writers on threads."""
    params = conninfo_to_dict(url)
    datastore = PostgresDatastore(
        dbname=str(params["dbname"]),
        host=str(params["host"]),
        port=str(params["port"]),
        user=str(params["user"]),
        password=str(params["password"]),
        pool_size=POOL_SIZE,
        schema=schema,
        originator_id_type="text",  # our stream ids are text too: same key type on both sides
    )
    try:
        # Open every connection before timing. Not with its pool_open_timeout option: that makes each
        # get_connection() wait for the whole pool to be idle (and trips an assert in psycopg_pool).
        datastore.pool.open(wait=True, timeout=30)
        recorder = PostgresApplicationRecorder(datastore)
        recorder.create_table()
        writers = [TheirWriter(recorder, s, workload.contended) for s in workload.streams_by_writer()]
        with ThreadPoolExecutor(workload.writers) as threads:
            list(threads.map(TheirWriter.run, writers, repeat(warmup // workload.writers)))
            with cpu_meter(url, cpu):
                start = time.perf_counter()
                conflicts = list(threads.map(TheirWriter.run, writers, repeat(appends // workload.writers)))
                return time.perf_counter() - start, sum(conflicts)
    finally:
        datastore.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(url: str) -> float:
    """CPU time (user + system) used so far by every PostgreSQL process that is running now."""
    with psycopg.connect(url) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity").fetchall()]
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


@contextlib.contextmanager
def cpu_meter(url: str, cpu: dict[str, float]) -> Iterator[None]:
    """Adds this process's and PostgreSQL's CPU seconds over the block to ``cpu``."""
    client, server = time.process_time(), server_cpu_seconds(url)
    yield
    cpu["client"] = time.process_time() - client
    cpu["server"] = server_cpu_seconds(url) - server


def count_rows(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def run_once(url: str, store: str, workload: Workload, repetition: int, events: int) -> Run:
    schema = f"bench_{store.replace('-', '_')}_{workload.key}_{repetition}"
    # Round to whole rounds of the writers, so every writer does the same share.
    warmup = events // 10 // workload.writers * workload.writers
    appends = events // workload.writers * workload.writers
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        cpu: dict[str, float] = {}
        if store in ("govgrid", UNCHAINED):
            seconds, conflicts = asyncio.run(
                measure_ours(url, schema, workload, warmup, appends, cpu, chained=store == "govgrid")
            )
            stored = count_rows(url, f'"{schema}".events')
        else:
            seconds, conflicts = measure_theirs(url, schema, workload, warmup, appends, cpu)
            stored = count_rows(url, f'"{schema}".stored_events')
        # A benchmark that loses writes measures nothing: every append must be there.
        if stored != warmup + appends:
            raise RuntimeError(f"{store} {workload.key}: {stored} events stored, expected {warmup + appends}")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return Run(
        workload.key,
        store,
        repetition,
        appends,
        seconds,
        conflicts,
        os.getloadavg()[0],
        cpu["client"] / appends * 1e6,
        cpu["server"] / appends * 1e6,
    )


def summary(runs: list[Run], workloads: list[Workload]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for w in workloads:
        ours = [r for r in runs if r.workload == w.key and r.store == "govgrid"]
        theirs = [r for r in runs if r.workload == w.key and r.store == "eventsourcing"]
        # Runs of one repetition ran back to back: their ratio is the least drift-prone comparison.
        pair_ratios = [o.rate / t.rate for o, t in zip(ours, theirs, strict=True)]
        unchained = [r for r in runs if r.workload == w.key and r.store == UNCHAINED]
        row: dict[str, object] = {
            "workload": w.key,
            "title": w.title,
            "ours_median": statistics.median(r.rate for r in ours),
            "ours_min": min(r.rate for r in ours),
            "ours_max": max(r.rate for r in ours),
            "ours_conflicts_median": statistics.median(r.conflicts for r in ours),
            "theirs_median": statistics.median(r.rate for r in theirs),
            "theirs_min": min(r.rate for r in theirs),
            "theirs_max": max(r.rate for r in theirs),
            "theirs_conflicts_median": statistics.median(r.conflicts for r in theirs),
            "ratio_of_medians": statistics.median(r.rate for r in ours)
            / statistics.median(r.rate for r in theirs),
            "ours_client_cpu_us": statistics.median(r.client_cpu_us for r in ours),
            "ours_server_cpu_us": statistics.median(r.server_cpu_us for r in ours),
            "theirs_client_cpu_us": statistics.median(r.client_cpu_us for r in theirs),
            "theirs_server_cpu_us": statistics.median(r.server_cpu_us for r in theirs),
            "pair_ratio_min": min(pair_ratios),
            "pair_ratio_max": max(pair_ratios),
        }
        if unchained:
            row |= chain_cost(ours, unchained)
        rows.append(row)
    return rows


def chain_cost(ours: list[Run], unchained: list[Run]) -> dict[str, object]:
    """Our store with the hash chain against without it (runs of one repetition ran back to back)."""
    pairs = [o.rate / u.rate for o, u in zip(ours, unchained, strict=True)]
    return {
        "unchained_median": statistics.median(r.rate for r in unchained),
        "unchained_min": min(r.rate for r in unchained),
        "unchained_max": max(r.rate for r in unchained),
        "unchained_client_cpu_us": statistics.median(r.client_cpu_us for r in unchained),
        "unchained_server_cpu_us": statistics.median(r.server_cpu_us for r in unchained),
        "chain_ratio_of_medians": statistics.median(r.rate for r in ours)
        / statistics.median(r.rate for r in unchained),
        "chain_pair_ratio_min": min(pairs),
        "chain_pair_ratio_max": max(pairs),
    }


def print_summary(rows: list[dict[str, object]]) -> None:
    print()
    print(f"{'workload':28} {'govgrid/s (min-max)':>24} {'eventsourcing/s (min-max)':>26} {'ratio':>6}")
    for row in rows:
        ours = f"{row['ours_median']:.0f} ({row['ours_min']:.0f}-{row['ours_max']:.0f})"
        theirs = f"{row['theirs_median']:.0f} ({row['theirs_min']:.0f}-{row['theirs_max']:.0f})"
        print(f"{row['workload']}. {row['title']:25} {ours:>24} {theirs:>26} {row['ratio_of_medians']:>6.2f}")
        print(
            f"   CPU per append (median): govgrid client {row['ours_client_cpu_us']:.0f} us + server"
            f" {row['ours_server_cpu_us']:.0f} us; eventsourcing client {row['theirs_client_cpu_us']:.0f} us"
            f" + server {row['theirs_server_cpu_us']:.0f} us"
        )
        if "unchained_median" in row:
            unchained = (
                f"{row['unchained_median']:.0f} ({row['unchained_min']:.0f}-{row['unchained_max']:.0f})"
            )
            print(
                f"   without the hash chain: {unchained}/s, CPU per append client"
                f" {row['unchained_client_cpu_us']:.0f} us + server {row['unchained_server_cpu_us']:.0f} us;"
                f" chained/unchained {row['chain_ratio_of_medians']:.2f}"
                f" (pairs {row['chain_pair_ratio_min']:.2f}-{row['chain_pair_ratio_max']:.2f})"
            )
        if row["workload"] == "d":
            print(
                f"   conflicts per run (median): govgrid {row['ours_conflicts_median']:.0f},"
                f" eventsourcing {row['theirs_conflicts_median']:.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="timed appends per measurement of a-c")
    parser.add_argument(
        "--contended-events",
        type=int,
        default=400,
        help="timed appends per measurement of d, where most attempts conflict and are retried",
    )
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--workloads", default="abcd", help="which workloads to run, e.g. ac")
    parser.add_argument("--json", type=Path, help="also write every run and the summary here")
    parser.add_argument(
        "--unchained", action="store_true", help="also measure our store without the hash chain"
    )
    args = parser.parse_args()
    workloads = [w for w in WORKLOADS if w.key in args.workloads]

    with postgres_server() as url:
        with psycopg.connect(url) as conn:
            server = conn.execute("SHOW server_version").fetchone()
        print(
            f"PostgreSQL {server[0] if server else '?'}; {len(STATE)}-byte events;"
            f" {args.events} appends (d: {args.contended_events}), each after a warm-up of a tenth as many"
        )
        runs: list[Run] = []
        for repetition in range(1, args.repetitions + 1):
            for workload in workloads:
                for store in (UNCHAINED, *STORES) if args.unchained else STORES:
                    events = args.contended_events if workload.contended else args.events
                    run = run_once(url, store, workload, repetition, events)
                    runs.append(run)
                    print(
                        f"rep {repetition} {workload.key} {store:13} {run.rate:8.0f} appends/s"
                        f" ({run.appends} in {run.seconds:.2f}s, {run.conflicts} conflicts)"
                        f" CPU/append: client {run.client_cpu_us:.0f} us, server {run.server_cpu_us:.0f} us;"
                        f" load {run.load:.1f}",
                        flush=True,
                    )
    rows = summary(runs, workloads)
    print_summary(rows)
    if args.json:
        report = {"runs": [asdict(r) | {"rate": r.rate} for r in runs], "summary": rows}
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
