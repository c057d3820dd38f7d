"""A lead's clocks through the API on real PostgreSQL: started and stopped with its stages, paused,
resumed, extended once by a role above, carried over; authorisation before every clock rule."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import httpx

from services.tips.bootstrap import TipsService
from services.tips.tests.integration.conftest import ADMIN
from services.tips.tests.integration.conftest import COLLEAGUE
from services.tips.tests.integration.conftest import HANDLER
from services.tips.tests.integration.conftest import S02_OFFICER
from services.tips.tests.integration.conftest import TOWNSHIP
from services.tips.tests.integration.conftest import ok
from services.tips.tests.integration.conftest import refused
from services.tips.tests.integration.conftest import submit
from services.tips.tests.integration.conftest import today


def moment() -> str:
    return datetime.now(UTC).isoformat()


def clock(answer: dict[str, Any], stage: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in answer["by_stage"] if c["stage"] == stage)
    return found


async def test_a_clock_paused_resumed_and_extended_once_by_the_township(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    await ok(await api.post(f"/leads/{lead_id}/triage", json={"priority": "high"}, headers=COLLEAGUE))
    url = f"/leads/{lead_id}/clocks/decision"

    other = {"paused_at": moment(), "reason": "other", "note": " "}
    await refused(await api.post(f"{url}/pause", json=other, headers=HANDLER), 409, "reason_required")
    paused = await ok(
        await api.post(
            f"{url}/pause", json={"paused_at": moment(), "reason": "waiting_for_party"}, headers=HANDLER
        )
    )
    assert clock(paused, "decision")["state"] == "paused"
    assert clock(paused, "triage")["state"] == "stopped"  # triage stopped it, in the same command
    resumed = await ok(await api.post(f"{url}/resume", json={"resumed_at": moment()}, headers=HANDLER))
    assert clock(resumed, "decision")["state"] == "running"
    await refused(
        await api.post(f"{url}/resume", json={"resumed_at": moment()}, headers=HANDLER),
        409,
        "clock_not_paused",
    )

    extension = {"extended_at": moment(), "working_days": 5, "reason": "证人外出务工，节后返乡"}
    await refused(
        await api.post(f"{url}/extend", json=extension, headers=HANDLER), 409, "extension_needs_higher_role"
    )
    extended = await ok(await api.post(f"{url}/extend", json=extension, headers=TOWNSHIP))
    decision = clock(extended, "decision")
    assert decision["extended"] is True and decision["due_on"] > clock(resumed, "decision")["due_on"]
    await refused(
        await api.post(f"{url}/extend", json=extension, headers=ADMIN), 409, "clock_already_extended"
    )

    assign = {"officer_person_id": "P001"}
    await ok(await api.post(f"/leads/{lead_id}/assign", json=assign, headers=COLLEAGUE))
    await ok(await api.post(f"/leads/{lead_id}/verify", json={"verified_on": today()}, headers=HANDLER))
    pause = {"paused_at": moment(), "reason": "holiday"}
    await refused(await api.post(f"{url}/pause", json=pause, headers=HANDLER), 409, "clock_not_running")
    # The lead's own history is its own: the clocks have a stream beside it.
    history = (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history] == [
        "LeadReceived",
        "LeadTriaged",
        "LeadAssigned",
        "LeadVerified",
    ]


async def test_carried_over_in_the_month_it_is_due(api: httpx.AsyncClient) -> None:
    # Received Friday 20 June 2025 at 10:00 and never triaged: triage was due on Monday the 23rd.
    lead_id = await submit(api, received_at="2025-06-20T10:00:00+08:00")
    url = f"/leads/{lead_id}/clocks/triage/carry-over"
    july = {"carried_over_at": "2025-07-01T09:00:00+08:00", "reason": "报案人联系不上"}
    await refused(await api.post(url, json=july, headers=HANDLER), 409, "not_due_in_period")
    await refused(
        await api.post(
            url, json={**july, "carried_over_at": "2025-06-30T17:00:00+08:00", "reason": ""}, headers=HANDLER
        ),
        409,
        "reason_required",
    )
    june = {**july, "carried_over_at": "2025-06-30T17:00:00+08:00"}
    carried = await ok(await api.post(url, json=june, headers=HANDLER))
    assert (clock(carried, "triage")["due_on"], clock(carried, "triage")["carried_into"]) == (
        "2025-07-31",
        "2025-07",
    )
    assert carried["version"] == 2


async def test_authorisation_and_input_come_before_the_clocks_rules(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    pause = {"paused_at": moment(), "reason": "other"}  # would break reason_required
    response = await api.post(f"/leads/{lead_id}/clocks/triage/pause", json=pause, headers=S02_OFFICER)
    assert response.status_code == 403 and lead_id not in response.text
    await refused(
        await api.post(f"/leads/{'0' * 32}/clocks/triage/pause", json=pause, headers=HANDLER),
        404,
        "not_found",
    )
    bad_stage = await api.post(f"/leads/{lead_id}/clocks/outcome/pause", json=pause, headers=HANDLER)
    assert bad_stage.status_code == 422
    future = {"paused_at": "2100-01-01T00:00:00+08:00", "reason": "holiday"}
    await refused(
        await api.post(f"/leads/{lead_id}/clocks/triage/pause", json=future, headers=HANDLER),
        409,
        "date_in_future",
    )
    await refused(
        await api.post(
            f"/leads/{lead_id}/clocks/decision/pause", json={**pause, "note": "x"}, headers=HANDLER
        ),
        409,
        "clock_not_started",
    )


async def test_a_lead_from_before_the_clocks_answers_4xx_and_gets_its_decision_clock_at_triage(
    api: httpx.AsyncClient, service: TipsService
) -> None:
    # A lead received before the upgrade has no clock stream: as if its leadclock- stream were gone.
    lead_id = await submit(api)
    async with service.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("DELETE FROM events WHERE stream_id = $1", f"leadclock-{lead_id}")
    pause = {"paused_at": moment(), "reason": "waiting_for_party"}
    url = f"/leads/{lead_id}/clocks"
    await refused(
        await api.post(f"{url}/triage/pause", json=pause, headers=HANDLER), 409, "clock_not_started"
    )
    await ok(await api.post(f"/leads/{lead_id}/triage", json={"priority": "high"}, headers=COLLEAGUE))
    paused = await ok(
        await api.post(f"{url}/decision/pause", json={**pause, "paused_at": moment()}, headers=HANDLER)
    )
    assert [(c["stage"], c["state"]) for c in paused["by_stage"]] == [("decision", "paused")]
