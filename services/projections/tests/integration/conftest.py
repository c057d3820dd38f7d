"""The read models on real PostgreSQL in the test's own schema, and ways to feed them events: directly,
or through a real Kafka topic as the worker gets them (with the positions that parking keeps)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.china_time import occurred_on
from govgrid.config import get_settings
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.main import create_app
from services.projections.positions import KafkaPosition
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels import ReadModel
from services.projections.settings import ProjectionsSettings
from services.projections.worker_process import start_worker
from services.projections.worker_process import stop_workers

WORKER_PARTITIONS = 3


def source_topics(topic: str) -> dict[str, str]:
    """Every read model's source on a topic of the test's own: appointments on ``topic``, the other
    services' beside it (left empty)."""
    services = {service for model in READ_MODELS for service in model.services}
    return {s: topic if s == "appointments" else f"{topic}.{s}" for s in sorted(services)}


@contextmanager
def projection_worker(
    database_url: str, schema: str, bootstrap_servers: str, topic: str, app_id: str, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The real faust worker (`python -m services.projections.worker`) reading ``source_topics(topic)``
    into the generations of ``schema``; its output in tmp_path/worker.log; stopped with SIGTERM."""
    settings = ProjectionsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=bootstrap_servers,
        kafka_topic_partitions=WORKER_PARTITIONS,
        app_id=app_id,
        source_topics=source_topics(topic),
    )
    process = start_worker(settings, tmp_path)
    try:
        yield process
    finally:
        stop_workers([process])


@pytest.fixture
async def generations(database_url: str, schema: str) -> AsyncIterator[Generations]:
    opened = await Generations.open(ProjectionsSettings(database_url=database_url, database_schema=schema))
    yield opened
    await opened.close_and_drop()


@pytest.fixture
async def read_api(generations: Generations) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app()
    app.state.generations = generations  # what the lifespan does under uvicorn, with the read audit
    transport = httpx.ASGITransport(app=app)
    async with (
        app.state.audit.running(generations.control),
        httpx.AsyncClient(transport=transport, base_url="http://read") as client,
    ):
        yield client


class KafkaLog:
    """A topic of the test's own: events are put on it as a write service's relay would, and projected
    with their positions as the worker does, so that a parked one can be read again by `retry`."""

    def __init__(self, bootstrap_servers: str, topic: str, producer: AIOKafkaProducer) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self._producer = producer

    async def put(self, envelopes: list[EventEnvelope]) -> list[tuple[EventEnvelope, KafkaPosition]]:
        sending = [
            await self._producer.send(self.topic, e.to_json_bytes(), key=e.stream_id.encode())
            for e in envelopes
        ]
        return [(e, KafkaPosition.of(await sent)) for e, sent in zip(envelopes, sending, strict=True)]

    async def feed(
        self,
        generations: Generations,
        envelopes: list[EventEnvelope],
        read_models: tuple[ReadModel, ...] = READ_MODELS,
    ) -> None:
        for envelope, at in await self.put(envelopes):
            await project(generations, read_models, envelope, at)


@pytest.fixture
async def kafka_log(kafka_bootstrap: str, topic: str) -> AsyncIterator[KafkaLog]:
    await ensure_topics(kafka_bootstrap, {topic: 3})
    producer = idempotent_producer(kafka_bootstrap, "test-writer")
    await producer.start()
    yield KafkaLog(kafka_bootstrap, topic, producer)
    await producer.stop()


def bearer(role: Role, *jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), 'reader', role, jurisdiction)}"}


class Stream:
    """Builds the envelopes of one stream as a write service would have stored them."""

    def __init__(self, stream_id: str, jurisdiction: Jurisdiction) -> None:
        self.stream_id = stream_id
        self.jurisdiction = jurisdiction
        self.version = 0

    def next(self, payload: DomainEvent, on: date | datetime) -> EventEnvelope:
        self.version += 1
        occurred_at = occurred_on(on) if not isinstance(on, datetime) else on
        draft = EventDraft(payload, occurred_at, self.jurisdiction, "tester", uuid.uuid4())
        return draft.seal(self.stream_id, self.version, occurred_at)


async def every_row(pool: asyncpg.Pool) -> str:
    """Every row of every table of the pool's schema (a read model's generation), as text: where a
    leak would show."""
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    rows = [await pool.fetch(f'SELECT t::text AS row FROM "{r["table_name"]}" t') for r in tables]
    return "\n".join(row["row"] for table in rows for row in table)
