"""Parked events keep their Kafka position, never the event: a tip's description or informant
reference stays where its write service can shred it. Retry reads a parked event again from Kafka;
one Kafka no longer holds stays parked, retry says so, and an operator may discard it. A generation
whose parked_events still holds envelopes loses them when the read side opens it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin import RecordsToDelete
from pydantic import ValidationError

from govgrid.catalogue import catalogue
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadPriority
from govgrid.envelope import EventEnvelope
from govgrid.testing.fixtures import wait_until
from services.projections.dispatch import Retried
from services.projections.dispatch import retry_parked
from services.projections.generations import GENERATION_MIGRATIONS
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition
from services.projections.positions import KafkaRecords
from services.projections.positions import NotInKafka
from services.projections.readmodels.base import Changes
from services.projections.readmodels.coverage import COVERAGE
from services.projections.readmodels.leads import LEADS
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import every_row
from services.projections.tests.integration.conftest import projection_worker
from services.projections.tests.integration.test_coverage import DEPUTY
from services.projections.tests.integration.test_coverage import appointment
from services.projections.tests.integration.test_coverage import cli
from services.projections.tests.integration.test_coverage import grid
from services.projections.tests.integration.test_leads_read import CONTACT
from services.projections.tests.integration.test_leads_read import INFORMANT_REF
from services.projections.tests.integration.test_leads_read import Lead
from services.projections.tests.integration.test_patrols_read import cst

PARKED_COLUMNS = {
    "read_model",
    "event_id",
    "event_type",
    "stream_id",
    "stream_version",
    "kafka_topic",
    "kafka_partition",
    "kafka_offset",
    "reason",
    "attempts",
    "parked_at",
    "last_attempt_at",
}
SECRETS = (CONTACT, "13912345678", "wx_wangwu", "王五", INFORMANT_REF, "村口有可疑人员")


def lead_with_an_informant(lead_id: str) -> Lead:
    received_at = cst("2023-11-02T10:00+08:00")
    lead = Lead(lead_id, "V1", LeadChannel.HOTLINE, LeadCategory.DRUGS, received_at, INFORMANT_REF)
    return lead.triage(received_at + timedelta(hours=1), LeadPriority.HIGH, received_at + timedelta(days=3))


async def columns_of_parked_events(pool: asyncpg.Pool) -> set[str]:
    rows = await pool.fetch(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = 'parked_events'"
    )
    return {r["column_name"] for r in rows}


async def test_a_parked_tip_keeps_no_payload_and_retry_reads_it_again_from_kafka(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    def broken(c: Changes, e: EventEnvelope, event: Any) -> None:
        raise ValueError("a bug in the leads read model")

    # The worker of the day has a bug on LeadReceived: the receipt parks, its triage waits behind it.
    buggy = dataclasses.replace(LEADS, appliers={**LEADS.appliers, "LeadReceived": broken})
    lead = lead_with_an_informant("L9")
    await kafka_log.feed(generations, lead.events, (buggy,))
    pool = await generations.active_pool(LEADS)
    parked = await pool.fetch("SELECT * FROM parked_events ORDER BY stream_version")
    assert [(r["event_type"], r["reason"]) for r in parked] == [
        ("LeadReceived", "ValueError: a bug in the leads read model"),
        ("LeadTriaged", f"waiting behind parked event {lead.events[0].event_id} of the same stream"),
    ]
    assert parked[0]["kafka_topic"] == kafka_log.topic and parked[0]["kafka_offset"] >= 0
    # Only where to find it and why it waits: the description and the informant stay in Kafka.
    assert await columns_of_parked_events(pool) == PARKED_COLUMNS
    dumped = await every_row(pool)
    assert [secret for secret in SECRETS if secret in dumped] == []

    # The fix is deployed: retry reads both again from Kafka and applies them in order.
    retried = await retry_parked(pool, LEADS, kafka_log.bootstrap_servers)
    assert retried == Retried(applied=2, still_parked=0)
    row = await pool.fetchrow("SELECT station_code, triaged_at FROM rm_leads WHERE lead_id = 'L9'")
    assert row is not None and (row["station_code"], row["triaged_at"]) == (
        "S01",
        cst("2023-11-02T11:00+08:00"),
    )
    dumped = await every_row(pool)
    assert [secret for secret in SECRETS if secret in dumped] == []


async def test_a_payload_that_fails_validation_is_parked_without_being_quoted(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    # A bug upstream put the informant's contact where the opaque reference goes.
    received = lead_with_an_informant("L8").events[0]
    bad = received.model_copy(update={"payload": {**received.payload, "informant_ref": CONTACT}})
    with pytest.raises(ValidationError) as caught:
        catalogue.decode(bad)
    assert CONTACT in str(caught.value)  # pydantic's text quotes the input it rejects

    await kafka_log.feed(generations, [bad], (LEADS,))
    pool = await generations.active_pool(LEADS)
    reason = await pool.fetchval("SELECT reason FROM parked_events WHERE event_id = $1", bad.event_id)
    assert reason == "ValidationError: LeadReceived: informant_ref: String should have at least 32 characters"
    dumped = await every_row(pool)
    assert [secret for secret in SECRETS if secret in dumped] == []


async def delete_up_to(bootstrap_servers: str, at: KafkaPosition) -> None:
    """What retention does: the partition now starts after ``at``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        partition = TopicPartition(at.topic, at.partition)
        await admin.delete_records({partition: RecordsToDelete(at.offset + 1)})
    finally:
        await admin.close()


