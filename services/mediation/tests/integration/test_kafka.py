"""The mediation topic on real Kafka: a whole dispute lifecycle reaches it in order, keyed by the
dispute's stream, through the kernel's outbox relay."""

from __future__ import annotations

import httpx

from govgrid.envelope import EventEnvelope
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from services.mediation.bootstrap import MediationService
from services.mediation.tests.integration.conftest import CADRE_V01
from services.mediation.tests.integration.conftest import PAIR
from services.mediation.tests.integration.conftest import S01
from services.mediation.tests.integration.conftest import T01
from services.mediation.tests.integration.conftest import WALK_IN
from services.mediation.tests.integration.conftest import ok
from services.mediation.tests.integration.conftest import session


async def test_a_whole_dispute_lifecycle_reaches_the_topic_in_order(
    world: httpx.AsyncClient, service: MediationService, kafka_bootstrap: str, topic: str, schema: str
) -> None:
    dispute_id = (await ok(await world.post("/disputes", json=WALK_IN, headers=CADRE_V01), 201))["dispute_id"]
    commands = [
        ("mediators", PAIR, S01),
        ("sessions", session("2024-03-05"), CADRE_V01),
        ("failure", {"failed_on": "2024-03-06", "reason": "party-B refuses."}, S01),
        ("escalate", {"to_level": "township", "escalated_on": "2024-03-07"}, T01),
        ("sessions", session("2024-03-14"), T01),
        ("agreement", {"reached_on": "2024-03-14", "terms": "The wall moves back 0.5 m."}, T01),
        ("close", {"outcome": "resolved", "closed_on": "2024-03-15"}, T01),
    ]
    for path, body, headers in commands:
        await ok(await world.post(f"/disputes/{dispute_id}/{path}", json=body, headers=headers))
    stored = await service.events.read_stream(f"dispute-{dispute_id}")

    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the mediation outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))
    lifecycle = [
        EventEnvelope.from_json_bytes(r.value) for r in records if r.key == f"dispute-{dispute_id}".encode()
    ]
    assert [e.event_id for e in lifecycle] == [e.event_id for e in stored]
    assert [e.event_type for e in lifecycle] == [
        "DisputeRegistered",
        "MediatorsAssigned",
        "MediationSessionHeld",
        "MediationFailed",
        "DisputeEscalated",
        "MediationSessionHeld",
        "AgreementReached",
        "DisputeClosed",
    ]
    assert [e.stream_version for e in lifecycle] == list(range(1, 9))
    assert lifecycle[0].jurisdiction.model_dump() == {"township": "T01", "station": "S01", "village": "V01"}
    assert lifecycle[0].payload["parties"] == [
        {"label": "party-A", "role": "claimant"},
        {"label": "party-B", "role": "respondent"},
    ]
