"""The tips topic on real Kafka: a whole lead lifecycle in order (the mediation contract included);
and the running service learning its grid and officers from the appointments topic, and shredding in
the background."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC
from datetime import datetime

import asyncpg
import httpx
import pytest

from govgrid.catalogue import catalogue
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.kafka import events_topic
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.tips.bootstrap import TipsService
from services.tips.main import create_app
from services.tips.settings import TipsSettings
from services.tips.tests.integration.conftest import ADMIN
from services.tips.tests.integration.conftest import COLLEAGUE
from services.tips.tests.integration.conftest import GRID_EVENTS
from services.tips.tests.integration.conftest import HANDLER
from services.tips.tests.integration.conftest import ok
from services.tips.tests.integration.conftest import today
from services.tips.tests.integration.conftest import verified_lead


async def test_a_whole_lead_lifecycle_reaches_the_topic_in_order(
    api: httpx.AsyncClient, service: TipsService, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    lead_id = await verified_lead(api, category="dispute")
    referral = {
        "outcome": "referred_to_mediation",
        "outcome_on": today(),
        "dispute_category": "neighbour",
        "summary": "甲乙两户因排水沟堵塞争执",
    }
    await ok(await api.post(f"/leads/{lead_id}/outcomes", json=referral, headers=HANDLER))
    await ok(await api.post(f"/leads/{lead_id}/close", json={"closed_on": today()}, headers=COLLEAGUE))
    stored = await stored_events(service.pool)

    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the tips outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))
    lifecycle = [
        EventEnvelope.from_json_bytes(r.value) for r in records if r.key == f"lead-{lead_id}".encode()
    ]
    assert [e.event_type for e in lifecycle] == [
        "LeadReceived",
        "LeadTriaged",
        "LeadAssigned",
        "LeadVerified",
        "LeadOutcomeRecorded",
        "LeadReferredToMediation",
        "LeadClosed",
    ]
    assert [e.stream_version for e in lifecycle] == list(range(1, 8))
    assert len({r.partition for r in records if r.key == f"lead-{lead_id}".encode()}) == 1
    # What the mediation service reads off the topic.
    referred = catalogue.decode(lifecycle[5])
    assert isinstance(referred, LeadReferredToMediation)
    assert (referred.lead_id, referred.village_code, referred.summary) == (
        lead_id,
        "V01",
        "甲乙两户因排水沟堵塞争执",
    )
    assert lifecycle[5].jurisdiction == Jurisdiction(township="T01", station="S01", village="V01")


@pytest.fixture
async def appointments_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The appointments service's event store, in a schema of this test's own."""
    schema = f"t_appointments_{uuid.uuid4().hex[:12]}"
    pool = await create_pool(database_url, schema=schema, max_size=4)
    await apply_migrations(pool, EVENT_STORE_MIGRATIONS)
    yield pool
    await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()


async def test_the_running_service_learns_its_grid_and_officers_from_the_appointments_topic(
    appointments_pool: asyncpg.Pool, database_url: str, schema: str, kafka_bootstrap: str, service_name: str
) -> None:
    # The registry's events, stored and relayed as the appointments service does.
    store = PostgresEventStore(appointments_pool)
    versions: dict[str, int] = {}
    for stream, payload in GRID_EVENTS:
        draft = EventDraft(payload, datetime.now(UTC), Jurisdiction(), "registry", uuid.uuid4())
        await store.append(stream, versions.get(stream, 0), [draft])
        versions[stream] = versions.get(stream, 0) + 1
    appointments_topic = events_topic(f"{service_name}-appointments")
    appointments_schema = await appointments_pool.fetchval("SELECT current_schema()")

    settings = TipsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=kafka_bootstrap,
        appointments_topic=appointments_topic,
        service_name=service_name,
        informant_retention_days=0,  # shredded on the day of closing
        retention_interval_seconds=0.2,
    )
    app = create_app(settings)
    relay = make_relay(appointments_pool, kafka_bootstrap, appointments_topic, appointments_schema)
    async with running(relay), app.router.lifespan_context(app):
        service: TipsService = app.state.service
        orgs, people = OrgReference(service.pool), PeopleReference(service.pool)

        async def learned() -> bool:
            coverage = await orgs.station_covering("V01", datetime.now(UTC).date())
            officer = await people.officer("P004")
            return coverage == "S01" and officer is not None and officer.left_service_on is not None

        await wait_until(learned, timeout=60, what="the grid and the officers learned from the topic")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tips") as api:
            assert (await api.get("/readyz")).status_code == 200
            lead_id = await verified_lead(api)  # places and officers checked against what was learned
            arrest = {"outcome": "fugitive_arrested", "case_number": "DZ2023-7", "outcome_on": today()}
            await ok(await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER))
            await ok(await api.post(f"/leads/{lead_id}/close", json={"closed_on": today()}, headers=HANDLER))

            async def shredded() -> bool:
                state = await ok(await api.get(f"/leads/{lead_id}", headers=ADMIN))
                return bool(state["informant_contact"] == "shredded")

            await wait_until(shredded, timeout=30, what="the background retention run to shred the contact")
            history = (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()
            assert history[-1]["actor"] == "system:tips-retention"
        assert await service.pool.fetchval("SELECT count(*) FROM lead_keys") == 0