async def test_an_event_gone_from_kafka_stays_parked_until_an_operator_discards_it(
    generations: Generations, kafka_log: KafkaLog, database_url: str, schema: str
) -> None:
    nomination, approval, end = appointment(
        "a9", DEPUTY, "V2", "S01", "T01", date(2023, 5, 1), ended=date(2023, 8, 1)
    )
    await kafka_log.feed(generations, [*grid(), approval, end])  # the nomination got lost upstream
    coverage = await generations.active_pool(COVERAGE)
    row = await coverage.fetchrow(
        "SELECT kafka_topic, kafka_partition, kafka_offset FROM parked_events WHERE event_id = $1",
        approval.event_id,
    )
    assert row is not None
    await delete_up_to(kafka_log.bootstrap_servers, KafkaPosition(*row.values()))
    await kafka_log.feed(generations, [nomination])  # too late: the approval is gone

    retried = await retry_parked(coverage, COVERAGE, kafka_log.bootstrap_servers)
    gone = (
        f"event {approval.event_id} is no longer in Kafka: {kafka_log.topic} partition"
        f" {row['kafka_partition']} now starts at offset {row['kafka_offset'] + 1}, after its offset"
        f" {row['kafka_offset']} (deleted by retention?)"
    )
    assert retried == Retried(applied=0, still_parked=2, not_in_kafka=[gone])
    # Both stay parked, the end still behind the approval: applied without it, the read model
    # would be wrong without anyone knowing.
    parked = await coverage.fetch("SELECT reason, attempts FROM parked_events ORDER BY stream_version")
    assert [(r["reason"], r["attempts"]) for r in parked] == [
        (gone, 2),
        (f"waiting behind parked event {approval.event_id} of the same stream", 2),
    ]

    kafka = kafka_log.bootstrap_servers
    again = cli(database_url, schema, kafka, "retry", "coverage")
    assert (again.returncode, again.stdout) == (1, "coverage: 0 applied, 2 still parked\n")
    assert f"coverage: {gone}; it stays parked (see `discard`)" in again.stderr
    listed = [json.loads(line) for line in cli(database_url, schema, kafka, "parked").stdout.splitlines()]
    assert (listed[0]["event_id"], listed[0]["reason"], listed[0]["attempts"]) == (
        str(approval.event_id),
        gone,
        3,
    )

    discarded = cli(database_url, schema, kafka, "discard", "coverage", str(approval.event_id))
    assert (discarded.returncode, discarded.stdout) == (
        0,
        f"coverage: discarded AppointmentApproved {approval.event_id} (appointment-a9 version 2);"
        " `retry coverage` applies what waited behind it\n",
    )
    unknown = cli(database_url, schema, kafka, "discard", "coverage", str(approval.event_id))
    assert (unknown.returncode, unknown.stderr.strip()) == (
        1,
        f"coverage: no parked event {approval.event_id}",
    )
    after = cli(database_url, schema, kafka, "retry", "coverage")
    assert (after.returncode, after.stdout) == (0, "coverage: 1 applied, 0 still parked\n")


async def test_reading_again_checks_the_event_and_its_partition(kafka_log: KafkaLog) -> None:
    (first, at_first), (second, _) = await kafka_log.put(lead_with_an_informant("L7").events)
    async with KafkaRecords(kafka_log.bootstrap_servers) as kafka:
        assert await kafka.read(at_first, first.event_id) == first
        with pytest.raises(NotInKafka, match=f"event {second.event_id} is not in Kafka at .*: event"):
            await kafka.read(at_first, second.event_id)  # another event there: a recreated topic
        beyond = dataclasses.replace(at_first, offset=at_first.offset + 1000)
        with pytest.raises(NotInKafka, match=f"ends before offset {beyond.offset}"):
            await kafka.read(beyond, first.event_id)
        with pytest.raises(NotInKafka, match=f"there is no {kafka_log.topic} partition 7"):
            await kafka.read(dataclasses.replace(at_first, partition=7), first.event_id)


