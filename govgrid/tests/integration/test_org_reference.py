"""The organisation reference tables: applying the registry's events, the queries on them, and the
feed that fills them from a real Kafka topic into another service's schema."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC
from datetime import date
from datetime import datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.projection import MIGRATIONS as PROJECTION_MIGRATIONS
from govgrid.projection import ApplyOnce
from govgrid.reference import MIGRATIONS
from govgrid.reference import ORG_TABLES
from govgrid.reference import PEOPLE_TABLE
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from govgrid.reference import ReferenceFeed
from govgrid.reference import ReferenceTable
from govgrid.reference import apply_org_event
from govgrid.reference import apply_org_events
from govgrid.reference.org import PROJECTION as ORG_PROJECTION
from govgrid.reference.people import PROJECTION as PEOPLE_PROJECTION
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.testing.relay import PARTITIONS
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.servers import LocalInstance

CITY, TOWNSHIP, STATION, OTHER_STATION = "C", "T01", "S01", "S02"
CHANGE_DAY = date(2024, 7, 1)  # V1 moves from S01 to S02


def registered(code: str, kind: OrgUnitKind, parent_code: str | None) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(
        code=code, kind=kind, name_zh=f"{code}名", name_en=f"{code} name", parent_code=parent_code
    )


def sealed(payload: DomainEvent, stream_id: str, version: int = 1) -> EventEnvelope:
    return draft(payload).seal(stream_id, version, datetime.now(UTC))


# Children before parents on purpose: streams are not ordered with each other on Kafka.
TREE = [
    registered("G1", OrgUnitKind.GRID, "V1"),
    registered("V1", OrgUnitKind.VILLAGE, TOWNSHIP),
    registered("V2", OrgUnitKind.VILLAGE, TOWNSHIP),
    registered(TOWNSHIP, OrgUnitKind.TOWNSHIP, CITY),
    registered(STATION, OrgUnitKind.POLICE_STATION, CITY),
    registered(OTHER_STATION, OrgUnitKind.POLICE_STATION, CITY),
    registered(CITY, OrgUnitKind.CITY, None),
]
COVERAGE: dict[str, list[DomainEvent]] = {
    "V1": [
        VillageCoverageAssigned(station_code=STATION, village_code="V1", effective_from=date(2024, 1, 1)),
        VillageCoverageEnded(station_code=STATION, village_code="V1", effective_until=date(2024, 6, 30)),
        VillageCoverageAssigned(station_code=OTHER_STATION, village_code="V1", effective_from=CHANGE_DAY),
    ],
    "V2": [VillageCoverageAssigned(station_code=STATION, village_code="V2", effective_from=date(2024, 3, 1))],
}


@pytest.fixture
async def org_pool(pool: asyncpg.Pool) -> asyncpg.Pool:
    await apply_migrations(pool, MIGRATIONS)
    return pool


async def apply_tree(apply_once: ApplyOnce) -> list[EventEnvelope]:
    """TREE, each unit on its own stream, then each village's coverage after its registration."""
    applied = [sealed(event, f"org-{event.code}") for event in TREE]
    for village, events in COVERAGE.items():
        applied += [sealed(e, f"org-{village}", version) for version, e in enumerate(events, start=2)]
    for envelope in applied:
        await apply_once.apply(envelope, apply_org_event)
    return applied


async def test_a_batch_in_few_statements_ends_as_one_by_one(org_pool: asyncpg.Pool) -> None:
    # Runs of registrations go in one statement each; a rename between two runs must still follow
    # its unit's registration, and coverage its village's.
    rename = OrganisationUnitRenamed(code="V1", name_zh="新名", name_en="Renamed")
    batch = [sealed(event, f"org-{event.code}") for event in TREE[:3]]
    batch += [sealed(rename, "org-V1", 2)]
    batch += [sealed(event, f"org-{event.code}") for event in TREE[3:]]
    batch += [sealed(e, "org-V1", version) for version, e in enumerate(COVERAGE["V1"], start=3)]
    table = "SELECT code, kind, name_zh, name_en, parent_code FROM ref_org_units ORDER BY code"
    coverage = "SELECT * FROM ref_village_coverage ORDER BY village_code, effective_from"
    async with org_pool.acquire() as conn, conn.transaction():
        for envelope in batch:
            await apply_org_event(conn, envelope)
        one_by_one = (await conn.fetch(table), await conn.fetch(coverage))
        await conn.execute("TRUNCATE ref_org_units, ref_village_coverage")
        await apply_org_events(conn, batch)
        assert (await conn.fetch(table), await conn.fetch(coverage)) == one_by_one
    assert len(one_by_one[0]) == len(TREE)
    assert [tuple(r)[2:4] for r in one_by_one[0] if r["code"] == "V1"] == [("新名", "Renamed")]
    assert len(one_by_one[1]) == 2


