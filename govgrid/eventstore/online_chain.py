"""Chain a store before the upgrade to the hash chain, while its service keeps serving: what migration
0003 does in one transaction holding ``events`` exclusively (about a minute per million events), done
in short transactions instead, then recorded as 0003 applied, so the new release's start skips it.

    python -m govgrid.eventstore.online_chain --database-url postgresql://... --schema appointments
        [--streams-per-batch 100]

Run it on a store at migration 0002 (the release before the chain), before deploying the new release
(docs/operations.md, "Upgrading"). It is safe to interrupt and to run again: it carries on.

1. One short transaction (under the migrations' lock): 0003's own statements, taken from its file, add
   the nullable ``hash`` column, the hash functions and the chaining trigger. From its commit, every
   append is chained at insert; one whose predecessor has no hash yet gets none either (sha256 of NULL).
2. The streams that have unhashed events are chained a batch of streams at a time, in version order,
   as 0003 does. Each batch disables the append-only trigger inside its transaction, which holds
   appends (and only appends) for the length of the batch; an append that committed before the batch
   is in it, one after chains to the batch's hashes.
3. One short transaction (under the migrations' lock): ``hash`` becomes NOT NULL without a scan under
   the exclusive lock (a CHECK validated beforehand, which does not hold appends), and 0003 is
   recorded with its checksum, as the migrator would have recorded it.

``bench/chain_backfill_bench.py`` measures it side by side with the migration.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import asyncpg

from govgrid.config import GovgridSettings
from govgrid.db import MIGRATION_TIMEOUT
from govgrid.db import MIGRATIONS_LOCK
from govgrid.db import check_schema_name
from govgrid.db import migration_name
from govgrid.db import record_migration
from govgrid.eventstore import MIGRATIONS

CHAIN = "0003_hash_chain.sql"
CHAIN_NAME = migration_name(MIGRATIONS / CHAIN)
BEFORE_THE_CHAIN = "eventstore/0002_append_in_one_round_trip.sql"
STREAMS_PER_BATCH = 100
LOCK_TIMEOUT = "2s"  # how long a step may wait for transactions in flight before trying again


T = TypeVar("T")


class NotApplicable(Exception):
    """The store is not one this step is for (chained already, or older than 0002)."""


def chain_statements() -> tuple[str, str]:
    """Migration 0003's statements that create the column and the functions, and its trigger, as
    written in its file (checksummed history: these exact words never change)."""
    sql = (MIGRATIONS / CHAIN).read_text()
    start = sql.index("ALTER TABLE events ADD COLUMN hash bytea;")
    end = sql.index("-- Events stored before this migration are chained now")
    trigger = sql.index("CREATE TRIGGER events_chain BEFORE INSERT ON events")
    return sql[start:end], sql[trigger:]


# The streams' events without a hash, chained in version order from the last hashed version (0003's
# loop, for some streams only); a function of this session only. Run with the append-only trigger
# disabled, in the batch's transaction. Returns the count of events chained.
_CHAIN_STREAMS = """
CREATE OR REPLACE FUNCTION pg_temp.chain_streams(streams text[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    e events;
    previous bytea;
    stream text;
    chained integer := 0;
BEGIN
    FOR e IN SELECT * FROM events WHERE stream_id = ANY(streams) AND hash IS NULL
             ORDER BY stream_id, stream_version LOOP
        IF stream IS DISTINCT FROM e.stream_id THEN
            stream := e.stream_id;
            previous := '\\x0000000000000000000000000000000000000000000000000000000000000000';
            IF e.stream_version > 1 THEN
                SELECT hash INTO STRICT previous FROM events
                WHERE stream_id = e.stream_id AND stream_version = e.stream_version - 1;
            END IF;
        END IF;
        previous := event_hash(previous, e);
        UPDATE events SET hash = previous WHERE global_position = e.global_position;
        chained := chained + 1;
    END LOOP;
    RETURN chained;
END;
$$
"""


@dataclass(frozen=True)
class Chained:
    events: int
    batches: int
    seconds: float
    longest_batch: float  # seconds: the longest appends were held


async def chain_online(conn: asyncpg.Connection, streams_per_batch: int = STREAMS_PER_BATCH) -> Chained:
    started = time.perf_counter()
    await _briefly(conn, _prepare, migrations_lock=True)
    await conn.execute(_CHAIN_STREAMS)
    streams = [
        r["stream_id"]
        for r in await conn.fetch(
            "SELECT DISTINCT stream_id FROM events WHERE hash IS NULL ORDER BY stream_id",
            timeout=MIGRATION_TIMEOUT,
        )
    ]
    events = batches = 0
    longest = 0.0
    for first in range(0, len(streams), streams_per_batch):
        batch = streams[first : first + streams_per_batch]
        batch_started = time.perf_counter()
        events += await _briefly(conn, partial(_chain_batch, streams=batch), migrations_lock=False)
        batches += 1
        longest = max(longest, time.perf_counter() - batch_started)
    # Even NOT VALID, the CHECK refuses new rows without a hash: added only now, when every stream's
    # head is chained, so that every append gets its hash from the trigger.
    await _briefly(conn, _check_without_scan, migrations_lock=False)
    # Validation reads the whole table without holding appends (SHARE UPDATE EXCLUSIVE).
    await conn.execute(
        "ALTER TABLE events VALIDATE CONSTRAINT events_hash_present", timeout=MIGRATION_TIMEOUT
    )
    await _briefly(conn, _finish, migrations_lock=True)
    return Chained(events, batches, time.perf_counter() - started, longest)


async def _briefly(
    conn: asyncpg.Connection, step: Callable[[asyncpg.Connection], Awaitable[T]], *, migrations_lock: bool
) -> T:
    """Run ``step`` in a transaction that waits at most ``LOCK_TIMEOUT`` for a table lock (appends in
    flight; appends behind it would wait as long), and again until it gets it; under the migrations'
    lock when it changes the schema's history."""
    if migrations_lock:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK, timeout=MIGRATION_TIMEOUT)
    try:
        while True:
            try:
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                    return await step(conn)
            except asyncpg.LockNotAvailableError:
                continue
    finally:
        if migrations_lock:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATIONS_LOCK)


