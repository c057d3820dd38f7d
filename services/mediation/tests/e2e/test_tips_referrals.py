"""Leads referred to mediation flow from the tips topic into disputes, on real Kafka, exactly once:
the tips service's events are appended to an event store of their own and relayed by the kernel's
relay; the mediation service's two feeds run as in production. A referral arriving before its
village is known waits for it; a referral delivered twice, and a lead referred twice, open one dispute.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import EventEnvelope
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import ensure_topics
from govgrid.kafka import events_topic
from govgrid.kafka import idempotent_producer
from govgrid.kafka import topic_partitions
from govgrid.service import running as running_service
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import PARTITIONS
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.mediation.application import referrals
from services.mediation.bootstrap import MediationService
from services.mediation.bootstrap import start_service
from services.mediation.main import create_app
from services.mediation.settings import MediationSettings
from services.mediation.tests.integration.conftest import ADMIN
from services.mediation.tests.integration.conftest import ok
from services.mediation.tests.integration.conftest import org_history
from services.mediation.tests.integration.conftest import people_history


@dataclass(frozen=True)
class OtherService:
    """Another write service as far as its topic goes: an event store of its own, relayed."""

    pool: asyncpg.Pool
    schema: str
    topic: str

    async def append(self, stream_id: str, expected_version: int, events: Sequence[DomainEvent]) -> None:
        await PostgresEventStore(self.pool).append(stream_id, expected_version, [draft(e) for e in events])


@pytest.fixture
async def others(database_url: str, service_name: str) -> AsyncIterator[dict[str, OtherService]]:
    """The tips and appointments services, each with its own schema and its own test topic."""
    services: dict[str, OtherService] = {}
    for name in ("tips", "appointments"):
        schema = f"t_{name}_{uuid.uuid4().hex[:12]}"
        pool = await create_pool(database_url, schema=schema, max_size=4)
        await apply_migrations(pool, EVENT_STORE_MIGRATIONS)
        services[name] = OtherService(pool, schema, events_topic(f"{service_name}-{name}"))
    yield services
    for other in services.values():
        await other.pool.execute(f'DROP SCHEMA "{other.schema}" CASCADE')
        await other.pool.close()


@pytest.fixture
async def mediation(
    database_url: str, kafka_bootstrap: str, schema: str, service_name: str, others: dict[str, OtherService]
) -> AsyncIterator[MediationService]:
    settings = MediationSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=kafka_bootstrap,
        service_name=service_name,  # hence consumer groups of this test's own
        tips_topic=others["tips"].topic,
        appointments_topic=others["appointments"].topic,
    )
    service = await start_service(settings)
    yield service
    await service.pool.close()


def referral(lead_id: str, village_code: str, grid_code: str, referred_on: date) -> LeadReferredToMediation:
    return LeadReferredToMediation(
        lead_id=lead_id,
        village_code=village_code,
        grid_code=grid_code,
        dispute_category=DisputeCategory.NEIGHBOUR,
        summary="Neighbours quarrel over a drainage ditch after the rains.",
        referred_on=referred_on,
    )


async def consumed_everything(bootstrap: str, group: str, topic: str) -> bool:
    """The group committed offsets up to the end of every partition of ``topic``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await topic_partitions(bootstrap, [topic]))
    finally:
        await consumer.stop()
    return all(end == 0 or (tp in committed and committed[tp].offset >= end) for tp, end in ends.items())


async def registrations(service: MediationService) -> list[EventEnvelope]:
    return [e for e in await stored_events(service.pool) if e.event_type == "DisputeRegistered"]


