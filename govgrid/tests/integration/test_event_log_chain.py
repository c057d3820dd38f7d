"""The tamper-evident event log on real PostgreSQL: the chain computed at append (migration 0003)
is what the verifier recomputes; edits, deletions and reorderings made behind the append-only
trigger's back are found; checkpoints are published through the outbox and find deleted streams, and
their copy on the topic finds a store rewritten together with its own checkpoints."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import asyncpg
import pytest

from govgrid.catalogue.eventlog import EventLogCheckpointed
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.batch import StreamBatch
from govgrid.eventstore.chain import CHAINED_COLUMNS
from govgrid.eventstore.chain import GENESIS
from govgrid.eventstore.chain import Head
from govgrid.eventstore.chain import event_hash
from govgrid.eventstore.chain import merkle_root
from govgrid.eventstore.checkpoint import CHECKPOINT_STREAM
from govgrid.eventstore.checkpoint import Checkpoints
from govgrid.eventstore.checkpoint import checkpoint_at
from govgrid.eventstore.checkpoint import take_cut
from govgrid.eventstore.verify import Tampered
from govgrid.eventstore.verify import Topic
from govgrid.eventstore.verify import Verified
from govgrid.eventstore.verify import verify
from govgrid.testing.factories import draft
from govgrid.testing.factories import village_registered
from govgrid.testing.fixtures import wait_until
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running as relay_running
from govgrid.testing.servers import free_ports


def checkpoints(pool: asyncpg.Pool) -> Checkpoints:
    """Publishes whenever asked (no interval to wait for)."""
    return Checkpoints(pool, "tests", timedelta(0))


async def three_streams(pool: asyncpg.Pool) -> None:
    """a: 3 events (two in one append), b: 2 events (a bulk write), c: 1 event."""
    store = PostgresEventStore(pool)
    await store.append("a", 0, [draft(village_registered(1)), draft(village_registered(2))])
    await store.append("c", 0, [draft(village_registered(3))])
    async with pool.acquire() as conn, conn.transaction():
        batch = StreamBatch(PostgresEventStore(conn))
        await batch.preload(["a", "b"])
        await batch.append("a", 2, [draft(village_registered(4))])
        await batch.append("b", 0, [draft(village_registered(5)), draft(village_registered(6))])
        assert await batch.flush() == 3


async def verified(pool: asyncpg.Pool, topic: Topic | None = None) -> Verified:
    async with pool.acquire() as conn:
        return await verify(conn, topic)


async def tampered(pool: asyncpg.Pool) -> str:
    with pytest.raises(Tampered) as found:
        await verified(pool)
    return str(found.value)


async def behind_the_trigger(pool: asyncpg.Pool, sql: str) -> None:
    """What someone with the database's superuser can do: run a statement with the triggers off."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(sql)