async def _prepare(conn: asyncpg.Connection) -> None:
    applied = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
    if CHAIN_NAME in applied:
        raise NotApplicable(f"{CHAIN_NAME} is applied already: the store is chained")
    if BEFORE_THE_CHAIN not in applied:
        raise NotApplicable(f"{BEFORE_THE_CHAIN} is not applied: start the release before the chain first")
    column = await conn.fetchval(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = 'events' AND column_name = 'hash'"
    )
    if column is None:  # else an interrupted run made them: carry on
        functions, trigger = chain_statements()
        await conn.execute(functions)
        await conn.execute(trigger)


async def _chain_batch(conn: asyncpg.Connection, streams: list[str]) -> int:
    # Holds appends (ROW EXCLUSIVE) until the batch commits; every append committed before is seen.
    await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
    chained: int = await conn.fetchval("SELECT pg_temp.chain_streams($1)", streams, timeout=MIGRATION_TIMEOUT)
    await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    return chained


async def _check_without_scan(conn: asyncpg.Connection) -> None:
    await conn.execute("ALTER TABLE events DROP CONSTRAINT IF EXISTS events_hash_present")  # a run cut short
    await conn.execute(
        "ALTER TABLE events ADD CONSTRAINT events_hash_present CHECK (hash IS NOT NULL) NOT VALID"
    )


async def _finish(conn: asyncpg.Connection) -> None:
    await conn.execute("ALTER TABLE events ALTER COLUMN hash SET NOT NULL")  # uses the valid CHECK: no scan
    await conn.execute("ALTER TABLE events DROP CONSTRAINT events_hash_present")
    await record_migration(conn, MIGRATIONS / CHAIN)


async def run(database_url: str, schema: str, streams_per_batch: int) -> int:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": check_schema_name(schema)})
    try:
        chained = await chain_online(conn, streams_per_batch)
    except NotApplicable as exc:
        print(f"{schema}: nothing done: {exc}", file=sys.stderr)
        return 2
    finally:
        await conn.close()
    print(
        f"{schema}: {chained.events} events chained in {chained.batches} batches, {chained.seconds:.1f} s"
        f" (appends held {chained.longest_batch:.2f} s at most);"
        f" {CHAIN_NAME} recorded as applied"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url", default=GovgridSettings().database_url, help="default: DATABASE_URL"
    )
    parser.add_argument("--schema", required=True, help="the service's schema, e.g. appointments")
    parser.add_argument("--streams-per-batch", type=int, default=STREAMS_PER_BATCH)
    args = parser.parse_args(argv)
    return asyncio.run(run(args.database_url, args.schema, args.streams_per_batch))


if __name__ == "__main__":
    raise SystemExit(main())