@pytest.mark.parametrize("status", ["active", "retired"])
async def test_a_generation_parked_in_before_positions_were_kept_loses_the_payloads_when_opened(
    generations: Generations, kafka_bootstrap: str, status: str
) -> None:
    # The leads generation as a release before this one left it: 0001 only, a whole envelope parked.
    received = lead_with_an_informant("L6").events[0]
    old = await generations.active(LEADS)
    pool = await generations.pool(old)
    await pool.execute("DROP TABLE parked_events")
    await pool.execute(
        "DELETE FROM schema_migrations WHERE name = $1",
        f"{GENERATION_MIGRATIONS.parent.name}/0002_parked_events_keep_kafka_positions.sql",
    )
    await pool.execute((GENERATION_MIGRATIONS / "0001_parked_events.sql").read_text())
    await pool.execute(
        "INSERT INTO parked_events (read_model, event_id, stream_id, stream_version, envelope, reason,"
        " parked_at) VALUES ('leads', $1, $2, 1, $3, 'ValueError: a bug', '2023-11-02T12:00+08:00')",
        received.event_id,
        received.stream_id,
        received.model_dump_json(),
    )
    assert CONTACT in await every_row(pool)
    if status == "retired":  # rebuilt since: the old generation is no longer served
        await generations.activate(await generations.create(LEADS))

    upgraded = await Generations.open(generations.settings)  # as any process of the new release does
    try:
        pool = await upgraded.pool(old)
        assert await columns_of_parked_events(pool) == PARKED_COLUMNS
        dumped = await every_row(pool)
        assert [secret for secret in SECRETS if secret in dumped] == []
        row = await pool.fetchrow("SELECT * FROM parked_events")
        assert row is not None
        assert (row["event_id"], row["event_type"], row["kafka_topic"], row["attempts"]) == (
            received.event_id,
            "LeadReceived",
            None,
            1,
        )
        assert row["last_attempt_at"] == row["parked_at"]
        # It cannot be read again: retry says so, and it stays parked until discarded.
        retried = await retry_parked(pool, LEADS, kafka_bootstrap)
        assert retried == Retried(
            applied=0,
            still_parked=1,
            not_in_kafka=[
                f"event {received.event_id} has no Kafka position to be read again from"
                " (parked before positions were kept, or not read from Kafka)"
            ],
        )
    finally:
        await upgraded.close()


@pytest.fixture
def worker(
    generations: Generations, kafka_log: KafkaLog, database_url: str, schema: str, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The projection worker reading the appointments from the test's topic (the others: empty)."""
    app_id = f"projections-{uuid.uuid4().hex[:8]}"
    bootstrap, topic = kafka_log.bootstrap_servers, kafka_log.topic
    with projection_worker(database_url, schema, bootstrap, topic, app_id, tmp_path) as process:
        yield process


async def test_the_worker_parks_an_event_with_where_it_read_it(
    generations: Generations, kafka_log: KafkaLog, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    nomination, approval, end = appointment(
        "a9", DEPUTY, "V2", "S01", "T01", date(2023, 5, 1), ended=date(2023, 8, 1)
    )
    put = await kafka_log.put([*grid(), approval, end])  # the nomination got lost upstream
    coverage = await generations.active_pool(COVERAGE)

    async def count(query: str, *args: object) -> int:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        return int(await coverage.fetchval(query, *args))

    async def both_parked() -> bool:
        return await count("SELECT count(*) FROM parked_events") == 2

    await wait_until(both_parked, timeout=90, interval=0.3, what="the worker to park two events")
    parked = await coverage.fetch(
        "SELECT event_id, kafka_topic, kafka_partition, kafka_offset FROM parked_events"
        " ORDER BY stream_version"
    )
    assert [(r["event_id"], KafkaPosition(*list(r.values())[1:])) for r in parked] == [
        (envelope.event_id, at) for envelope, at in put[-2:]
    ]

    await kafka_log.put([nomination])  # it turns up: the worker applies it, retry does the rest

    async def nomination_applied() -> bool:
        query = "SELECT count(*) FROM rm_appointments WHERE appointment_id = 'a9'"
        return await count(query) == 1

    await wait_until(nomination_applied, timeout=60, interval=0.3, what="the worker to apply the nomination")
    retried = await retry_parked(coverage, COVERAGE, kafka_log.bootstrap_servers)
    assert retried == Retried(applied=2, still_parked=0)
