"""Rebuilding a read model from offset 0 on real Kafka into a new generation, then switching."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from services.projections.dispatch import apply_batch
from services.projections.dispatch import project
from services.projections.generations import Generation
from services.projections.generations import Generations
from services.projections.lag import LagWatch
from services.projections.lag import measure
from services.projections.lag import measure_with_progress
from services.projections.main import create_app
from services.projections.positions import KafkaPosition
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.coverage import COVERAGE
from services.projections.rebuild import Rebuild
from services.projections.settings import ProjectionsSettings
from services.projections.tests.integration.test_coverage import ADMIN
from services.projections.tests.integration.test_coverage import HISTORY
from services.projections.tests.integration.test_coverage import unit


@pytest.fixture
async def settings(database_url: str, kafka_bootstrap: str, schema: str, topic: str) -> ProjectionsSettings:
    patrols_topic = f"{topic}.patrols"  # empty: the other read models' second source
    outreach_topic = f"{topic}.outreach"  # empty, likewise
    tips_topic, mediation_topic = f"{topic}.tips", f"{topic}.mediation"  # empty, likewise
    await ensure_topics(
        kafka_bootstrap,
        {topic: 3, patrols_topic: 3, outreach_topic: 3, tips_topic: 3, mediation_topic: 3},
    )
    producer = idempotent_producer(kafka_bootstrap, "test-writer")
    await producer.start()
    for envelope in HISTORY:
        await producer.send_and_wait(topic, envelope.to_json_bytes(), key=envelope.stream_id.encode())
    await producer.stop()
    return ProjectionsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=kafka_bootstrap,
        source_topics={
            "appointments": topic,
            "patrols": patrols_topic,
            "outreach": outreach_topic,
            "tips": tips_topic,
            "mediation": mediation_topic,
        },
    )


@pytest.fixture
async def generations(settings: ProjectionsSettings) -> AsyncIterator[Generations]:
    opened = await Generations.open(settings)
    yield opened
    await opened.close_and_drop()


async def summary(generations: Generations) -> dict[str, Any]:
    app = create_app()
    app.state.generations = generations
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://read") as client:
        answer = await client.get("/coverage/summary?as_of=2023-06-30", headers=ADMIN)
        assert answer.status_code == 200
        body: dict[str, Any] = answer.json()
        return body


async def test_a_rebuild_fills_a_new_generation_then_switches_to_it(
    settings: ProjectionsSettings, generations: Generations
) -> None:
    # The active generation 1 holds only part of history (say, a bug lost the appointments).
    for envelope in HISTORY[:10]:
        await project(generations, READ_MODELS, envelope)
    assert (await summary(generations))["deputy_secretaries_serving"] == 0

    ticks: list[tuple[int, int]] = []
    job = Rebuild(settings, generations, COVERAGE)
    new = await job.run(progress=lambda done, total: ticks.append((done, total)))

    assert new.number == 2 and (await generations.active(COVERAGE)) == new
    assert job.seen == len(HISTORY) and job.applied == len(HISTORY)
    assert ticks[-1] == (len(HISTORY), len(HISTORY))
    served = await summary(generations)
    assert (served["villages"], served["deputy_secretaries_serving"], served["directors_certified"]) == (
        3,
        2,
        1,
    )
    statuses = await generations.control.fetch(
        "SELECT generation, status FROM read_model_generations"
        " WHERE read_model = 'coverage' ORDER BY generation"
    )
    assert [(r["generation"], r["status"]) for r in statuses] == [(1, "retired"), (2, "active")]


async def test_lag_counts_the_events_the_worker_has_not_committed(settings: ProjectionsSettings) -> None:
    # No worker ran in this consumer group: the whole history is behind, for every read model
    # reading the appointments topic.
    assert await measure(settings) == {
        name: len(HISTORY)
        for name in (
            "coverage",
            "patrols",
            "police_activity",
            "outreach",
            "disputes",
            "leads",
            "activity",
            "clocks",
        )
    }
    watch = LagWatch(settings.model_copy(update={"max_ready_lag": len(HISTORY) - 1}))
    with pytest.raises(LookupError):
        await watch.check()  # not measured yet
    lag, done = await measure_with_progress(settings)
    watch.observe(lag, done)
    with pytest.raises(RuntimeError, match="coverage"):
        await watch.check()
    relaxed = LagWatch(settings)
    relaxed.observe(lag, done)
    await relaxed.check()  # the default limit (1000) tolerates it


async def test_events_of_the_switch_are_applied_once_when_the_worker_writes_to_the_new_generation_at_once(
    settings: ProjectionsSettings, generations: Generations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events produced while the rebuild ran are the catch-up's; the worker, writing to the new
    generation from the switch on, must not move its positions past them before the catch-up ran."""
    extras = [
        envelope
        for n in range(10, 30)
        for envelope in unit(
            f"V{n}", OrgUnitKind.VILLAGE, "T01", Jurisdiction(township="T01", station="S01", village=f"V{n}")
        )
    ]
    worker: list[asyncio.Task[int]] = []
    switch = generations.activate

    async def activate_while_events_arrive(generation: Generation) -> None:
        producer = idempotent_producer(settings.kafka_bootstrap_servers, "test-writer-2")
        await producer.start()
        latest: dict[int, tuple[EventEnvelope, KafkaPosition]] = {}
        for envelope in extras:
            sent = await producer.send_and_wait(
                settings.topic_of("appointments"), envelope.to_json_bytes(), key=envelope.stream_id.encode()
            )
            latest[sent.partition] = (envelope, KafkaPosition(sent.topic, sent.partition, sent.offset))
        await producer.stop()
        await switch(generation)
        # The worker's next batch: the newest event of each partition, to the generation now active.
        pool = await generations.active_pool(COVERAGE)
        worker.append(asyncio.create_task(apply_batch(pool, COVERAGE, list(latest.values()))))

    monkeypatch.setattr(generations, "activate", activate_while_events_arrive)
    job = Rebuild(settings, generations, COVERAGE)
    new = await job.run(progress=lambda done, total: None)
    await worker[0]

    assert (await generations.active(COVERAGE)) == new
    assert job.applied == len(HISTORY) + len(extras)
    pool = await generations.pool(new)
    villages = await pool.fetchval("SELECT count(*) FROM rm_org_units WHERE kind = 'village'")
    assert villages == 3 + 20
