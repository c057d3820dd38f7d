"""The alerts process on real PostgreSQL (and, end to end, Kafka) with a local webhook receiver: which
items alert whom, in which format, once per item and state, within each receiver's jurisdiction."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from datetime import timedelta

import asyncpg
import httpx

from govgrid.envelope import EventEnvelope
from govgrid.kafka import ensure_topics
from govgrid.kafka import idempotent_producer
from govgrid.projection import ApplyOnce
from govgrid.testing.fixtures import wait_until
from services.alerts.process import PROJECTION
from services.alerts.process import SOURCES
from services.alerts.process import Alerts
from services.alerts.tests.integration.conftest import NOW
from services.alerts.tests.integration.conftest import T01_V1
from services.alerts.tests.integration.conftest import T02_V3
from services.alerts.tests.integration.conftest import Webhooks
from services.alerts.tests.integration.conftest import deputy_secretary_ended
from services.alerts.tests.integration.conftest import dispute
from services.alerts.tests.integration.conftest import lead
from services.alerts.tests.integration.conftest import places
from services.alerts.tests.integration.conftest import settings_for


def history() -> list[EventEnvelope]:
    return (
        places()
        + deputy_secretary_ended("A1", ended=date(2026, 12, 2))
        + lead("L1", T02_V3, triage_due=NOW - timedelta(hours=1))  # overdue: S02, city, T02
        + lead("L2", T01_V1, triage_due=NOW - timedelta(hours=1), verified=True)  # settled in time
        + lead("L3", T01_V1, triage_due=NOW + timedelta(hours=1), triaged_due=NOW + timedelta(hours=2))
        + lead("L4", T01_V1, triage_due=NOW - timedelta(days=30))  # history, not news
        + dispute("D1", T01_V1, registered=date(2026, 11, 1))  # 30 days passed on 1 December
        + dispute("D2", T02_V3, registered=date(2026, 11, 20), escalated=date(2026, 12, 2))
        + dispute("D3", T01_V1, registered=date(2025, 1, 1), escalated=date(2025, 2, 1))  # history
    )


async def decided(pool: asyncpg.Pool) -> dict[str, list[str]]:
    rows = await pool.fetch("SELECT receiver, item, state FROM alert_notifications ORDER BY item, state")
    by_receiver: dict[str, list[str]] = {}
    for r in rows:
        by_receiver.setdefault(r["receiver"], []).append(f"{r['item']}:{r['state']}")
    return by_receiver


async def test_each_item_and_state_alerts_the_receivers_that_see_it_once(
    alerts_pool: asyncpg.Pool, database_url: str, schema: str, webhooks: Webhooks
) -> None:
    clock = [NOW]
    alerts = Alerts(settings_for(database_url, schema, webhooks), alerts_pool, now=lambda: clock[0])
    once = ApplyOnce(alerts_pool, PROJECTION)
    for envelope in history():
        await once.apply(envelope, alerts.apply)
    assert await alerts.sweep() == 5  # L1 (S02, city, T02) and D1 (T01, city); the others at once
    assert await decided(alerts_pool) == {
        "city-json": [
            "dispute-D1:overdue",
            "dispute-D2:escalated_to_township",
            "lead-L1:overdue_triage",
            "village-V1:deputy_secretary_lost:A1",
        ],
        "refusing": ["dispute-D2:escalated_to_township", "lead-L1:overdue_triage"],
        "s02-dingtalk": ["dispute-D2:escalated_to_township", "lead-L1:overdue_triage"],
        "t01-wecom": ["dispute-D1:overdue", "village-V1:deputy_secretary_lost:A1"],
    }

    # L3's decision deadline passes later; re-triage had replaced its triage deadline.
    clock[0] = NOW + timedelta(hours=3)
    assert await alerts.sweep() == 2
    assert (await decided(alerts_pool))["t01-wecom"] == [
        "dispute-D1:overdue",
        "lead-L3:overdue_decision",
        "village-V1:deputy_secretary_lost:A1",
    ]

    # Redelivered events and a restarted process decide nothing again.
    restarted = Alerts(settings_for(database_url, schema, webhooks), alerts_pool, now=lambda: clock[0])
    for envelope in history():
        await ApplyOnce(alerts_pool, PROJECTION).apply(envelope, restarted.apply)
    assert await restarted.sweep() == 0
    assert sum(len(v) for v in (await decided(alerts_pool)).values()) == 12

    # Sending: each once; a refusing robot's messages stay undelivered and wait to be tried again.
    async with httpx.AsyncClient() as client:
        assert await restarted.send_pending(client) == 10
        assert await restarted.send_pending(client) == 0
        assert {name: webhooks.count(name) for name in webhooks.messages} == {
            "t01-wecom": 3,
            "city-json": 5,
            "s02-dingtalk": 2,
            "refusing": 1,
        }
        clock[0] += timedelta(seconds=30)
        assert await restarted.send_pending(client) == 0
    assert webhooks.count("refusing") == 2
    failed = await alerts_pool.fetch(
        "SELECT attempts, last_error, next_attempt_at FROM alert_notifications WHERE delivered_at IS NULL"
        " ORDER BY attempts"
    )
    later = clock[0] + timedelta(seconds=60)
    assert [(r["attempts"], r["last_error"], r["next_attempt_at"]) for r in failed] == [
        (0, None, later),
        (2, "errcode 93000: invalid webhook url", later),
    ]

    lost = next(m for m in webhooks.messages["t01-wecom"] if "缺民警副书记" in m["markdown"]["content"])
    assert lost == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**村（社区）缺民警副书记**\n地点：那大镇 › 那大派出所 › 干冲村\n村（社区）：干冲村\n"
            "任职终止：2026-12-02\n时间：2026-12-02T00:00+08:00"
        },
    }
    titles = [m["markdown"]["title"] for m in webhooks.messages["s02-dingtalk"]]
    assert sorted(titles) == ["矛盾纠纷上报", "群众线索逾期"]
    escalated = webhooks.messages["s02-dingtalk"][titles.index("矛盾纠纷上报")]
    assert "上报：村级 → 乡镇" in escalated["markdown"]["text"]
    overdue = next(m for m in webhooks.messages["city-json"] if m["item"] == "lead-L1")
    assert overdue["notification"] == "lead-L1:overdue_triage"
    assert overdue["jurisdiction"] == {"township": "T02", "station": "S02", "village": "V3"}
    everything = json.dumps(webhooks.messages, ensure_ascii=False)
    assert "电动车被盗" not in everything and "宅基地" not in everything and "P-1" not in everything


SOURCE_OF_STREAM = {
    "orgunit": "appointments",
    "appointment": "appointments",
    "lead": "tips",
    "dispute": "mediation",
}


async def test_from_kafka_once_across_a_restart(
    alerts_pool: asyncpg.Pool,
    database_url: str,
    schema: str,
    kafka_bootstrap: str,
    topic: str,
    webhooks: Webhooks,
) -> None:
    topics = {service: f"{topic}.{service}" for service in SOURCES}
    await ensure_topics(kafka_bootstrap, {t: 3 for t in topics.values()})
    producer = idempotent_producer(kafka_bootstrap, "test-writer")
    await producer.start()

    async def publish(envelopes: list[EventEnvelope]) -> None:
        for e in envelopes:
            target = topics[SOURCE_OF_STREAM[e.stream_id.split("-")[0]]]
            await producer.send_and_wait(target, e.to_json_bytes(), key=e.stream_id.encode())

    settings = settings_for(
        database_url,
        schema,
        webhooks,
        service_name=f"alerts-{schema}",
        kafka_bootstrap_servers=kafka_bootstrap,
        alert_sweep_seconds=0.2,
        alert_send_seconds=0.2,
    )

    async def running(until: dict[str, int]) -> None:
        """The process, from start until the receivers got ``until``, then stopped."""
        stopping = asyncio.Event()
        alerts = Alerts(settings, alerts_pool, now=lambda: NOW + timedelta(hours=3), topics=topics)
        process = asyncio.create_task(alerts.run(stopping))
        try:
            await wait_until(lambda: _got(webhooks, until), timeout=60, what=f"the webhooks to get {until}")
        finally:
            stopping.set()
            await process

    try:
        events = history()
        await publish(events)
        await running({"t01-wecom": 3, "city-json": 5, "s02-dingtalk": 2})

        # Restarted, with every event delivered again and one new escalation in T01.
        await publish(
            events + dispute("D9", T01_V1, registered=date(2026, 12, 1), escalated=date(2026, 12, 3))
        )
        await running({"t01-wecom": 4, "city-json": 6})
    finally:
        await producer.stop()
    assert (webhooks.count("t01-wecom"), webhooks.count("city-json"), webhooks.count("s02-dingtalk")) == (
        4,
        6,
        2,
    )
    assert webhooks.messages["city-json"][-1]["notification"] == "dispute-D9:escalated_to_township"
    items = [m["notification"] for m in webhooks.messages["city-json"]]
    assert len(items) == len(set(items))


async def _got(webhooks: Webhooks, counts: dict[str, int]) -> bool:
    return all(webhooks.count(name) >= n for name, n in counts.items())