async def test_require_checks_that_the_unit_exists_and_is_of_an_expected_kind(org_pool: asyncpg.Pool) -> None:
    await apply_tree(ApplyOnce(org_pool, "org_reference"))
    orgs = OrgReference(org_pool)

    village = await orgs.require("V1", OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)
    assert (village.code, village.kind, village.parent_code) == ("V1", OrgUnitKind.VILLAGE, TOWNSHIP)
    assert (village.name_zh, village.name_en) == ("V1名", "V1 name")
    assert (await orgs.require(STATION)).kind is OrgUnitKind.POLICE_STATION  # no kinds: any kind
    with pytest.raises(RuleBroken) as unknown:
        await orgs.require("V9", OrgUnitKind.VILLAGE)
    assert unknown.value.code == "unknown_org_unit"
    with pytest.raises(RuleBroken) as wrong:
        await orgs.require(STATION, OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)
    assert wrong.value.code == "wrong_org_unit_kind"
    assert await orgs.unit("V9") is None


async def test_ancestors_walk_up_to_the_city_once_the_parents_arrive(org_pool: asyncpg.Pool) -> None:
    apply_once = ApplyOnce(org_pool, "org_reference")
    orgs = OrgReference(org_pool)
    await apply_once.apply(sealed(TREE[0], "org-G1"), apply_org_event)
    assert await orgs.ancestors("G1") == []  # its village is not known yet: no error either

    await apply_tree(apply_once)
    assert [u.code for u in await orgs.ancestors("G1")] == ["V1", TOWNSHIP, CITY]
    assert [u.code for u in await orgs.ancestors(STATION)] == [CITY]
    assert await orgs.ancestors(CITY) == []
    assert await orgs.ancestors("V9") == []


async def test_coverage_follows_a_change_of_station_day_by_day(org_pool: asyncpg.Pool) -> None:
    await apply_tree(ApplyOnce(org_pool, "org_reference"))
    orgs = OrgReference(org_pool)

    assert await orgs.station_covering("V1", date(2023, 12, 31)) is None
    assert await orgs.station_covering("V1", date(2024, 1, 1)) == STATION
    assert await orgs.station_covering("V1", date(2024, 6, 30)) == STATION  # the last day is covered
    assert await orgs.station_covering("V1", CHANGE_DAY) == OTHER_STATION
    assert await orgs.station_covering("V1", date(2030, 1, 1)) == OTHER_STATION
    assert await orgs.station_covering("V2", date(2024, 2, 29)) is None

    assert await orgs.villages_covered_by(STATION, date(2024, 2, 1)) == ["V1"]
    assert await orgs.villages_covered_by(STATION, date(2024, 6, 30)) == ["V1", "V2"]
    assert await orgs.villages_covered_by(STATION, CHANGE_DAY) == ["V2"]
    assert await orgs.villages_covered_by(OTHER_STATION, date(2024, 6, 30)) == []
    assert await orgs.villages_covered_by(OTHER_STATION, CHANGE_DAY) == ["V1"]


