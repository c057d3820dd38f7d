"""The sender on real PostgreSQL and a real local HTTP receiver: a receiver in an outage waits its
back-off while the others' alerts go out, and rows of a receiver taken out of the settings neither
fill the batch nor are posted."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import httpx

from services.alerts.process import SEND_BATCH
from services.alerts.process import Alerts
from services.alerts.rules import LEAD_OVERDUE
from services.alerts.rules import Alert
from services.alerts.settings import AlertsSettings
from services.alerts.settings import Receiver
from services.alerts.tests.integration.conftest import NOW
from services.alerts.tests.integration.conftest import T01_V1
from services.alerts.tests.integration.conftest import Webhooks


def settings(database_url: str, schema: str, hooks: Webhooks, names: list[str]) -> AlertsSettings:
    return AlertsSettings(
        database_url=database_url,
        database_schema=schema,
        alert_receivers=[Receiver(name=n, url=hooks.url(n), format="json") for n in names],
        alert_retry_seconds=30,
        alert_retry_max_seconds=100,
    )


async def undelivered(pool: asyncpg.Pool, receiver: str) -> list[tuple[int, str | None]]:
    rows = await pool.fetch(
        "SELECT attempts, last_error FROM alert_notifications WHERE receiver = $1 AND delivered_at IS NULL"
        " ORDER BY attempts DESC, item",
        receiver,
    )
    return [(r["attempts"], r["last_error"]) for r in rows]


async def test_a_failing_receiver_waits_while_the_others_go_out(
    alerts_pool: asyncpg.Pool, database_url: str, schema: str, webhooks: Webhooks
) -> None:
    clock = [NOW]
    # Decided while "removed" was still configured: more of its rows than a batch, decided first.
    before = Alerts(settings(database_url, schema, webhooks, ["removed"]), alerts_pool, now=lambda: clock[0])
    alerts = Alerts(
        settings(database_url, schema, webhooks, ["working", "broken"]), alerts_pool, now=lambda: clock[0]
    )
    async with alerts_pool.acquire() as conn:
        for n in range(SEND_BATCH + 1):
            facts = {"lead_id": f"R{n:03}"}
            assert (
                await before.notify(
                    conn, Alert(f"lead-R{n:03}", "overdue_triage", LEAD_OVERDUE, T01_V1, NOW, facts)
                )
                == 1
            )
        for n in range(3):
            facts = {"lead_id": f"L{n}"}
            assert (
                await alerts.notify(
                    conn, Alert(f"lead-L{n}", "overdue_triage", LEAD_OVERDUE, T01_V1, NOW, facts)
                )
                == 2
            )

    webhooks.down.add("broken")
    async with httpx.AsyncClient() as client:

        async def send_at(seconds: int) -> int:
            clock[0] = NOW + timedelta(seconds=seconds)
            return await alerts.send_pending(client)

        # The working receiver gets all three at once; the broken one is tried once, then waits
        # 30 s with every row of it.
        assert await send_at(0) == 3
        assert (webhooks.count("working"), webhooks.count("broken")) == (3, 1)
        assert await undelivered(alerts_pool, "broken") == [(1, "HTTP 503"), (0, None), (0, None)]
        assert await send_at(29) == 0
        assert webhooks.count("broken") == 1
        # Still down at 30 s: the oldest row again, now 60 s.
        assert await send_at(30) == 0
        assert webhooks.count("broken") == 2
        assert await undelivered(alerts_pool, "broken") == [(2, "HTTP 503"), (0, None), (0, None)]
        assert await send_at(89) == 0
        # Back up: everything goes out, in the order decided.
        webhooks.down.clear()
        assert await send_at(90) == 3
        assert await send_at(90) == 0

    assert [m["item"] for m in webhooks.messages["working"]] == ["lead-L0", "lead-L1", "lead-L2"]
    assert [m["item"] for m in webhooks.messages["broken"]] == [
        "lead-L0",
        "lead-L0",
        "lead-L0",
        "lead-L1",
        "lead-L2",
    ]
    assert await undelivered(alerts_pool, "broken") == []
    assert "removed" not in webhooks.messages
    assert await undelivered(alerts_pool, "removed") == [(0, None)] * (SEND_BATCH + 1)