async def test_the_stored_hashes_are_the_chain_recomputed_from_the_rows(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    rows = await pool.fetch(f"SELECT {CHAINED_COLUMNS} FROM events ORDER BY stream_id, stream_version")
    previous: dict[str, bytes] = {}
    for row in rows:
        assert row["hash"] == event_hash(previous.get(row["stream_id"], GENESIS), row)
        previous[row["stream_id"]] = row["hash"]
    assert [(r["stream_id"], r["stream_version"]) for r in rows] == [
        ("a", 1),
        ("a", 2),
        ("a", 3),
        ("b", 1),
        ("b", 2),
        ("c", 1),
    ]
    assert len(set(previous.values())) == 3


async def test_a_hash_the_writer_sends_is_replaced_by_the_chained_one(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    await pool.execute(
        "INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
        " recorded_at, actor, correlation_id, jurisdiction, payload, hash)"
        " SELECT gen_random_uuid(), stream_id, 4, event_type, schema_version, occurred_at, recorded_at,"
        "  actor, gen_random_uuid(), jurisdiction, payload, '\\x00'::bytea"
        " FROM events WHERE stream_id = 'a' AND stream_version = 3"
    )
    assert (await verified(pool)).events == 7


async def test_a_clean_log_verifies_with_its_checkpoints(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    first = await checkpoints(pool).publish()
    assert first is not None
    assert (first.events, first.streams) == (6, 3)
    heads = await pool.fetch(
        "SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events"
        " ORDER BY stream_id, stream_version DESC"
    )
    expected = [
        Head(r["stream_id"], r["stream_version"], r["hash"])
        for r in heads
        if r["stream_id"] != CHECKPOINT_STREAM
    ]
    assert first.merkle_root == merkle_root(expected).hex()
    assert await checkpoints(pool).publish() is None  # nothing new since

    await PostgresEventStore(pool).append("c", 1, [draft()])
    second = await checkpoints(pool).publish()
    assert second is not None
    assert (second.events, second.streams) == (8, 4)  # the first checkpoint is in the log it covers

    assert await verified(pool) == Verified(
        events=9, streams=4, checkpoints=2, last_cut=second.up_to_position
    )


async def test_a_checkpoint_goes_to_the_outbox_like_every_event(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    checkpoint = await checkpoints(pool).publish()
    (row,) = await pool.fetch("SELECT envelope FROM outbox WHERE stream_id = $1", CHECKPOINT_STREAM)
    envelope = json.loads(row["envelope"])
    assert envelope["event_type"] == "EventLogCheckpointed"
    assert envelope["actor"] == "tests"
    assert EventLogCheckpointed.model_validate(envelope["payload"]) == checkpoint


async def test_an_update_behind_the_triggers_back_breaks_the_link(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    await checkpoints(pool).publish()
    await behind_the_trigger(
        pool,
        "UPDATE events SET payload = jsonb_set(payload, '{name_en}', '\"Elsewhere\"')"
        " WHERE stream_id = 'a' AND stream_version = 2",
    )
    assert "broken link: stream 'a' version 2" in await tampered(pool)


async def test_an_update_of_the_hash_too_breaks_the_next_link(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    version_2 = "stream_id = 'a' AND stream_version = 2"
    await behind_the_trigger(pool, f"UPDATE events SET actor = 'someone else' WHERE {version_2}")
    # Rehashed as the append would have: version 2 now matches, version 3 no longer does.
    await behind_the_trigger(
        pool,
        "UPDATE events SET hash = event_hash("
        " (SELECT hash FROM events WHERE stream_id = 'a' AND stream_version = 1),"
        f" (SELECT e FROM events e WHERE {version_2})) WHERE {version_2}",
    )
    assert "broken link: stream 'a' version 3" in await tampered(pool)


async def test_a_deleted_event_breaks_the_link(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'a' AND stream_version = 2")
    assert "stream 'a' has version 3" in await tampered(pool)
    assert "where version 2 should come next" in await tampered(pool)


async def test_a_reordered_pair_breaks_the_link(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    swap_versions = (  # through versions 11 and 12: the unique constraint is checked row by row
        "UPDATE events SET stream_version = stream_version + 10 WHERE stream_id = 'b';"
        " UPDATE events SET stream_version = 13 - stream_version WHERE stream_id = 'b'"
    )
    await behind_the_trigger(pool, swap_versions)
    assert "stream 'b' has version 2" in await tampered(pool)

    # Swapping their contents instead (each row keeps its version) breaks the first hash.
    await behind_the_trigger(pool, swap_versions)
    await behind_the_trigger(
        pool,
        "UPDATE events AS e SET payload = o.payload FROM events AS o"
        " WHERE e.stream_id = 'b' AND o.stream_id = 'b' AND e.stream_version <> o.stream_version",
    )
    assert "broken link: stream 'b' version 1" in await tampered(pool)


async def test_a_deleted_stream_is_found_by_the_checkpoint(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    checkpoint = await checkpoints(pool).publish()
    assert checkpoint is not None
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'b'")
    found = await tampered(pool)
    assert found.startswith(f"checkpoint mismatch: checkpoint 1 (up to position {checkpoint.up_to_position})")
    assert "says 6 events in 3 streams" in found
    assert "the log holds 4 events in 2 streams" in found


async def test_a_deleted_last_event_is_found_by_the_checkpoint(pool: asyncpg.Pool) -> None:
    await three_streams(pool)
    await checkpoints(pool).publish()
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'a' AND stream_version = 3")
    assert "the log holds 5 events in 3 streams" in await tampered(pool)


async def test_the_cut_waits_for_appends_in_flight(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(pool)
    await store.append("a", 0, [draft()])
    async with pool.acquire() as conn:
        async with conn.transaction():
            await PostgresEventStore(conn).append("b", 0, [draft()])
            # Its position may be below one committed later: no cut while it is in flight.
            with pytest.raises(asyncpg.LockNotAvailableError):
                await take_cut(pool)
        in_flight = await conn.fetchval("SELECT global_position FROM events WHERE stream_id = 'b'")
    assert await take_cut(pool) == in_flight


async def test_events_stored_before_the_chain_are_chained_by_its_migration(
    database_url: str, schema: str, tmp_path: Path
) -> None:
    before = tmp_path / "eventstore" / "migrations"
    before.mkdir(parents=True)
    for old in ("0001_event_store.sql", "0002_append_in_one_round_trip.sql"):
        shutil.copy(MIGRATIONS / old, before / old)
    pool = await create_pool(database_url, schema=schema)
    try:
        await apply_migrations(pool, before)
        await pool.execute(
            "SELECT append_events($1, 0, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10, $11)",
            *_legacy_append(),
        )
        applied = await apply_migrations(pool, MIGRATIONS)
        assert applied[0] == "eventstore/0003_hash_chain.sql"
        assert (await verified(pool)).events == 2
        await PostgresEventStore(pool).append("legacy", 2, [draft()])
        assert (await verified(pool)).events == 3
    finally:
        await pool.close()


def _legacy_append() -> list[object]:
    """The arguments of migration 0002's append_events: two events of a new stream."""
    d = draft()
    return [
        "legacy",
        [uuid.uuid4(), uuid.uuid4()],
        [d.payload.event_type] * 2,
        [1, 1],
        [datetime.now(UTC)] * 2,
        ["officer-7"] * 2,
        [uuid.uuid4()] * 2,
        [None, None],
        [d.jurisdiction.model_dump_json()] * 2,
        [d.payload.model_dump_json()] * 2,
        ["{}"] * 2,
    ]


async def test_the_cli_exits_0_on_a_clean_log_and_1_with_the_first_problem(
    pool: asyncpg.Pool, database_url: str, schema: str
) -> None:
    await three_streams(pool)
    await checkpoints(pool).publish()

    clean = await verify_cli(database_url, schema)
    assert clean.returncode == 0, clean.stderr
    assert "ok, 7 events in 4 streams chained; 1 checkpoints match" in clean.stdout

    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'c'")
    broken = await verify_cli(database_url, schema)
    assert broken.returncode == 1
    assert f"{schema}: checkpoint mismatch: checkpoint 1" in broken.stderr


async def test_the_cli_exits_2_when_the_log_cannot_be_read(database_url: str) -> None:
    # A database away, or a schema without an event log, is no finding about a log: a cron raising
    # the alarm on exit status 1 (something found wrong) must not raise it for an outage.
    parts = urlsplit(database_url)  # the server's, on a port where nothing listens
    away = urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{free_ports(1)}"))
    for url, schema, reason in (
        (away, "tips", "Connect call failed"),
        (database_url, f"t_{uuid.uuid4().hex[:16]}", 'relation "events" does not exist'),
    ):
        answer = await verify_cli(url, schema)
        assert answer.returncode == 2, answer.stderr
        assert f"{schema}: not verified, the log could not be read:" in answer.stderr
        assert reason in answer.stderr
        assert "Traceback" not in answer.stderr


async def verify_cli(database_url: str, schema: str, *more: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "govgrid.eventstore.verify", "--database-url", database_url]
    return await asyncio.to_thread(
        subprocess.run, [*command, "--schema", schema, *more], capture_output=True, text=True, timeout=60
    )


async def test_a_store_rewritten_with_its_checkpoints_is_found_against_the_topic(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    await three_streams(pool)
    checkpoint = await checkpoints(pool).publish()
    assert checkpoint is not None
    await publish_all(pool, kafka_bootstrap, topic, schema)
    copy = Topic(kafka_bootstrap, topic)
    clean = await verified(pool, copy)
    assert (clean.checkpoints, clean.published) == (1, 7)

    # Stream b deleted, the checkpoint rewritten to match and rehashed: the store alone looks clean.
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'b'")
    forged = await checkpoint_at(pool, checkpoint.up_to_position)
    await behind_the_trigger(
        pool,
        f"UPDATE events SET payload = '{forged.model_dump_json()}'::jsonb"
        f" WHERE stream_id = '{CHECKPOINT_STREAM}';"
        " UPDATE events AS e SET hash = event_hash(decode(repeat('00', 32), 'hex'), e)"
        f" WHERE stream_id = '{CHECKPOINT_STREAM}'",
    )
    assert (await verified(pool)).streams == 3
    with pytest.raises(Tampered) as found:
        await verified(pool, copy)
    # The first record of the topic unlike the store: b's (deleted) or the checkpoint (rewritten).
    assert str(found.value).startswith("topic mismatch: partition ")
    assert "stream 'b' version" in str(found.value) or f"stream '{CHECKPOINT_STREAM}'" in str(found.value)


async def publish_all(pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str) -> None:
    async with relay_running(make_relay(pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(pool), what="the outbox is on the topic")


# The outbox is not chained and has no trigger: the service's own role may change it. What the relay
# published from a changed row is found by comparing the topic with the store.
OUTBOX_TAMPERING = {
    "an envelope changed": (
        "UPDATE outbox SET envelope = jsonb_set(envelope::jsonb, '{actor}', '\"someone else\"')::json"
        " WHERE stream_id = 'b' AND envelope->>'stream_version' = '2'",
        r"holds event \S+ \(stream 'b' version 2\) unlike the store's \(position \d+\): its outbox envelope",
    ),
    "an envelope written": (
        "INSERT INTO outbox (event_id, stream_id, envelope)"
        " SELECT gen_random_uuid(), 'b', jsonb_set(jsonb_set(envelope::jsonb, '{event_id}',"
        "  to_jsonb(gen_random_uuid()::text)), '{stream_version}', '3')::json"
        " FROM outbox WHERE stream_id = 'b' AND envelope->>'stream_version' = '2'",
        r"holds event \S+ \(stream 'b' version 3\), which the store does not hold",
    ),
    "a row's stream changed": (
        "UPDATE outbox SET stream_id = 'elsewhere' WHERE stream_id = 'c'",
        r"offset \d+ is keyed b'elsewhere', not by its event's stream 'c'",
    ),
    "an envelope deleted": (
        "DELETE FROM outbox WHERE stream_id = 'c'",
        r"stream 'c' version 1 \(position \d+\) is not on the topic, and its outbox row does not wait",
    ),
}


@pytest.mark.parametrize("tampering", OUTBOX_TAMPERING)
async def test_an_outbox_row_changed_before_it_was_published_is_found_against_the_topic(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str, tampering: str
) -> None:
    await three_streams(pool)
    sql, found = OUTBOX_TAMPERING[tampering]
    await pool.execute(sql)  # no trigger to get round: the service's own role may do this
    await publish_all(pool, kafka_bootstrap, topic, schema)
    assert (await verified(pool)).events == 6  # the chained log itself is intact
    with pytest.raises(Tampered, match=found):
        await verified(pool, Topic(kafka_bootstrap, topic))


async def test_an_event_waiting_in_the_outbox_is_not_missing_from_the_topic(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    await three_streams(pool)
    await publish_all(pool, kafka_bootstrap, topic, schema)
    await PostgresEventStore(pool).append("c", 1, [draft()])  # no relay runs: it waits
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 1
    result = await verified(pool, Topic(kafka_bootstrap, topic))
    assert (result.events, result.published) == (7, 6)
    # Published rows pruned by housekeeping were published: not missing either.
    await pool.execute("DELETE FROM outbox WHERE published_at IS NOT NULL")
    assert (await verified(pool, Topic(kafka_bootstrap, topic))).published == 6


async def test_appends_racing_on_one_stream_conflict_and_the_winner_is_chained(pool: asyncpg.Pool) -> None:
    # Each writer's trigger looks up its predecessor: a loser whose first version collided with the
    # winner's, and whose next version then chains to the winner's event, must still get the version
    # conflict (409), never the trigger's error (500); what is stored verifies.
    store = PostgresEventStore(pool)
    await store.append("raced", 0, [draft()])
    for _ in range(5):
        version = len(await store.read_stream("raced"))
        results = await asyncio.gather(
            *(store.append("raced", version, [draft() for _ in range(n)]) for n in (1, 2, 3, 1, 2, 3)),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        assert len(wins) == 1, results
        assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, BaseException))
    verified_log = await verified(pool)
    assert verified_log.events == len(await store.read_stream("raced"))


async def three_checkpoints(pool: asyncpg.Pool) -> list[EventLogCheckpointed]:
    """The three streams, then a checkpoint after each of three appends to stream c."""
    await three_streams(pool)
    return await three_checkpoints_on(pool)


async def three_checkpoints_on(pool: asyncpg.Pool) -> list[EventLogCheckpointed]:
    """A checkpoint after each of three appends to stream c (of ``three_streams``)."""
    published = []
    for version in (1, 2, 3):
        await PostgresEventStore(pool).append("c", version, [draft(village_registered(10 + version))])
        checkpoint = await checkpoints(pool).publish()
        assert checkpoint is not None
        published.append(checkpoint)
    return published


async def verified_since(pool: asyncpg.Pool, since: int | datetime) -> Verified:
    async with pool.acquire() as conn:
        return await verify(conn, since=since)


async def tampered_since(pool: asyncpg.Pool, since: int | datetime) -> str:
    with pytest.raises(Tampered) as found:
        await verified_since(pool, since)
    return str(found.value)


async def test_since_a_checkpoint_verifies_from_its_cut_on(pool: asyncpg.Pool) -> None:
    first, second, third = await three_checkpoints(pool)
    whole = await verified(pool)
    assert whole == Verified(events=12, streams=4, checkpoints=3, last_cut=third.up_to_position)
    assert await verified_since(pool, 2) == Verified(
        events=12,
        streams=4,
        checkpoints=2,  # the anchor and the third
        last_cut=third.up_to_position,
        anchor=2,
        anchor_cut=second.up_to_position,
    )
    # By time: the last checkpoint recorded by then; before the first, the whole log.
    recorded = await pool.fetch(
        "SELECT recorded_at FROM events WHERE stream_id = $1 ORDER BY stream_version", CHECKPOINT_STREAM
    )
    at_third = await verified_since(pool, recorded[2]["recorded_at"])
    assert (at_third.anchor, at_third.anchor_cut, at_third.checkpoints) == (3, third.up_to_position, 1)
    between = recorded[0]["recorded_at"] + (recorded[1]["recorded_at"] - recorded[0]["recorded_at"]) / 2
    assert (await verified_since(pool, between)).anchor == 1
    assert await verified_since(pool, recorded[0]["recorded_at"] - timedelta(days=1)) == whole
    assert first.up_to_position < second.up_to_position


async def test_since_finds_an_edit_and_deletions_after_the_anchor(pool: asyncpg.Pool) -> None:
    await three_checkpoints(pool)  # c's versions 2, 3 and 4 each after a checkpoint's cut
    await behind_the_trigger(
        pool, "UPDATE events SET actor = 'someone else' WHERE stream_id = 'c' AND stream_version = 4"
    )
    assert "broken link: stream 'c' version 4" in await tampered_since(pool, 2)
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'c' AND stream_version = 4")
    # Its tail cut: the third checkpoint's counts (its cut is after version 4).
    assert "checkpoint mismatch: checkpoint 3" in await tampered_since(pool, 2)
    await behind_the_trigger(pool, "DELETE FROM events WHERE stream_id = 'c' AND stream_version = 3")
    # Version 2 is before checkpoint 2's cut: the anchor's own counts no longer hold.
    assert "checkpoint mismatch: checkpoint 2" in await tampered_since(pool, 2)


async def test_since_finds_a_stream_rewritten_before_the_anchor_through_its_root(pool: asyncpg.Pool) -> None:
    await three_checkpoints(pool)
    # Stream b (all before checkpoint 2's cut) edited and rehashed whole: its chain is consistent
    # again, but its head's hash is no longer the one checkpoint 2's root covers.
    await behind_the_trigger(
        pool,
        "UPDATE events SET actor = 'someone else' WHERE stream_id = 'b' AND stream_version = 1;"
        " UPDATE events AS e SET hash = event_hash(decode(repeat('00', 32), 'hex'), e)"
        " WHERE stream_id = 'b' AND stream_version = 1;"
        " UPDATE events AS e SET hash = event_hash("
        "  (SELECT hash FROM events WHERE stream_id = 'b' AND stream_version = 1), e)"
        " WHERE stream_id = 'b' AND stream_version = 2",
    )
    found = await tampered_since(pool, 2)
    assert found.startswith("checkpoint mismatch: checkpoint 2")
    assert "says 9 events in 4 streams" in found  # the counts hold, the root does not
    assert "the log holds 9 events in 4 streams" in found


async def test_since_does_not_rehash_the_events_before_the_anchor(pool: asyncpg.Pool) -> None:
    # What --since leaves to a full check: an event before the anchor's cut changed, its stored hash
    # left alone (the head hashes, hence the root, and the counts still hold).
    await three_checkpoints(pool)
    await behind_the_trigger(
        pool, "UPDATE events SET actor = 'someone else' WHERE stream_id = 'a' AND stream_version = 2"
    )
    assert (await verified_since(pool, 2)).events == 12
    assert "broken link: stream 'a' version 2" in await tampered(pool)


async def test_the_cli_verifies_since_a_checkpoint_and_refuses_one_it_does_not_hold(
    pool: asyncpg.Pool, database_url: str, schema: str
) -> None:
    _, second, _ = await three_checkpoints(pool)
    since = await verify_cli(database_url, schema, "--since", "2")
    assert since.returncode == 0, since.stderr
    assert (
        f"ok, 12 events in 4 streams chained after checkpoint 2's cut (position {second.up_to_position})"
        in since.stdout
    )
    assert "2 checkpoints match" in since.stdout
    missing = await verify_cli(database_url, schema, "--since", "9")
    assert missing.returncode == 2
    assert f"{schema}: not verified: no checkpoint 9 in the store (3 checkpoints)" in missing.stderr
    naive = await verify_cli(database_url, schema, "--since", "2026-11-01T00:00")
    assert naive.returncode == 2
    assert "has no time zone" in naive.stderr


async def test_since_with_the_topic_looks_for_unpublished_events_after_the_anchor_only(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    await three_streams(pool)
    await pool.execute("DELETE FROM outbox WHERE stream_id = 'b'")  # before checkpoint 2's cut
    await three_checkpoints_on(pool)
    await publish_all(pool, kafka_bootstrap, topic, schema)
    copy = Topic(kafka_bootstrap, topic)
    async with pool.acquire() as conn:
        since = await verify(conn, copy, since=2)
        assert (since.anchor, since.checkpoints, since.published) == (2, 2, 10)
        with pytest.raises(Tampered, match=r"stream 'b' version 1 \(position \d+\) is not on the topic"):
            await verify(conn, copy)
