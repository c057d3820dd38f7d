"""Acts entered late count on the day they happened: a lead received on day R, triaged a week later and
assigned the day after, all typed into the real tips API a month after it arrived. Its stored events
are projected into the read models, whose as-of answers must follow the lead's own moments, not the
afternoon it was entered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import today_in_china
from govgrid.testing.relay import stored_events
from services.projections.generations import Generations
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get
from services.tips.bootstrap import TipsService
from services.tips.bootstrap import start_service
from services.tips.main import create_app
from services.tips.settings import TipsSettings
from services.tips.tests.integration.conftest import ADMIN
from services.tips.tests.integration.conftest import CADRE
from services.tips.tests.integration.conftest import GRID_EVENTS
from services.tips.tests.integration.conftest import HANDLER
from services.tips.tests.integration.conftest import apply_registry_events as learn_registry
from services.tips.tests.integration.conftest import envelopes
from services.tips.tests.integration.conftest import ok

# Received a month ago at 21:00 in Danzhou; triaged a week later, late in the evening; assigned the
# next morning. Nothing was entered before today.
RECEIVED_ON = today_in_china() - timedelta(days=30)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_STANDARD_TIME)


RECEIVED_AT = at(RECEIVED_ON, 21)
TRIAGED_AT = at(RECEIVED_ON + timedelta(days=7), 23, 30)
ASSIGNED_AT = at(RECEIVED_ON + timedelta(days=8), 9)


@pytest.fixture
async def tips(database_url: str) -> AsyncIterator[TipsService]:
    schema = f"t_tips_{uuid.uuid4().hex[:12]}"
    service = await start_service(TipsSettings(database_url=database_url, database_schema=schema))
    await learn_registry(service, GRID_EVENTS)
    yield service
    await service.pool.close()
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await conn.close()


@pytest.fixture
async def tips_api(tips: TipsService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(tips.settings)
    app.state.service = tips
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tips") as client:
        yield client


async def overdue_and_open(read_api: httpx.AsyncClient, day: date) -> tuple[int, int]:
    figures: dict[str, Any] = await get(
        read_api, f"/leads/summary?from={RECEIVED_ON - timedelta(days=1)}&to={day}"
    )
    return figures["overdue"], figures["open"]


async def test_a_lead_triaged_a_week_late_and_entered_a_month_later_counts_on_its_own_days(
    tips: TipsService, tips_api: httpx.AsyncClient, generations: Generations, read_api: httpx.AsyncClient
) -> None:
    lead = {
        "channel": "hotline",
        "category": "theft",
        "place_code": "V01",
        "description": "村口小卖部夜间被盗",
        "received_at": RECEIVED_AT.isoformat(),
    }
    lead_id = (await ok(await tips_api.post("/leads", json=lead, headers=CADRE), 201))["lead_id"]
    triage = {"priority": "low", "triaged_at": TRIAGED_AT.isoformat()}
    triaged = await ok(await tips_api.post(f"/leads/{lead_id}/triage", json=triage, headers=HANDLER))
    # The decision is due 14 days after receipt (low priority), whenever the triage happened.
    assert datetime.fromisoformat(triaged["due_at"]) == RECEIVED_AT + timedelta(days=14)
    assign = {"officer_person_id": "P001", "assigned_at": ASSIGNED_AT.isoformat()}
    await ok(await tips_api.post(f"/leads/{lead_id}/assign", json=assign, headers=ADMIN))

    events = await stored_events(tips.pool)
    # The lead's own stream; its deadline clocks' (leadclock-...) are dated by the same business moments.
    assert [
        (e.event_type, e.schema_version, e.occurred_at) for e in events if e.stream_id.startswith("lead-")
    ] == [
        ("LeadReceived", 1, RECEIVED_AT),
        ("LeadTriaged", 2, TRIAGED_AT),
        ("LeadAssigned", 2, ASSIGNED_AT),
    ]
    assert [(e.event_type, e.occurred_at) for e in events if e.stream_id.startswith("leadclock-")] == [
        ("LeadClockStarted", RECEIVED_AT),
        ("LeadClockStopped", TRIAGED_AT),
        ("LeadClockStarted", TRIAGED_AT),
    ]
    assert all(e.recorded_at > ASSIGNED_AT + timedelta(days=20) for e in events)  # entered a month on

    await feed(generations, [*envelopes(GRID_EVENTS), *events])
    day = RECEIVED_ON
    assert await overdue_and_open(read_api, day - timedelta(days=1)) == (0, 0)
    assert await overdue_and_open(read_api, day) == (0, 1)  # triage due the next evening
    assert await overdue_and_open(read_api, day + timedelta(days=1)) == (1, 1)  # not triaged in time
    assert await overdue_and_open(read_api, day + timedelta(days=6)) == (1, 1)
    # Triaged on the 7th day: from then on it waits for a decision, due on day 14, as it was.
    assert await overdue_and_open(read_api, day + timedelta(days=7)) == (0, 1)
    assert await overdue_and_open(read_api, day + timedelta(days=13)) == (0, 1)
    assert await overdue_and_open(read_api, day + timedelta(days=14)) == (1, 1)
    assert await overdue_and_open(read_api, today_in_china()) == (1, 1)


@pytest.mark.parametrize(
    ("triaged_at", "code"),
    [
        (RECEIVED_AT - timedelta(minutes=1), "dates_incoherent"),
        (datetime.now(CHINA_STANDARD_TIME) + timedelta(hours=1), "date_in_future"),
    ],
    ids=["before receipt", "in the future"],
)
async def test_a_triage_out_of_the_leads_time_is_refused(
    tips_api: httpx.AsyncClient, triaged_at: datetime, code: str
) -> None:
    lead = {
        "channel": "hotline",
        "category": "theft",
        "place_code": "V01",
        "description": "村口小卖部夜间被盗",
        "received_at": RECEIVED_AT.isoformat(),
    }
    lead_id = (await ok(await tips_api.post("/leads", json=lead, headers=CADRE), 201))["lead_id"]
    triage = {"priority": "low", "triaged_at": triaged_at.isoformat()}
    answer = await tips_api.post(f"/leads/{lead_id}/triage", json=triage, headers=HANDLER)
    assert (answer.status_code, answer.json()["error"]) == (409, code), answer.text