async def test_jurisdiction_of_each_kind_of_unit(org_pool: asyncpg.Pool) -> None:
    await apply_tree(ApplyOnce(org_pool, "org_reference"))
    orgs = OrgReference(org_pool)
    before, after = date(2024, 5, 1), CHANGE_DAY

    assert await orgs.jurisdiction_of("V1", before) == Jurisdiction(
        township=TOWNSHIP, station=STATION, village="V1"
    )
    assert await orgs.jurisdiction_of("V1", after) == Jurisdiction(
        township=TOWNSHIP, station=OTHER_STATION, village="V1"
    )
    assert await orgs.jurisdiction_of("G1", before) == Jurisdiction(
        township=TOWNSHIP, station=STATION, village="V1"
    )
    assert await orgs.jurisdiction_of("V1", date(2023, 1, 1)) == Jurisdiction(township=TOWNSHIP, village="V1")
    assert await orgs.jurisdiction_of(STATION, after) == Jurisdiction(station=STATION)
    assert await orgs.jurisdiction_of(TOWNSHIP, after) == Jurisdiction(township=TOWNSHIP)
    assert await orgs.jurisdiction_of(CITY, after) == Jurisdiction()
    with pytest.raises(RuleBroken) as unknown:
        await orgs.jurisdiction_of("V9", after)
    assert unknown.value.code == "unknown_org_unit"


async def test_a_new_record_is_placed_at_a_unit_of_the_kinds_asked(org_pool: asyncpg.Pool) -> None:
    await apply_tree(ApplyOnce(org_pool, "org_reference"))
    orgs = OrgReference(org_pool)
    day = date(2024, 5, 1)

    at_village = Jurisdiction(township=TOWNSHIP, station=STATION, village="V1")
    assert await orgs.jurisdiction_at("V1", OrgUnitKind.VILLAGE, on=day) == at_village
    assert await orgs.placement("G1", OrgUnitKind.GRID, on=day)() == at_village
    assert await orgs.station_placement(STATION)() == Jurisdiction(station=STATION)
    for where, code in [
        (orgs.placement(STATION, OrgUnitKind.VILLAGE, on=day), "wrong_org_unit_kind"),
        (orgs.placement("V9", OrgUnitKind.VILLAGE, on=day), "unknown_org_unit"),
        (orgs.station_placement("V1"), "wrong_org_unit_kind"),
        (orgs.station_placement("S9"), "unknown_org_unit"),
    ]:
        with pytest.raises(RuleBroken) as refused:
            await where()
        assert refused.value.code == code


async def test_other_events_are_ignored_and_a_replay_changes_nothing(org_pool: asyncpg.Pool) -> None:
    apply_once = ApplyOnce(org_pool, "org_reference")
    tree = await apply_tree(apply_once)
    orgs = OrgReference(org_pool)
    first = sealed(OrganisationUnitRenamed(code="V1", name_zh="新名", name_en="First"), "org-V1", 5)
    second = sealed(OrganisationUnitRenamed(code="V1", name_zh="新名", name_en="Second"), "org-V1", 6)
    assert await apply_once.apply(first, apply_org_event)
    assert await apply_once.apply(second, apply_org_event)
    before = await snapshot(org_pool)

    # Appointments and people events share the topic; this kernel may not even know their types.
    other = first.model_copy(
        update={"event_id": uuid.uuid4(), "event_type": "OfficerAppointed", "payload": {}}
    )
    assert await apply_once.apply(other, apply_org_event)
    assert not await apply_once.apply(first, apply_org_event)  # would undo the second rename
    for envelope in tree:
        assert not await apply_once.apply(envelope, apply_org_event)
    assert await snapshot(org_pool) == before
    assert (await orgs.require("V1")).name_en == "Second"


async def snapshot(pool: asyncpg.Pool) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    units = await pool.fetch("SELECT * FROM ref_org_units ORDER BY code")
    coverage = await pool.fetch("SELECT * FROM ref_village_coverage ORDER BY village_code, effective_from")
    return units, coverage


@pytest.fixture
async def service_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """Another service's database (a schema of its own) holding the reference tables."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    other = await create_pool(database_url, schema=name)
    try:
        await apply_migrations(other, PROJECTION_MIGRATIONS, MIGRATIONS)
        yield other
    finally:
        await other.close()
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await conn.close()


@contextlib.asynccontextmanager
async def feeding(feed: ReferenceFeed) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    task = asyncio.create_task(feed.run(stopping))
    try:
        yield
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=10)  # a prompt stop; re-raises if the feed crashed


async def append_unit(store: PostgresEventStore, event: OrganisationUnitRegistered) -> EventEnvelope:
    (envelope,) = await store.append(f"org-{event.code}", 0, [draft(event)])
    return envelope


async def knows(orgs: OrgReference, code: str) -> bool:
    return await orgs.unit(code) is not None


async def offsets(bootstrap: str, topic: str, group_id: str) -> tuple[dict[int, int], dict[int, int]]:
    """(committed offset, end offset) of each partition of ``topic``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group_id)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(PARTITIONS)])
    finally:
        await consumer.stop()
    return (
        {tp.partition: meta.offset for tp, meta in committed.items()},
        {tp.partition: offset for tp, offset in ends.items() if offset},
    )


