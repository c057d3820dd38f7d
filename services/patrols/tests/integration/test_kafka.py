"""The patrols service on real Kafka: a whole patrol reaches govgrid.<service>.events in order, and the
running service learns the grid and the officers from the appointments topic by itself."""

from __future__ import annotations

import asyncpg
import httpx

from govgrid.envelope import EventEnvelope
from govgrid.eventstore import PostgresEventStore
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.patrols.bootstrap import PatrolsService
from services.patrols.main import create_app
from services.patrols.settings import PatrolsSettings
from services.patrols.tests.integration.conftest import APPOINTMENTS_STREAMS
from services.patrols.tests.integration.conftest import COVERAGE_CHANGE
from services.patrols.tests.integration.conftest import OFFICER
from services.patrols.tests.integration.conftest import S01
from services.patrols.tests.integration.conftest import form_team
from services.patrols.tests.integration.conftest import ok
from services.patrols.tests.integration.conftest import refused
from services.patrols.tests.integration.conftest import started_patrol

PATROL_LIFECYCLE = [
    "PatrolScheduled",
    "PatrolStarted",
    "CheckpointVisited",
    "PatrolObservationRecorded",
    "PatrolCompleted",
]


async def test_a_whole_patrol_reaches_the_topic_in_order(
    api: httpx.AsyncClient, service: PatrolsService, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    patrol_id = await started_patrol(api)
    path = f"/patrols/{patrol_id}"
    checkpoint = {"grid_code": "G0101", "visited_at": "2023-11-20T19:30:00+08:00"}
    await ok(await api.post(f"{path}/checkpoints", json=checkpoint, headers=S01))
    observation = {
        "category": "suspicious_activity",
        "note": "陌生车辆",
        "observed_at": "2023-11-20T19:50:00+08:00",
    }
    await ok(await api.post(f"{path}/observations", json=observation, headers=S01))
    completion = {"completed_at": "2023-11-20T21:00:00+08:00", "distance_km": 5.5}
    await ok(await api.post(f"{path}/complete", json=completion, headers=S01))
    stored = await stored_events(service.pool)

    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the patrols outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))

    on_topic = [EventEnvelope.from_json_bytes(r.value) for r in records]
    assert {e.event_id for e in on_topic} == {e.event_id for e in stored}
    stream = f"patrol-{patrol_id}"
    patrol_records = [r for r in records if r.key == stream.encode()]
    assert len({r.partition for r in patrol_records}) == 1  # key = stream id: one partition, in order
    patrol_events = [EventEnvelope.from_json_bytes(r.value) for r in patrol_records]
    assert [e.event_type for e in patrol_events] == PATROL_LIFECYCLE
    assert [e.stream_version for e in patrol_events] == [1, 2, 3, 4, 5]
    assert [e.event_id for e in patrol_events] == [e.event_id for e in stored if e.stream_id == stream]


async def test_the_running_service_learns_the_grid_and_the_officers_from_the_appointments_topic(
    pool: asyncpg.Pool, database_url: str, kafka_bootstrap: str, topic: str, schema: str, service_name: str
) -> None:
    # The appointments service's side: its event store (this test's schema) and its relay to ``topic``.
    appointments_store = PostgresEventStore(pool)
    for stream_id, events in APPOINTMENTS_STREAMS.items():
        await appointments_store.append(stream_id, 0, [draft(event) for event in events])

    patrols_schema = f"{schema}_patrols"
    settings = PatrolsSettings(
        service_name=service_name,
        database_url=database_url,
        database_schema=patrols_schema,
        kafka_bootstrap_servers=kafka_bootstrap,
        appointments_topic=topic,
    )
    app = create_app(settings)
    try:
        async with (
            running(make_relay(pool, kafka_bootstrap, topic, schema)),
            app.router.lifespan_context(app),
        ):
            service: PatrolsService = app.state.service
            orgs, people = OrgReference(service.pool), PeopleReference(service.pool)

            async def learned() -> bool:
                # The last event of a village's stream and of an officer's stream have arrived.
                retired = await people.officer("P003")
                moved = await orgs.station_covering("V02", COVERAGE_CHANGE)
                return moved == "S02" and retired is not None and retired.left_service_on is not None

            await wait_until(learned, timeout=60, what="the reference tables to learn the appointments topic")
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://patrols"
            ) as api:
                team_id = await form_team(api)  # S01 is known, officer P001 serves there
                team = await ok(await api.get(f"/teams/{team_id}", headers=S01))
                assert team["memberships"][0]["member"] == OFFICER
                retired = {"member": {"kind": "officer", "person_id": "P003"}, "joined_on": "2023-07-01"}
                refused(
                    await api.post(f"/teams/{team_id}/members", json=retired, headers=S01),
                    409,
                    "not_an_officer_of_the_station",
                )
    finally:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{patrols_schema}" CASCADE')