async def test_referred_leads_open_one_dispute_each_on_real_kafka(
    mediation: MediationService,
    others: dict[str, OtherService],
    kafka_bootstrap: str,
    topic: str,
    schema: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="services.mediation")
    tips, appointments = others["tips"], others["appointments"]
    await ensure_topics(kafka_bootstrap, {tips.topic: PARTITIONS, appointments.topic: PARTITIONS})
    await tips.append("lead-L1", 0, [referral("L1", "V01", "G011", date(2024, 3, 4))])
    await tips.append("lead-L2", 0, [referral("L2", "V03", "G031", date(2024, 3, 5))])
    (first_l1,) = await tips.pool.fetch("SELECT event_id FROM events WHERE stream_id = 'lead-L1'")

    async with (
        running_service(mediation),
        running(make_relay(tips.pool, kafka_bootstrap, tips.topic, tips.schema)),
    ):
        # The referrals arrive before the organisation tree: the feed waits, it does not skip them.
        async def waited() -> bool:
            return "not known yet" in caplog.text

        await wait_until(waited, timeout=60, what="the referral feed to wait for the villages")
        assert await registrations(mediation) == []

        for stream_id, events in [*org_history(), *people_history()]:
            await appointments.append(stream_id, 0, events)
        async with running(
            make_relay(appointments.pool, kafka_bootstrap, appointments.topic, appointments.schema)
        ):

            async def both_opened() -> bool:
                return len(await registrations(mediation)) == 2

            await wait_until(both_opened, timeout=90, what="a dispute for each referred lead")

            # Deliver L1's referral a second time, as a relay that crashed before marking it would ...
            records = await read_topic(kafka_bootstrap, tips.topic, at_least=2)
            (l1_record,) = [
                r for r in records if EventEnvelope.from_json_bytes(r.value).event_id == first_l1[0]
            ]
            producer = idempotent_producer(kafka_bootstrap, "test-duplicate")
            await producer.start()
            try:
                await producer.send_and_wait(tips.topic, value=l1_record.value, key=l1_record.key)
            finally:
                await producer.stop()
            # ... and let the tips service refer lead L1 once more (another event, the same lead).
            await tips.append("lead-L1", 1, [referral("L1", "V01", "G011", date(2024, 3, 6))])
            await wait_until(lambda: drained(tips.pool), what="the second referral published")
            group = mediation.consumer_group("tips-referrals")
            await wait_until(
                lambda: consumed_everything(kafka_bootstrap, group, tips.topic),
                timeout=60,
                interval=0.5,
                what="the referral feed to consume the topic to its end",
            )

            # The mediators feed learned the pairs from the appointments topic too.
            app = create_app(mediation.settings)
            app.state.service = mediation
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as api:
                pair = await ok(
                    await api.get("/villages/V01/suggested-mediators?on=2024-03-04", headers=ADMIN)
                )
                assert (pair["officer"]["person_id"], pair["cadre"]["person_id"]) == ("P001", "K001")
                state = await ok(await api.get("/disputes/lead-L1", headers=ADMIN))
                assert (state["source"], state["source_reference"], state["registered_on"]) == (
                    "tips_lead",
                    "L1",
                    "2024-03-04",
                )

    opened = {e.stream_id: e for e in await registrations(mediation)}
    assert set(opened) == {"dispute-lead-L1", "dispute-lead-L2"}
    assert opened["dispute-lead-L1"].causation_id == first_l1[0]
    assert opened["dispute-lead-L1"].jurisdiction.model_dump() == {
        "township": "T01",
        "station": "S01",
        "village": "V01",
    }
    assert opened["dispute-lead-L2"].jurisdiction.model_dump() == {
        "township": "T02",
        "station": "S02",
        "village": "V03",
    }
    applied = await mediation.pool.fetchval(
        "SELECT count(*) FROM applied_events WHERE projection = $1", referrals.PROJECTION
    )
    assert applied == 3  # L1, L2 and L1's second referral; the redelivered copy left no trace

    # Each dispute went out once on the mediation topic.
    async with running(make_relay(mediation.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(mediation.pool), what="the mediation outbox drained")
    published = [
        EventEnvelope.from_json_bytes(r.value) for r in await read_topic(kafka_bootstrap, topic, at_least=2)
    ]
    assert sorted(e.stream_id for e in published if e.event_type == "DisputeRegistered") == [
        "dispute-lead-L1",
        "dispute-lead-L2",
    ]
