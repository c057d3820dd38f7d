"""Informant protection on real PostgreSQL and Kafka: the contact is nowhere in clear outside the sealed
store; only the handler or a city admin sees it, every attempt recorded; shredded, it is gone."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from govgrid.auth import Role
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.envelope import EventEnvelope
from govgrid.observability import JsonLogFormatter
from govgrid.testing.fixtures import wait_until
from govgrid.testing.kafka import read_topic
from govgrid.testing.relay import drained
from govgrid.testing.relay import make_relay
from govgrid.testing.relay import running
from govgrid.testing.relay import stored_events
from services.tips.application.retention import shred_expired
from services.tips.application.sealing import SealedContact
from services.tips.bootstrap import TipsService
from services.tips.tests.integration.conftest import ADMIN
from services.tips.tests.integration.conftest import CADRE
from services.tips.tests.integration.conftest import COLLEAGUE
from services.tips.tests.integration.conftest import CONTACT
from services.tips.tests.integration.conftest import HANDLER
from services.tips.tests.integration.conftest import LEAD
from services.tips.tests.integration.conftest import S02_OFFICER
from services.tips.tests.integration.conftest import TOWNSHIP
from services.tips.tests.integration.conftest import VIEWER
from services.tips.tests.integration.conftest import apply_registry_events
from services.tips.tests.integration.conftest import bearer
from services.tips.tests.integration.conftest import ok
from services.tips.tests.integration.conftest import refused
from services.tips.tests.integration.conftest import submit
from services.tips.tests.integration.conftest import today
from services.tips.tests.integration.conftest import verified_lead

PROJECT_ROOT = Path(__file__).resolve().parents[4]
SEALED_TABLES = frozenset({"lead_keys", "sealed_contacts"})
REASON = {"reason": "需再次联系举报人核实藏匿地点"}


def reveal_path(lead_id: str) -> str:
    return f"/leads/{lead_id}/informant-contact/reveal"


def contact_in(text: str) -> bool:
    """The planted contact, or its phone number or WeChat id, however spaced, cased or hyphenated."""
    flat = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text)).casefold()
    return "13800138000" in flat or "wx_informant_42" in flat


# ---------------------------------------------------------------- nowhere in clear


async def test_no_informant_contact_in_clear_in_events_topic_tables_logs_or_answers(
    api: httpx.AsyncClient,
    service: TipsService,
    kafka_bootstrap: str,
    topic: str,
    schema: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[httpx.Response] = []

    # A lead with the contact, submitted twice with one Idempotency-Key, through its whole life.
    submission = {**CADRE, "Idempotency-Key": "leak-scan-lead-0001"}
    answers += [await api.post("/leads", json=LEAD, headers=submission) for _ in range(2)]
    lead_id = answers[0].json()["lead_id"]
    answers.append(await api.post(f"/leads/{lead_id}/triage", json={"priority": "high"}, headers=COLLEAGUE))
    answers.append(
        await api.post(f"/leads/{lead_id}/assign", json={"officer_person_id": "P001"}, headers=COLLEAGUE)
    )
    answers.append(await api.post(f"/leads/{lead_id}/verify", json={"verified_on": today()}, headers=HANDLER))
    referral = {
        "outcome": "referred_to_mediation",
        "outcome_on": today(),
        "dispute_category": "neighbour",
        "summary": "甲乙两户因排水沟堵塞争执",
    }
    answers.append(await api.post(f"/leads/{lead_id}/outcomes", json=referral, headers=HANDLER))

    # The handler's reveal is the one answer that shows the contact, once; its replay does not.
    reveal = {**HANDLER, "Idempotency-Key": "leak-scan-reveal-0001"}
    shown = await api.post(reveal_path(lead_id), json=REASON, headers=reveal)
    assert shown.status_code == 200 and shown.json()["contact"] == CONTACT
    assert shown.headers["Cache-Control"] == "no-store" and contact_in(shown.text)  # the scan does see it
    replay = await api.post(reveal_path(lead_id), json=REASON, headers=reveal)
    assert replay.headers["Idempotent-Replayed"] == "true" and "contact" not in replay.json()
    answers.append(replay)
    answers += [await api.post(reveal_path(lead_id), json=REASON, headers=h) for h in (COLLEAGUE, CADRE)]

    # Requests carrying the contact that fail: the answers must not echo it.
    failing = [
        ({**LEAD, "description": f"举报人 {CONTACT}"}, ADMIN, 422),  # smuggled into the description
        ({**LEAD, "informant_contact": CONTACT * 20}, ADMIN, 422),  # too long
        ({**LEAD, "informant_contact": 13800138000}, ADMIN, 422),  # not a string
        ({**LEAD, "place_code": "V04"}, ADMIN, 409),  # no station covers the village
        (LEAD, VIEWER, 403),
        (LEAD, bearer(Role.VILLAGE_CADRE, "V03"), 403),
    ]
    for body, headers, status in failing:
        answers.append(await api.post("/leads", json=body, headers=headers))
        assert answers[-1].status_code == status, answers[-1].text
    broken_json = '{"channel": "app", "informant_contact": "' + CONTACT + '", '
    answers.append(
        await api.post("/leads", content=broken_json, headers={**ADMIN, "Content-Type": "application/json"})
    )
    repeated = {"reason": "按举报人要求回电 wx_informant_42 核实"}
    answers.append(await api.post(reveal_path(lead_id), json=repeated, headers=HANDLER))
    assert [a.status_code for a in answers[-2:]] == [422, 422]
    answers.append(await api.post(f"/leads/{lead_id}/close", json={"closed_on": today()}, headers=COLLEAGUE))

    # Everything reaches the topic.
    stored = await stored_events(service.pool)
    async with running(make_relay(service.pool, kafka_bootstrap, topic, schema)):
        await wait_until(lambda: drained(service.pool), what="the tips outbox drained")
    records = await read_topic(kafka_bootstrap, topic, at_least=len(stored))
    assert {EventEnvelope.from_json_bytes(r.value).event_id for r in records} == {e.event_id for e in stored}

    texts: dict[str, str] = {}
    for n, answer in enumerate(answers):
        texts[f"answer {n}: {answer.request.method} {answer.request.url.path}"] = answer.text + str(
            answer.headers
        )
    for record in records:
        texts[f"kafka {record.partition}/{record.offset}"] = (
            record.value.decode() + (record.key or b"").decode()
        )
    tables = {r["table_name"] for r in await service.pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
    )}  # fmt: skip
    assert {"events", "outbox", "idempotency_keys", "lead_index", "applied_events", "ref_people"} <= tables
    assert tables >= SEALED_TABLES
    for table in sorted(tables - SEALED_TABLES):
        for n, row in enumerate(await service.pool.fetch(f'SELECT t::text AS row FROM "{table}" t')):
            texts[f"table {table} row {n}"] = row["row"]
    assert sum(where.startswith("table events") for where in texts) == len(stored)
    assert sum(where.startswith("table idempotency_keys") for where in texts) == 2
    formatter = JsonLogFormatter("tips")
    assert caplog.records, "the scan needs the service's log lines"
    for n, log_record in enumerate(caplog.records):
        texts[f"log {n}: {log_record.name}"] = formatter.format(log_record)
    out, err = capfd.readouterr()
    texts["stdout"], texts["stderr"] = out, err

    leaked = sorted(where for where, text in texts.items() if contact_in(text))
    assert leaked == []

    # The sealed store holds ciphertext only.
    sealed = await service.pool.fetch(
        "SELECT s.ciphertext, k.wrapped_key FROM sealed_contacts s JOIN lead_keys k USING (lead_id)"
    )
    assert len(sealed) == 1
    assert not any(
        b"13800138000" in row["ciphertext"] or b"wx_informant_42" in row["ciphertext"] for row in sealed
    )


# ---------------------------------------------------------------- the handler and a city admin only


async def test_a_reveal_by_anyone_but_the_handler_or_a_city_admin_is_refused_and_recorded(
    api: httpx.AsyncClient, service: TipsService
) -> None:
    lead_id = await verified_lead(api)
    desk = bearer(Role.STATION_OFFICER, "S01", subject="s01-desk")
    attempts = [
        (COLLEAGUE, "P002", "not_the_handler"),
        (desk, "s01-desk", "not_the_handler"),
        (S02_OFFICER, "P003", "outside_jurisdiction"),
        (CADRE, "K001", "role_not_allowed"),
        (TOWNSHIP, "t01-officer", "role_not_allowed"),
        (VIEWER, "dashboard", "role_not_allowed"),
    ]
    for headers, _, refusal in attempts:
        answer = await refused(
            await api.post(reveal_path(lead_id), json=REASON, headers=headers), 403, "forbidden"
        )
        assert refusal in answer["detail"] and "contact" not in answer
    assert (await ok(await api.post(reveal_path(lead_id), json=REASON, headers=HANDLER)))[
        "contact"
    ] == CONTACT
    assert (await ok(await api.post(reveal_path(lead_id), json=REASON, headers=ADMIN)))["contact"] == CONTACT

    history = (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()[4:]
    assert [(e["event_type"], e["payload"]["by"], e["actor"]) for e in history] == [
        *(("InformantRevealRefused", subject, subject) for _, subject, _ in attempts),
        ("InformantContactRevealed", "P001", "P001"),
        ("InformantContactRevealed", "city-admin", "city-admin"),
    ]
    assert [e["payload"].get("refusal") for e in history[:6]] == [refusal for _, _, refusal in attempts]
    assert {e["payload"]["reason"] for e in history} == {REASON["reason"]}
    assert [e["payload"]["role"] for e in history[3:6]] == ["village_cadre", "township_officer", "viewer"]
    state = await ok(await api.get(f"/leads/{lead_id}", headers=ADMIN))
    assert (state["reveals"], state["refused_reveals"]) == (2, 6)

    # A replayed refusal is not a second attempt.
    keyed = {**COLLEAGUE, "Idempotency-Key": "reveal-attempt-0001"}
    first, again = [await api.post(reveal_path(lead_id), json=REASON, headers=keyed) for _ in range(2)]
    assert first.status_code == again.status_code == 403 and again.headers["Idempotent-Replayed"] == "true"
    assert (await ok(await api.get(f"/leads/{lead_id}", headers=ADMIN)))["refused_reveals"] == 7

    # The right follows the lead: handed to P002, who is then transferred to another station.
    await ok(await api.post(f"/leads/{lead_id}/assign", json={"officer_person_id": "P002"}, headers=ADMIN))
    old_handler = await refused(
        await api.post(reveal_path(lead_id), json=REASON, headers=HANDLER), 403, "forbidden"
    )
    assert "not_the_handler" in old_handler["detail"]
    await ok(await api.post(reveal_path(lead_id), json=REASON, headers=COLLEAGUE))
    transfer = PoliceOfficerTransferred(
        person_id="P002", from_station_code="S01", to_station_code="S02", effective_on=date(2024, 1, 1)
    )
    await apply_registry_events(service, [("person-P002", transfer)])
    stale_token = await refused(
        await api.post(reveal_path(lead_id), json=REASON, headers=COLLEAGUE), 403, "forbidden"
    )
    assert "handler_left_station" in stale_token["detail"]

    anonymous = await submit(api, informant_contact=None)
    await refused(
        await api.post(reveal_path(anonymous), json=REASON, headers=ADMIN), 409, "no_informant_contact"
    )


# ---------------------------------------------------------------- crypto-shredding


async def test_after_shredding_the_contact_cannot_be_recovered(
    api: httpx.AsyncClient, service: TipsService, database_url: str, schema: str
) -> None:
    # Received in November 2023 and closed then: its 180 days of retention ended in May 2024.
    lead_id = await verified_lead(api, verified_on="2023-11-03", received_at="2023-11-02T09:30:00+08:00")
    arrest = {"outcome": "fugitive_arrested", "case_number": "DZ2023-1106", "outcome_on": "2023-11-06"}
    await ok(await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER))
    closed = await ok(
        await api.post(f"/leads/{lead_id}/close", json={"closed_on": "2023-11-28"}, headers=HANDLER)
    )
    assert closed["informant_contact_shred_on"] == "2024-05-26"
    recent = await verified_lead(api)  # closed today: its retention runs
    await ok(
        await api.post(f"/leads/{recent}/outcomes", json={**arrest, "outcome_on": today()}, headers=HANDLER)
    )
    await ok(await api.post(f"/leads/{recent}/close", json={"closed_on": today()}, headers=HANDLER))
    assert (await ok(await api.post(reveal_path(lead_id), json=REASON, headers=HANDLER)))[
        "contact"
    ] == CONTACT

    # A copy of the ciphertext, as an old dump of the table would keep it.
    copied = await service.pool.fetchrow(
        "SELECT ref, nonce, ciphertext FROM sealed_contacts WHERE lead_id = $1", lead_id
    )
    events_before = await service.pool.fetchval("SELECT count(*) FROM events")

    # The maintenance command, as a cron job runs it.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.tips.cli",
        "shred-expired",
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DATABASE_SCHEMA": schema},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert json.loads(out)["shredded"] == [lead_id]

    # Gone from the sealed store; the other lead keeps its contact until its own retention ends.
    keys = await service.pool.fetch("SELECT lead_id FROM lead_keys")
    assert [r["lead_id"] for r in keys] == [recent]
    assert (
        await service.pool.fetchval("SELECT count(*) FROM sealed_contacts WHERE lead_id = $1", lead_id) == 0
    )
    # The history stays intact: one event more, none changed.
    assert await service.pool.fetchval("SELECT count(*) FROM events") == events_before + 1
    history = (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history[-3:]] == [
        "LeadClosed",
        "InformantContactRevealed",
        "InformantContactShredded",
    ]
    assert history[-1]["payload"]["informant_ref"] == copied["ref"] and history[-1]["actor"].startswith(
        "cli:"
    )
    state = await ok(await api.get(f"/leads/{lead_id}", headers=ADMIN))
    assert state["informant_contact"] == "shredded"

    # Nobody can reveal it any more, not even a city admin; the attempt changes nothing.
    await refused(
        await api.post(reveal_path(lead_id), json=REASON, headers=ADMIN), 409, "informant_contact_shredded"
    )
    assert await service.pool.fetchval("SELECT count(*) FROM events") == events_before + 1

    # The copied ciphertext opens with nothing left: not the master key, not any remaining lead key.
    remaining = await service.pool.fetch(
        "SELECT lead_id, master_key_id, key_nonce, wrapped_key FROM lead_keys"
    )
    master_key = base64.b64decode(service.settings.informant_master_key.get_secret_value())
    candidate_keys = [master_key]
    for row in remaining:
        other = SealedContact(ref="", nonce=b"", ciphertext=b"", **dict(row))
        candidate_keys.append(_unwrapped(master_key, other))
    assert len(candidate_keys) == 2
    aad = f"tips/contact/{lead_id}/{copied['ref']}".encode()
    for key in candidate_keys:
        with pytest.raises(InvalidTag):
            AESGCM(key).decrypt(copied["nonce"], copied["ciphertext"], aad)

    # A second run finds nothing to do.
    again = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.tips.cli",
        "shred-expired",
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DATABASE_SCHEMA": schema},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(again.communicate(), timeout=60)
    assert json.loads(out)["shredded"] == []


def _unwrapped(master_key: bytes, sealed: SealedContact) -> bytes:
    """Another lead's data key, unwrapped with the master key (what a holder of both could do)."""
    aad = f"tips/lead-key/{sealed.lead_id}/{sealed.master_key_id}".encode()
    key: bytes = AESGCM(master_key).decrypt(sealed.key_nonce, sealed.wrapped_key, aad)
    return key


async def test_concurrent_retention_runs_shred_each_contact_once(
    api: httpx.AsyncClient, service: TipsService
) -> None:
    lead_ids: list[str] = []
    for _ in range(3):
        lead_id = await verified_lead(api, verified_on="2023-11-03", received_at="2023-11-02T09:30:00+08:00")
        arrest = {
            "outcome": "case_opened",
            "case_number": f"DZ2023-{len(lead_ids)}",
            "outcome_on": "2023-11-06",
        }
        await ok(await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER))
        await ok(await api.post(f"/leads/{lead_id}/close", json={"closed_on": "2023-11-28"}, headers=HANDLER))
        lead_ids.append(lead_id)

    runs = await asyncio.gather(*(shred_expired(service, date(2024, 5, 26)) for _ in range(3)))
    assert sorted(lead for run in runs for lead in run) == sorted(lead_ids)  # each by exactly one run
    shredded = await service.pool.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'InformantContactShredded'"
    )
    assert shredded == 3 and await service.pool.fetchval("SELECT count(*) FROM lead_keys") == 0
