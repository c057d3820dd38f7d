"""Read model "coverage" and its API: figures as of a date, scoped to the caller, replay-safe,
with events that cannot be applied parked without blocking the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import Retried
from services.projections.dispatch import apply_batch
from services.projections.dispatch import project
from services.projections.dispatch import retry_parked
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.coverage import COVERAGE
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer

ADMIN = bearer(Role.CITY_ADMIN)
DAY0 = date(2023, 1, 1)


def unit(code: str, kind: OrgUnitKind, parent: str | None, j: Jurisdiction) -> list[EventEnvelope]:
    stream = Stream(f"orgunit-{code}", j)
    events = [
        stream.next(
            OrganisationUnitRegistered(code=code, kind=kind, name_zh=code, name_en=code, parent_code=parent),
            DAY0,
        )
    ]
    if kind is OrgUnitKind.VILLAGE:
        events.append(
            stream.next(
                VillageCoverageAssigned(
                    station_code="S01" if parent == "T01" else "S02", village_code=code, effective_from=DAY0
                ),
                DAY0,
            )
        )
    return events


def grid() -> list[EventEnvelope]:
    events = unit("C", OrgUnitKind.CITY, None, Jurisdiction())
    events += unit("T01", OrgUnitKind.TOWNSHIP, "C", Jurisdiction(township="T01"))
    events += unit("T02", OrgUnitKind.TOWNSHIP, "C", Jurisdiction(township="T02"))
    events += unit("S01", OrgUnitKind.POLICE_STATION, "C", Jurisdiction(station="S01"))
    events += unit("S02", OrgUnitKind.POLICE_STATION, "C", Jurisdiction(station="S02"))
    for code, township in [("V1", "T01"), ("V2", "T01"), ("V3", "T02")]:
        station = "S01" if township == "T01" else "S02"
        events += unit(
            code,
            OrgUnitKind.VILLAGE,
            township,
            Jurisdiction(township=township, station=station, village=code),
        )
    return events


def appointment(
    ident: str,
    kind: AppointmentKind,
    village: str,
    station: str,
    township: str,
    approved: date,
    certified: date | None = None,
    ended: date | None = None,
) -> list[EventEnvelope]:
    stream = Stream(f"appointment-{ident}", Jurisdiction(township=township, station=station, village=village))
    events = [
        stream.next(
            AppointmentNominated(
                appointment_id=ident,
                kind=kind,
                person_id=f"P-{ident}",
                station_code=station,
                village_code=village,
                term_start=date(2023, 3, 1),
                term_end=date(2026, 2, 28),
            ),
            date(2023, 2, 1),
        ),
        stream.next(AppointmentApproved(appointment_id=ident, approved_on=approved), approved),
    ]
    if certified:
        events.append(
            stream.next(
                AppointmentCertificateIssued(
                    appointment_id=ident, certificate_number=f"DZ-{ident}", issued_on=certified
                ),
                certified,
            )
        )
    if ended:
        events.append(
            stream.next(
                AppointmentEnded(
                    appointment_id=ident, reason=AppointmentEndReason.TRANSFERRED, ended_on=ended
                ),
                ended,
            )
        )
    return events


DEPUTY, DIRECTOR = AppointmentKind.DEPUTY_PARTY_SECRETARY, AppointmentKind.JOINT_DEFENCE_DIRECTOR
HISTORY = (
    grid()
    + appointment("a1", DEPUTY, "V1", "S01", "T01", approved=date(2023, 3, 10), certified=date(2023, 3, 15))
    + appointment("a2", DEPUTY, "V3", "S02", "T02", approved=date(2023, 3, 10), ended=date(2023, 9, 1))
    + appointment("a3", DIRECTOR, "V1", "S01", "T01", approved=date(2023, 4, 1), certified=date(2023, 4, 2))
)


async def feed(generations: Generations, events: list[EventEnvelope]) -> None:
    for envelope in events:
        await project(generations, READ_MODELS, envelope)


async def get(api: httpx.AsyncClient, path: str, headers: dict[str, str] = ADMIN) -> dict[str, Any]:
    answer = await api.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_summary_as_of_dates(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    june = await get(read_api, "/coverage/summary?as_of=2023-06-30")
    assert {
        k: june[k]
        for k in (
            "villages",
            "villages_with_deputy_secretary",
            "villages_lacking_deputy_secretary",
            "stations",
            "stations_with_director",
            "deputy_secretaries_certified",
            "directors_certified",
        )
    } == {
        "villages": 3,
        "villages_with_deputy_secretary": 2,
        "villages_lacking_deputy_secretary": 1,
        "stations": 2,
        "stations_with_director": 1,
        "deputy_secretaries_certified": 1,
        "directors_certified": 1,
    }
    october = await get(read_api, "/coverage/summary?as_of=2023-10-01")  # a2 ended in September
    assert october["villages_with_deputy_secretary"] == 1
    before = await get(read_api, "/coverage/summary?as_of=2022-12-31")  # before any appointment
    assert (
        before["villages"],
        before["villages_with_deputy_secretary"],
        before["stations_with_director"],
    ) == (3, 0, 0)


async def test_lists_are_paginated_and_scoped_to_the_caller(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    lacking = await get(read_api, "/coverage/villages-lacking-deputy-secretary?as_of=2023-10-01&page_size=1")
    assert (lacking["total"], [v["code"] for v in lacking["items"]]) == (2, ["V2"])
    second = await get(
        read_api, "/coverage/villages-lacking-deputy-secretary?as_of=2023-10-01&page_size=1&page=2"
    )
    assert [v["code"] for v in second["items"]] == ["V3"]

    t02 = bearer(Role.TOWNSHIP_OFFICER, "T02")
    scoped = await get(read_api, "/coverage/villages-lacking-deputy-secretary?as_of=2023-10-01", headers=t02)
    assert [v["code"] for v in scoped["items"]] == ["V3"]
    summary = await get(read_api, "/coverage/summary?as_of=2023-06-30", headers=t02)
    assert (summary["villages"], summary["deputy_secretaries_serving"], summary["stations"]) == (1, 1, 1)
    stations = await get(read_api, "/coverage/stations-lacking-director?as_of=2023-06-30", headers=t02)
    assert [s["code"] for s in stations["items"]] == ["S02"]


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    first = await get(read_api, "/coverage/summary?as_of=2023-06-30")
    await feed(generations, HISTORY)
    assert await get(read_api, "/coverage/summary?as_of=2023-06-30") == first


async def test_an_event_that_cannot_apply_is_parked_with_its_stream_and_retried_later(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    broken = appointment("a9", DEPUTY, "V2", "S01", "T01", approved=date(2023, 5, 1), ended=date(2023, 8, 1))
    nomination, approval, end = broken
    await kafka_log.feed(generations, [*grid(), approval, end])  # the nomination got lost upstream
    coverage = await generations.active_pool(COVERAGE)
    parked = await coverage.fetch("SELECT event_id, reason FROM parked_events ORDER BY stream_version")
    assert [r["event_id"] for r in parked] == [approval.event_id, end.event_id]
    assert "not in the read model" in parked[0]["reason"] and "waiting behind" in parked[1]["reason"]
    # Other streams were not held up.
    assert (await get(read_api, "/coverage/summary?as_of=2023-06-30"))["villages"] == 3

    await kafka_log.feed(generations, [nomination])  # the fix: the missing event arrives
    retried = await retry_parked(coverage, COVERAGE, kafka_log.bootstrap_servers)
    assert retried == Retried(applied=2, still_parked=0)
    july = await get(read_api, "/coverage/summary?as_of=2023-07-01")
    assert july["villages_with_deputy_secretary"] == 1


@pytest.mark.parametrize("query", ["as_of=2023-02-30", "township=bad%20code", "page=0", "page_size=501"])
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/coverage/villages-lacking-deputy-secretary?{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/coverage/summary")).status_code == 401


def cli(database_url: str, schema: str, kafka: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_SCHEMA": schema,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
    }
    return subprocess.run(
        [sys.executable, "-m", "services.projections.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_operators_list_and_retry_parked_events_from_the_cli(
    generations: Generations, database_url: str, schema: str, kafka_log: KafkaLog
) -> None:
    nomination, approval, end = appointment(
        "a9", DEPUTY, "V2", "S01", "T01", date(2023, 5, 1), ended=date(2023, 8, 1)
    )
    await kafka_log.feed(generations, [*grid(), approval, end, nomination])
    kafka = kafka_log.bootstrap_servers
    listed = cli(database_url, schema, kafka, "parked", "coverage")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["event_id"], r["event_type"], r["stream_version"]) for r in rows] == [
        (str(approval.event_id), "AppointmentApproved", 2),
        (str(end.event_id), "AppointmentEnded", 3),
    ]
    # Where to find each in Kafka, and why it waits; not the event itself.
    assert {r["kafka_topic"] for r in rows} == {kafka_log.topic} and rows[0]["kafka_offset"] >= 0
    assert rows[0]["kafka_offset"] < rows[1]["kafka_offset"] and rows[0]["attempts"] == 1
    assert "not in the read model" in rows[0]["reason"]
    assert set(rows[0]) == {
        "read_model",
        "event_id",
        "event_type",
        "stream_id",
        "stream_version",
        "kafka_topic",
        "kafka_partition",
        "kafka_offset",
        "reason",
        "attempts",
        "parked_at",
        "last_attempt_at",
    }
    retried = cli(database_url, schema, kafka, "retry", "coverage")
    assert (retried.returncode, retried.stdout.strip()) == (0, "coverage: 2 applied, 0 still parked")
    assert cli(database_url, schema, kafka, "parked").stdout == ""


async def test_a_batch_applies_in_one_transaction_and_falls_back_to_parking_one_by_one(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    coverage = await generations.active_pool(COVERAGE)
    history = await kafka_log.put(HISTORY)
    assert await apply_batch(coverage, COVERAGE, history) == len(HISTORY)
    assert await apply_batch(coverage, COVERAGE, history) == 0  # a replay applies nothing
    # An event applied before, and an event twice in one batch: each new event is applied once.
    deputy = appointment("a7", DEPUTY, "V3", "S02", "T02", approved=date(2023, 5, 1))
    fresh = await kafka_log.put(list(deputy))
    assert await apply_batch(coverage, COVERAGE, [history[0], *fresh, fresh[0]]) == len(fresh)
    assert await coverage.fetchval("SELECT count(*) FROM rm_appointments WHERE appointment_id = 'a7'") == 1

    _nomination, approval, end = appointment(
        "a9", DEPUTY, "V2", "S01", "T01", date(2023, 5, 1), ended=date(2023, 8, 1)
    )
    good = appointment("a8", DIRECTOR, "V3", "S02", "T02", approved=date(2023, 5, 1))
    assert await apply_batch(coverage, COVERAGE, await kafka_log.put([approval, end, *good])) == len(good)
    parked = await coverage.fetch("SELECT event_id FROM parked_events ORDER BY stream_version")
    assert [r["event_id"] for r in parked] == [approval.event_id, end.event_id]
    assert (await get(read_api, "/coverage/summary?as_of=2023-06-30"))["stations_with_director"] == 2
