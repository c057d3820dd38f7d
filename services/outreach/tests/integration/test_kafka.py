"""The outreach topic on real Kafka: every lifecycle reaches it in order; and the running service
learning the registry (org units, coverage, officers) from the appointments topic by itself."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import httpx

from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.envelope import EventEnvelope
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.reference import OrgReference
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import PARTITIONS
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.outreach.bootstrap import OutreachService
from services.outreach.main import create_app
from services.outreach.settings import OutreachSettings
from services.outreach.tests.integration.conftest import ADMIN
from services.outreach.tests.integration.conftest import S01
from services.outreach.tests.integration.conftest import covered
from services.outreach.tests.integration.conftest import ok
from services.outreach.tests.integration.conftest import registry_envelopes
from services.outreach.tests.integration.conftest import unit
from services.outreach.tests.integration.test_api import CASE
from services.outreach.tests.integration.test_api import DRIVE
from services.outreach.tests.integration.test_api import INSPECTION
from services.outreach.tests.integration.test_api import REFERRAL
from services.outreach.tests.integration.test_api import SCHOOL_DAY


async def test_every_lifecycle_reaches_the_topic_in_order(
    world: httpx.AsyncClient, service: OutreachService, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    drive = (await ok(await world.post("/registration-drives", json=DRIVE, headers=S01), 201))["drive_id"]
    await ok(await world.post(f"/registration-drives/{drive}/visits", json=SCHOOL_DAY, headers=S01))
    correction = {**SCHOOL_DAY, "students_processed": 121}
    await ok(await world.post(f"/registration-drives/{drive}/visits/correct", json=correction, headers=S01))
    await ok(
        await world.post(f"/registration-drives/{drive}/close", json={"closed_on": "2023-10-31"}, headers=S01)
    )
    visit = (await ok(await world.post("/enterprise-visits", json=INSPECTION, headers=S01), 201))["visit_id"]
    await ok(
        await world.post(
            f"/enterprise-visits/{visit}/follow-ups/1/complete",
            json={"completed_on": "2023-10-18"},
            headers=S01,
        )
    )
    case = (await ok(await world.post("/enterprise-cases", json=CASE, headers=S01), 201))["case_id"]
    await ok(
        await world.post(
            f"/enterprise-cases/{case}/handle",
            json={"handled_on": "2023-10-15", "outcome": "solved"},
            headers=S01,
        )
    )
    referral = (await ok(await world.post("/job-referrals", json=REFERRAL, headers=S01), 201))["referral_id"]
    outcome = {"outcome": "hired", "decided_on": "2023-10-20"}
    await ok(await world.post(f"/job-referrals/{referral}/outcome", json=outcome, headers=S01))
    stored = await stored_events(service.pool)

    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the outreach outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))

    on_topic: dict[str, list[EventEnvelope]] = defaultdict(list)
    for record in records:
        envelope = EventEnvelope.from_json_bytes(record.value)
        assert record.key.decode() == envelope.stream_id  # partitioned by stream
        on_topic[envelope.stream_id].append(envelope)
    in_store: dict[str, list[EventEnvelope]] = defaultdict(list)
    for envelope in stored:
        in_store[envelope.stream_id].append(envelope)
    assert on_topic == in_store  # every event, each stream in its order, byte for byte the stored ones
    assert [e.event_type for e in on_topic[f"drive-{drive}"]] == [
        "RegistrationDriveLaunched",
        "SchoolVisitRecorded",
        "SchoolVisitCorrected",
        "RegistrationDriveClosed",
    ]
    assert [e.event_type for e in on_topic[f"enterprisevisit-{visit}"]] == [
        "EnterpriseVisitRecorded",
        "FollowUpActionPlanned",
        "FollowUpActionCompleted",
    ]
    assert [e.event_type for e in on_topic[f"enterprisecase-{case}"]] == [
        "EnterpriseCaseOpened",
        "EnterpriseCaseHandled",
    ]
    assert [e.event_type for e in on_topic[f"jobreferral-{referral}"]] == [
        "JobReferralMade",
        "JobReferralOutcomeRecorded",
    ]
    assert {e.event_type for e in on_topic["school-SCH1"] + on_topic["enterprise-ENT1"]} == {
        "SchoolRegistered",
        "EnterpriseRegistered",
    }


async def publish(bootstrap: str, topic: str, envelopes: list[EventEnvelope]) -> None:
    producer = idempotent_producer(bootstrap, "test-registry")
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(topic, envelope.to_json_bytes(), key=envelope.stream_id.encode())
    finally:
        await producer.stop()


async def test_the_running_service_learns_the_registry_from_the_appointments_topic(
    database_url: str, schema: str, kafka_bootstrap: str, topic: str
) -> None:
    """``topic`` plays the appointments topic: the lifespan's feeds fill the service's own tables."""
    await ensure_topics(kafka_bootstrap, {topic: PARTITIONS})
    await publish(kafka_bootstrap, topic, registry_envelopes())
    settings = OutreachSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=kafka_bootstrap,
        appointments_topic=topic,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        service: OutreachService = app.state.service
        orgs = OrgReference(service.pool)

        async def knows_the_grid_and_the_officers() -> bool:
            retired = await service.pool.fetchval(
                "SELECT left_service_on FROM ref_people WHERE person_id = 'P002'"
            )
            # Streams are not ordered with each other: wait for every unit the test names.
            known = [await orgs.unit(code) for code in ("S01", "S02")]
            stations = [await orgs.station_covering(v, date(2023, 10, 1)) for v in ("V01", "V02", "V03")]
            return stations == ["S01", "S01", "S02"] and retired is not None and all(known)

        await wait_until(knows_the_grid_and_the_officers, timeout=60, what="the registry from the topic")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://outreach") as api:
            school = {"school_code": "SCH1", "name_zh": "干冲小学", "village_code": "V01"}
            await ok(await api.post("/schools", json=school, headers=S01), 201)
            enterprise = {
                "enterprise_code": "ENT1",
                "name": "干冲橡胶厂",
                "village_code": "V01",
                "sector": "other",
            }
            await ok(await api.post("/enterprises", json=enterprise, headers=S01), 201)
            await ok(await api.post("/enterprise-visits", json=INSPECTION, headers=S01), 201)
            retired = await api.post(
                "/enterprise-visits", json={**INSPECTION, "officer_person_id": "P002"}, headers=ADMIN
            )
            assert retired.json()["error"] == "officer_not_active"

            # A village registered while the service runs is known moments later.
            new_village = {
                "orgunit-V04": [unit("V04", OrgUnitKind.VILLAGE, "新英村", "T01"), covered("V04", "S01")]
            }
            await publish(kafka_bootstrap, topic, registry_envelopes(new_village))

            async def knows_v04() -> bool:
                return await orgs.station_covering("V04", date(2024, 1, 1)) == "S01"

            await wait_until(knows_v04, timeout=60, what="the new village")
            school = {"school_code": "SCH4", "name_zh": "新英小学", "village_code": "V04"}
            registered = await api.post("/schools", json=school, headers=S01)
            assert registered.status_code == 201, registered.text
