"""A dispute's clocks through the API on real PostgreSQL: the level's clock paused for a party and
resumed, extended by the rung above its owner (the township over the station, the city over the
township), moved up the ladder by an escalation; authorisation before every clock rule."""

from __future__ import annotations

from typing import Any

import httpx

from services.mediation.tests.integration.conftest import ADMIN
from services.mediation.tests.integration.conftest import PAIR
from services.mediation.tests.integration.conftest import S01
from services.mediation.tests.integration.conftest import S02
from services.mediation.tests.integration.conftest import T01
from services.mediation.tests.integration.conftest import ok
from services.mediation.tests.integration.conftest import register
from services.mediation.tests.integration.conftest import session


def clock(answer: dict[str, Any], stage: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in answer["by_stage"] if c["stage"] == stage)
    return found


async def refused(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


async def test_the_levels_clock_paused_extended_and_moved_up_the_ladder(world: httpx.AsyncClient) -> None:
    dispute_id = await register(world)  # Friday 1 March 2024
    await ok(
        await world.post(f"/disputes/{dispute_id}/mediators", json=PAIR, headers=S01)
    )  # Saturday 2 March
    village = f"/disputes/{dispute_id}/clocks/village_mediation"

    pause = {
        "paused_at": "2024-03-10T10:00:00+08:00",
        "reason": "waiting_for_party",
        "note": "party-B 外出务工",
    }
    response = await world.post(f"{village}/pause", json=pause, headers=S02)
    assert response.status_code == 403 and dispute_id not in response.text
    paused = await ok(await world.post(f"{village}/pause", json=pause, headers=S01))
    assert clock(paused, "village_mediation")["due_on"] == "2024-03-29"  # 20 working days from the 2nd
    assert clock(paused, "assignment")["state"] == "stopped"
    resumed = await ok(
        await world.post(f"{village}/resume", json={"resumed_at": "2024-03-15T09:00:00+08:00"}, headers=S01)
    )
    # Paused from Sunday the 10th to Friday the 15th: four working days (11 to 14) added.
    assert clock(resumed, "village_mediation")["due_on"] == "2024-04-04"

    extension = {"extended_at": "2024-03-18T09:00:00+08:00", "working_days": 5, "reason": "等待土地确权材料"}
    await refused(
        await world.post(f"{village}/extend", json=extension, headers=S01), 409, "extension_needs_higher_role"
    )
    extended = await ok(await world.post(f"{village}/extend", json=extension, headers=T01))
    assert clock(extended, "village_mediation")["due_on"] == "2024-04-11"

    await ok(await world.post(f"/disputes/{dispute_id}/sessions", json=session("2024-03-19"), headers=S01))
    failure = {"failed_on": "2024-03-20", "reason": "party-B refuses."}
    await ok(await world.post(f"/disputes/{dispute_id}/failure", json=failure, headers=S01))
    escalation = {"to_level": "township", "escalated_on": "2024-03-21"}
    await ok(await world.post(f"/disputes/{dispute_id}/escalate", json=escalation, headers=T01))
    township = f"/disputes/{dispute_id}/clocks/township_mediation"
    later = {**extension, "extended_at": "2024-03-22T09:00:00+08:00"}
    await refused(
        await world.post(f"{township}/extend", json=later, headers=T01), 409, "extension_needs_higher_role"
    )
    by_city = await ok(await world.post(f"{township}/extend", json=later, headers=ADMIN))
    assert clock(by_city, "village_mediation")["state"] == "stopped"
    # From Thursday 21 March, 20 working days (18 April) and 5 more (25 April).
    at_township = clock(by_city, "township_mediation")
    assert (at_township["state"], at_township["due_on"], at_township["owner_role"]) == (
        "running",
        "2024-04-25",
        "township_officer",
    )
    # Started and stopped (assignment); started, paused, resumed, extended, stopped (village); started,
    # extended (township).
    assert by_city["version"] == 9
