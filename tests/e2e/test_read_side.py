"""Commands posted to a write service appear in the read API: appointments API -> event store ->
outbox relay -> Kafka -> faust projection worker -> read models -> read API, all real."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.testing.fixtures import wait_until
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from services.appointments.bootstrap import AppointmentsService
from services.appointments.bootstrap import start_service
from services.appointments.main import create_app as appointments_app
from services.appointments.settings import AppointmentsSettings
from services.appointments.tests.integration.conftest import ADMIN
from services.appointments.tests.integration.conftest import COVERAGE
from services.appointments.tests.integration.conftest import GRID
from services.appointments.tests.integration.conftest import ok
from services.projections.generations import Generations
from services.projections.lag import measure
from services.projections.main import create_app as read_api_app
from services.projections.settings import ProjectionsSettings
from services.projections.tests.integration.conftest import projection_worker
from services.projections.tests.integration.conftest import source_topics


@pytest.fixture
async def appointments(database_url: str, schema: str) -> AsyncIterator[AppointmentsService]:
    service = await start_service(AppointmentsSettings(database_url=database_url, database_schema=schema))
    yield service
    await service.pool.close()


@pytest.fixture
def read_schema() -> str:
    return f"t_read_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def read_models(database_url: str, read_schema: str) -> AsyncIterator[Generations]:
    generations = await Generations.open(
        ProjectionsSettings(database_url=database_url, database_schema=read_schema)
    )
    yield generations
    await generations.close_and_drop()
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'DROP SCHEMA "{read_schema}" CASCADE')
    await conn.close()


@pytest.fixture
def worker_app_id() -> str:
    return f"projections-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker(
    database_url: str,
    kafka_bootstrap: str,
    read_models: Generations,
    read_schema: str,
    worker_app_id: str,
    topic: str,
    tmp_path: Path,
) -> Iterator[subprocess.Popen[bytes]]:
    with projection_worker(
        database_url, read_schema, kafka_bootstrap, topic, worker_app_id, tmp_path
    ) as process:
        yield process


async def test_commands_reach_the_read_api(
    appointments: AppointmentsService,
    read_models: Generations,
    worker: subprocess.Popen[bytes],
    worker_app_id: str,
    kafka_bootstrap: str,
    topic: str,
    schema: str,
    tmp_path: Path,
) -> None:
    write = appointments_app(appointments.settings)
    write.state.service = appointments
    read = read_api_app()
    read.state.generations = read_models
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=write), base_url="http://write") as write_api,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=read), base_url="http://read") as read_api,
        running(make_relay(appointments.pool, kafka_bootstrap, topic, schema)),
    ):
        for unit in GRID:
            await ok(await write_api.post("/org-units", json=unit, headers=ADMIN), 201)
        for village, station in COVERAGE.items():
            body = {"station_code": station, "effective_from": "2023-01-01"}
            await ok(await write_api.post(f"/org-units/{village}/coverage", json=body, headers=ADMIN))
        officer = {
            "person_id": "P001",
            "badge_number": "460001",
            "station_code": "S01",
            "display_name": "王警官",
        }
        await ok(await write_api.post("/people/officers", json=officer, headers=ADMIN), 201)
        nomination = {
            "kind": "deputy_party_secretary",
            "person_id": "P001",
            "organisation_code": "V01",
            "term_start": "2023-03-01",
            "term_end": "2026-02-28",
        }
        appointment = await ok(await write_api.post("/appointments", json=nomination, headers=ADMIN), 201)
        await ok(
            await write_api.post(
                f"/appointments/{appointment['appointment_id']}/approve",
                json={"approved_on": "2023-03-10"},
                headers=ADMIN,
            )
        )

        summary: dict[str, Any] = {}

        async def shows_the_appointment() -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            answer = await read_api.get("/coverage/summary?as_of=2023-06-30", headers=ADMIN)
            summary.update(answer.json())
            return answer.status_code == 200 and summary["deputy_secretaries_serving"] == 1

        await wait_until(
            shows_the_appointment, timeout=90, interval=0.3, what="the read API to show the appointment"
        )
        settings = ProjectionsSettings(
            kafka_bootstrap_servers=kafka_bootstrap,
            app_id=worker_app_id,
            source_topics=source_topics(topic),
        )

        async def caught_up() -> bool:
            return set((await measure(settings)).values()) == {0}

        await wait_until(caught_up, timeout=60, interval=0.5, what="the worker to commit its offsets (lag 0)")
        # Read again: events of other streams (the villages) sit on other partitions and may have been
        # applied after the appointment was first seen.
        summary = (await read_api.get("/coverage/summary?as_of=2023-06-30", headers=ADMIN)).json()
    assert (summary["villages"], summary["villages_lacking_deputy_secretary"], summary["stations"]) == (
        3,
        2,
        2,
    )
