"""Exactly once in effect without a row per event (services/projections/read_positions.py,
relay_copies.py): a redelivered batch and the relay's duplicates change nothing, and neither do a
worker killed mid-batch nor a rebalance between two workers of one group."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from govgrid.envelope import EventEnvelope
from govgrid.testing.fixtures import wait_until
from services.projections.api.live import latest_change
from services.projections.dispatch import apply_batch
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.positions import Positioned
from services.projections.read_positions import KnownPositions
from services.projections.readmodels.activity import ACTIVITY
from services.projections.readmodels.coverage import COVERAGE
from services.projections.relay_copies import RelayCopies
from services.projections.relay_copies import read_back_from
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import projection_worker
from services.projections.tests.integration.test_coverage import DEPUTY
from services.projections.tests.integration.test_coverage import appointment
from services.projections.tests.integration.test_coverage import grid


def appointments(prefix: str, n: int) -> list[EventEnvelope]:
    """n appointments of three events each (nominated, approved, certified), in stream order."""
    return [
        event
        for i in range(n)
        for event in appointment(
            f"{prefix}{i}", DEPUTY, "V1", "S01", "T01", approved=date(2023, 3, 1), certified=date(2023, 3, 2)
        )
    ]


async def test_a_redelivered_batch_and_the_relays_duplicates_change_nothing(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    coverage = await generations.active_pool(COVERAGE)
    worker = RelayCopies(read_back_from(kafka_log.bootstrap_servers))  # reads the log as it comes

    async def applied(batch: list[Positioned], copies: RelayCopies) -> int:
        found = await copies.among(batch, [at for _e, at in batch])
        return await apply_batch(coverage, COVERAGE, batch, copies=found)

    events = [*grid(), *appointments("x", 20)]
    first = await kafka_log.put(events)
    assert await applied(first, worker) == len(events)
    assert await apply_batch(coverage, COVERAGE, first) == 0  # redelivered: at or below the positions
    # The relay crashed after Kafka acknowledged the last 30 and republished them: new offsets.
    again = await kafka_log.put(events[-30:])
    assert {at for _e, at in again}.isdisjoint({at for _e, at in first})
    # A worker that read the first ones knows them; one that just started reads them back from Kafka.
    started = RelayCopies(read_back_from(kafka_log.bootstrap_servers))
    assert await started.among(again, [at for _e, at in again]) == {at for _e, at in again}
    assert await applied(again, worker) == 0
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments") == 20
    assert await coverage.fetchval("SELECT count(*) FROM parked_events") == 0
    # One row per partition, however many events, holding where the model got to: past the copies.
    rows = await coverage.fetch("SELECT kafka_partition, next_offset FROM read_positions")
    assert len(rows) == len({at.partition for _e, at in first})
    assert {r["kafka_partition"]: r["next_offset"] for r in rows} == {
        p: 1 + max(at.offset for _e, at in [*first, *again] if at.partition == p)
        for p in {r["kafka_partition"] for r in rows}
    }
    tables = await coverage.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    assert "applied_events" not in {r["table_name"] for r in tables}


async def test_a_worker_killed_mid_batch_and_a_rebalance_apply_each_event_once(
    generations: Generations, kafka_log: KafkaLog, database_url: str, schema: str, tmp_path: Path
) -> None:
    app_id = f"projections-{uuid.uuid4().hex[:8]}"
    bootstrap, topic = kafka_log.bootstrap_servers, kafka_log.topic
    activity = await generations.active_pool(ACTIVITY)
    rounds = [appointments(prefix, 150) for prefix in ("a", "b", "c")]
    await kafka_log.put(grid())

    async def activity_rows() -> int:
        return int(await activity.fetchval("SELECT count(*) FROM rm_activity"))

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path / "a") as first:
        await kafka_log.put(rounds[0])

        async def first_round_applied() -> bool:
            return await activity_rows() == len(rounds[0])

        await wait_until(
            first_round_applied, timeout=120, interval=0.5, what="the first worker to apply round 1"
        )
        # A second worker joins the group: the partitions are shared out again while events flow.
        with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path / "b") as second:
            await kafka_log.put(rounds[1])

            async def some_of_round_two() -> bool:
                return await activity_rows() > len(rounds[0])

            await wait_until(some_of_round_two, timeout=120, interval=0.2, what="round 2 to start applying")
            first.kill()  # SIGKILL, mid-batch or not: its uncommitted offsets are delivered again
            first.wait(timeout=30)
            await kafka_log.put(rounds[2])
            expected = sum(len(r) for r in rounds)

            async def every_round_applied() -> bool:
                assert second.poll() is None, (tmp_path / "b" / "worker.log").read_text()[-3000:]
                return await activity_rows() >= expected

            await wait_until(
                every_round_applied, timeout=180, interval=0.5, what="the second worker to catch up"
            )
    assert await activity_rows() == expected
    coverage = await generations.active_pool(COVERAGE)
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments") == 450
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments WHERE certified_on IS NULL") == 0
    for pool in (activity, coverage):
        parked = await pool.fetch("SELECT event_type, reason FROM parked_events")
        assert [dict(r) for r in parked] == []


async def test_a_worker_assuming_where_it_left_the_positions_yields_to_another_writer(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    """The worker applies a batch on the positions it remembers (KnownPositions) without locking them.
    If another writer moved them meanwhile (a rebalance gave the partition away and back), what it did
    is rolled back and the batch applied again, locking them: nothing twice, and a stream that came to
    wait behind a parked event meanwhile still waits."""
    coverage = await generations.active_pool(COVERAGE)
    worker = KnownPositions()
    first = await kafka_log.put([*grid(), *appointments("k", 20)])
    assert await apply_batch(coverage, COVERAGE, first, known=worker) == len(first)
    assert {at.partition for _e, at in first} == {0, 1, 2}
    assert worker.assume(first) is not None  # it knows every partition now

    # Another writer applies the next events; then they reach the worker too.
    second = await kafka_log.put(appointments("m", 5))
    assert await apply_batch(coverage, COVERAGE, second) == len(second)
    assert worker.assume(second) is not None  # what it remembers is out of date
    assert await apply_batch(coverage, COVERAGE, second, known=worker) == 0
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments") == 25

    # The other writer parks an event (its appointment was never nominated here); the later event of
    # that stream reaches the worker, which remembered no parked event.
    _nominated, approved, certified = appointment(
        "orphan", DEPUTY, "V1", "S01", "T01", approved=date(2023, 3, 1), certified=date(2023, 3, 2)
    )
    at_approved, at_certified = await kafka_log.put([approved, certified])
    assert await apply_batch(coverage, COVERAGE, [at_approved]) == 0
    assert worker.assume([at_certified]) is not None
    assert await apply_batch(coverage, COVERAGE, [at_certified], known=worker) == 0
    parked = await coverage.fetch("SELECT event_id, reason FROM parked_events ORDER BY stream_version")
    assert [r["event_id"] for r in parked] == [approved.event_id, certified.event_id]
    assert parked[1]["reason"] == f"waiting behind parked event {approved.event_id} of the same stream"

    # Known again, its next batch applies on the remembered positions, once.
    third = await kafka_log.put(appointments("n", 3))
    assert worker.assume(third) is not None
    assert await apply_batch(coverage, COVERAGE, third, known=worker) == len(third)
    assert await apply_batch(coverage, COVERAGE, third, known=worker) == 0
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments") == 28


async def test_every_batch_moves_the_latest_change_that_live_reports(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    """/live tells the dashboard a read model changed by the latest ``updated_at`` of its positions:
    a batch moves it whether or not a position moved (events applied without a Kafka position, as
    seeding does, move none)."""
    events = appointments("live", 2)
    first = await kafka_log.put([*grid(), *events[:3]])
    assert await apply_batch(await generations.active_pool(COVERAGE), COVERAGE, first) == len(first)
    stamps = [await latest_change(generations)]
    for envelope in events[3:]:  # each applied on its own, none with a position
        await project(generations, (COVERAGE,), envelope)
        stamps.append(await latest_change(generations))
    moments = [stamp for stamp in stamps if stamp is not None]
    assert len(moments) == 4 and moments == sorted(set(moments)), stamps