async def test_the_feed_fills_another_services_tables_from_kafka_and_resumes_where_it_stopped(
    pool: asyncpg.Pool,
    service_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic: str,
    schema: str,
    service_name: str,
) -> None:
    store = PostgresEventStore(pool)  # the appointments service's event store
    for event in reversed(TREE):
        await append_unit(store, event)
    await ensure_topics(kafka_bootstrap, {topic: PARTITIONS})
    producer = idempotent_producer(kafka_bootstrap, "stray-writer")
    await producer.start()
    await producer.send_and_wait(topic, b"not an envelope", key=b"stray")
    await producer.stop()

    orgs = OrgReference(service_pool)
    consumer_name = f"{service_name}-reader"
    feed = ReferenceFeed(service_pool, kafka_bootstrap, consumer_name, [ORG_TABLES], topic=topic)
    async with running(make_relay(pool, kafka_bootstrap, topic, schema)):
        async with feeding(feed):
            await wait_until(lambda: knows(orgs, "G1"), what="the feed to apply the tree")
            new_village = await append_unit(store, registered("V3", OrgUnitKind.VILLAGE, TOWNSHIP))
            cover = VillageCoverageAssigned(
                station_code=STATION, village_code="V3", effective_from=CHANGE_DAY
            )
            await store.append(new_village.stream_id, 1, [draft(cover)])
            await wait_until(lambda: knows(orgs, "V3"), what="the feed to learn a village added later")
            await wait_until(
                lambda: covered_by_station(orgs, "V3"), what="the feed to learn the village's coverage"
            )
            await wait_until(lambda: drained(pool), what="outbox drained")

        committed, ends = await offsets(kafka_bootstrap, topic, f"{consumer_name}-reference")
        assert committed == ends  # the stray record included: skipped, not retried
        assert await service_pool.fetchval("SELECT count(*) FROM applied_events") == len(TREE) + 2
        assert await orgs.jurisdiction_of("V3", CHANGE_DAY) == Jurisdiction(
            township=TOWNSHIP, station=STATION, village="V3"
        )

        # Forget what was applied: anything a restarted feed re-read would show up here again.
        await service_pool.execute("DELETE FROM applied_events")
        rename = OrganisationUnitRenamed(code="V3", name_zh="新村", name_en="New village")
        (renamed,) = await store.append(new_village.stream_id, 2, [draft(rename)])
        restarted = ReferenceFeed(service_pool, kafka_bootstrap, consumer_name, [ORG_TABLES], topic=topic)
        async with feeding(restarted):
            await wait_until(lambda: named(orgs, "V3", "New village"), what="the restarted feed to apply")
    applied = await service_pool.fetch("SELECT event_id FROM applied_events")
    assert [r["event_id"] for r in applied] == [renamed.event_id]


