"""The appointments topic on real Kafka: a whole lifecycle in order, and another service's
reference table learning the organisation tree from it (event-carried state transfer)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import httpx
import pytest

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import EventEnvelope
from govgrid.projection import MIGRATIONS as PROJECTION_MIGRATIONS
from govgrid.reference import MIGRATIONS as REFERENCE_MIGRATIONS
from govgrid.reference import ORG_TABLES
from govgrid.reference import OrgReference
from govgrid.reference import ReferenceFeed
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.appointments.bootstrap import AppointmentsService
from services.appointments.tests.integration.conftest import S01
from services.appointments.tests.integration.conftest import T01
from services.appointments.tests.integration.conftest import ok

DEPUTY = {
    "kind": "deputy_party_secretary",
    "person_id": "P001",
    "organisation_code": "V01",
    "term_start": "2023-03-01",
    "term_end": "2026-02-28",
}


async def test_a_whole_appointment_lifecycle_reaches_the_topic_in_order(
    grid: httpx.AsyncClient, service: AppointmentsService, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    appointment = (await ok(await grid.post("/appointments", json=DEPUTY, headers=S01), 201))[
        "appointment_id"
    ]
    await ok(
        await grid.post(
            f"/appointments/{appointment}/approve", json={"approved_on": "2023-03-10"}, headers=T01
        )
    )
    await ok(
        await grid.post(
            f"/appointments/{appointment}/certificate", json={"issued_on": "2023-03-15"}, headers=T01
        )
    )
    await ok(
        await grid.post(
            f"/appointments/{appointment}/end",
            json={"reason": "term_ended", "ended_on": "2026-02-28"},
            headers=S01,
        )
    )
    stored = await stored_events(service.pool)

    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the appointments outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))
    envelopes = [EventEnvelope.from_json_bytes(r.value) for r in records]
    assert [e.event_id for e in envelopes if e.stream_id == f"appointment-{appointment}"] == [
        e.event_id for e in stored if e.stream_id == f"appointment-{appointment}"
    ]
    lifecycle = [
        (r.key.decode(), EventEnvelope.from_json_bytes(r.value).event_type)
        for r in records
        if r.key == f"appointment-{appointment}".encode()
    ]
    assert [event_type for _, event_type in lifecycle] == [
        "AppointmentNominated",
        "AppointmentApproved",
        "AppointmentCertificateIssued",
        "AppointmentEnded",
    ]
    assert {e.event_id for e in envelopes} == {e.event_id for e in stored}


@pytest.fixture
async def other_service_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The database of another service (say patrols), which keeps a reference table of its own."""
    schema = f"t_other_{uuid.uuid4().hex[:12]}"
    pool = await create_pool(database_url, schema=schema, max_size=4)
    await apply_migrations(pool, PROJECTION_MIGRATIONS, REFERENCE_MIGRATIONS)
    yield pool
    await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()


async def test_another_service_learns_a_new_village_from_the_topic(
    grid: httpx.AsyncClient,
    service: AppointmentsService,
    other_service_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic: str,
    schema: str,
) -> None:
    reference = OrgReference(other_service_pool)
    feed = ReferenceFeed(
        other_service_pool, kafka_bootstrap, f"patrols-{uuid.uuid4().hex[:8]}", [ORG_TABLES], topic=topic
    )
    stopping = asyncio.Event()
    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        feeding = asyncio.create_task(feed.run(stopping))
        try:

            async def knows(code: str) -> bool:
                return await reference.unit(code) is not None

            await wait_until(lambda: knows("V03"), timeout=60, what="the reference table to learn the grid")
            new_village = {
                "code": "V09",
                "kind": "village",
                "name_zh": "新英村",
                "name_en": "Xinying",
                "parent_code": "T01",
            }
            await ok(await grid.post("/org-units", json=new_village, headers=T01), 201)
            await ok(
                await grid.post(
                    "/org-units/V09/coverage",
                    json={"station_code": "S01", "effective_from": "2024-01-01"},
                    headers=T01,
                )
            )

            async def covered() -> bool:
                return await reference.station_covering("V09", date(2024, 6, 1)) == "S01"

            await wait_until(
                covered, timeout=60, what="the reference table to learn the new village's coverage"
            )
        finally:
            stopping.set()
            await asyncio.wait_for(feeding, timeout=30)
    unit = await reference.unit("V09")
    assert unit is not None and (unit.name_zh, unit.parent_code) == ("新英村", "T01")
    jurisdiction = await reference.jurisdiction_of("V09", date(2024, 6, 1))
    assert (jurisdiction.township, jurisdiction.station, jurisdiction.village) == ("T01", "S01", "V09")