async def test_one_consumer_feeds_units_and_people_and_recognises_what_the_two_old_feeds_applied(
    pool: asyncpg.Pool,
    service_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic: str,
    schema: str,
    service_name: str,
) -> None:
    store = PostgresEventStore(pool)  # the appointments service's event store
    units = [await append_unit(store, event) for event in reversed(TREE)]
    officer = PoliceOfficerRegistered(
        person_id="P1", badge_number="B1", station_code=STATION, display_name="Officer One"
    )
    (registration,) = await store.append("person-P1", 0, [draft(officer)])
    transfer = PoliceOfficerTransferred(
        person_id="P1", from_station_code=STATION, to_station_code=OTHER_STATION, effective_on=CHANGE_DAY
    )
    await store.append("person-P1", 1, [draft(transfer)])
    second = PoliceOfficerRegistered(
        person_id="P2", badge_number="B2", station_code=STATION, display_name="Officer Two"
    )
    await store.append("person-P2", 0, [draft(second)])
    # What the two feeds before this one (a group each) had applied, recorded under their own names
    # but left out of the tables: had the merged feed applied any of it again, it would show.
    city = next(u for u in units if u.stream_id == f"org-{CITY}")
    await ApplyOnce(service_pool, ORG_PROJECTION).apply(city, lambda _conn, _envelope: asyncio.sleep(0))
    await ApplyOnce(service_pool, PEOPLE_PROJECTION).apply(registration, lambda _conn, _e: asyncio.sleep(0))

    orgs, people = OrgReference(service_pool), PeopleReference(service_pool)
    consumer_name = f"{service_name}-reader"
    async with running(make_relay(pool, kafka_bootstrap, topic, schema)):
        tables = [ORG_TABLES, PEOPLE_TABLE]
        feed = ReferenceFeed(service_pool, kafka_bootstrap, consumer_name, tables, topic=topic)
        async with feeding(feed):
            await wait_until(lambda: knows(orgs, "G1"), what="the feed to apply the tree")
            await wait_until(lambda: drained(pool), what="outbox drained")
            await wait_until(lambda: applied(service_pool, len(TREE) + 3), what="every event applied")
        committed, ends = await offsets(kafka_bootstrap, topic, f"{consumer_name}-reference")
    assert committed == ends
    assert not await knows(orgs, CITY)  # recorded as applied by the old org feed: not applied again
    assert await knows(orgs, TOWNSHIP)
    assert await people.person("P1") is None  # the registration likewise; the transfer alone updates nothing
    p2 = await people.officer("P2")
    assert p2 is not None and p2.station_code == STATION
    by_projection = await service_pool.fetch(
        "SELECT projection, count(*) FROM applied_events GROUP BY projection ORDER BY projection"
    )
    assert [tuple(r) for r in by_projection] == [(ORG_PROJECTION, len(TREE)), (PEOPLE_PROJECTION, 3)]


async def applied(pool: asyncpg.Pool, events: int) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM applied_events") == events)


async def covered_by_station(orgs: OrgReference, village: str) -> bool:
    return await orgs.station_covering(village, CHANGE_DAY) == STATION


async def named(orgs: OrgReference, code: str, name_en: str) -> bool:
    unit = await orgs.unit(code)
    return unit is not None and unit.name_en == name_en


async def test_the_feed_waits_out_a_broker_outage_and_stops_promptly(
    pool: asyncpg.Pool, service_pool: asyncpg.Pool, private_kafka: LocalInstance, topic: str, schema: str
) -> None:
    bootstrap = private_kafka.bootstrap_servers
    store = PostgresEventStore(pool)
    orgs = OrgReference(service_pool)
    private_kafka.stop()
    async with feeding(ReferenceFeed(service_pool, bootstrap, "outage", [ORG_TABLES], topic=topic)):
        await append_unit(store, registered("V1", OrgUnitKind.VILLAGE, TOWNSHIP))
        await asyncio.sleep(1)  # let the feed fail to connect at least once
        private_kafka.start()
        async with running(make_relay(pool, bootstrap, topic, schema)):
            await wait_until(lambda: knows(orgs, "V1"), timeout=90, what="the feed after the broker is back")
            private_kafka.stop()
            await append_unit(store, registered("V2", OrgUnitKind.VILLAGE, TOWNSHIP))
            await asyncio.sleep(1)  # the feed polls a dead broker now
            private_kafka.start()
            await wait_until(lambda: knows(orgs, "V2"), timeout=90, what="the feed after a second outage")
        private_kafka.stop()  # and stopping the feed now must still be prompt


async def test_the_feed_stops_promptly_while_it_waits_for_its_topic_to_exist(
    service_pool: asyncpg.Pool, kafka_bootstrap: str, topic: str
) -> None:
    async with feeding(ReferenceFeed(service_pool, kafka_bootstrap, "early", [ORG_TABLES], topic=topic)):
        await asyncio.sleep(1)  # the consumer's start() is waiting for the topic now


async def test_an_event_type_feeds_one_table_of_a_reference_feed(service_pool: asyncpg.Pool) -> None:
    twice = ReferenceTable("people_again", apply_org_event, PEOPLE_TABLE.event_types)
    with pytest.raises(ValueError, match="one table"):
        ReferenceFeed(service_pool, "127.0.0.1:9", "twice", [ORG_TABLES, PEOPLE_TABLE, twice])
