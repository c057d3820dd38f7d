"""Small lead counts below station level: "<3" for callers below city level, the count for the city, and
no total, sub-total or other answer from which a hidden count can be computed back."""

from __future__ import annotations

import csv
import io
from datetime import date
from datetime import datetime
from datetime import timedelta
from itertools import count
from typing import Any

import httpx

from govgrid.auth import Role
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadReceived
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.generations import Generations
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation

# S01 covers three villages of T01; S02 one of T02.
VILLAGES = {"V1": ("T01", "S01"), "V2": ("T01", "S01"), "V3": ("T01", "S01"), "V4": ("T02", "S02")}
WEEK_A = "from=2023-11-06&to=2023-11-12"  # V1 1 lead, V2 2, V3 5: two small villages
WEEK_B = "from=2023-11-13&to=2023-11-19"  # V1 1 lead, V2 4, V3 5: one small village
STATION_OFFICER = bearer(Role.STATION_OFFICER, "S01")
numbers = count(1)


def leads(village: str, on: date, *channels: LeadChannel) -> list[EventEnvelope]:
    township, station = VILLAGES[village]
    events = []
    for channel in channels:
        lead_id = f"L{next(numbers)}"
        received_at = datetime.fromisoformat(f"{on.isoformat()}T10:00+08:00")
        stream = Stream(f"lead-{lead_id}", Jurisdiction(township=township, station=station, village=village))
        received = LeadReceived(
            lead_id=lead_id,
            channel=channel,
            category=LeadCategory.THEFT,
            village_code=village,
            station_code=station,
            description="村口有可疑人员",
            informant_ref=None,
            anonymous=True,
            received_at=received_at,
            triage_due_at=received_at + timedelta(hours=24),
        )
        events.append(stream.next(received, received_at))
    return events


HOTLINE, APP = LeadChannel.HOTLINE, LeadChannel.APP
HISTORY = [
    *organisation(VILLAGES, {}),
    *leads("V1", date(2023, 11, 7), HOTLINE),
    *leads("V2", date(2023, 11, 8), HOTLINE, APP),
    *leads("V3", date(2023, 11, 9), HOTLINE, HOTLINE, HOTLINE, APP, APP),
    *leads("V4", date(2023, 11, 9), HOTLINE, HOTLINE, HOTLINE, HOTLINE),
    *leads("V1", date(2023, 11, 14), HOTLINE),
    *leads("V2", date(2023, 11, 15), HOTLINE, HOTLINE, HOTLINE, HOTLINE),
    *leads("V3", date(2023, 11, 16), HOTLINE, HOTLINE, HOTLINE, HOTLINE, HOTLINE),
]
GROUPS = {
    "received_by_channel": "received",
    "received_by_category": "received",
    "dismissed_by_reason": "dismissed",
    "outcomes_by_kind": "outcomes",
}


def flat(answer: dict[str, Any]) -> dict[str, Any]:
    """The figures of a summary by path (``received_by_channel.hotline``)."""
    figures: dict[str, Any] = {}
    for key, value in answer.items():
        if key in ("from", "to", "suppressed", "suppressed_below"):
            continue
        if isinstance(value, dict):
            figures |= {f"{key}.{k}": v for k, v in value.items()}
        else:
            figures[key] = value
    return figures


def assert_consistent(answer: dict[str, Any]) -> None:
    """Null exactly where suppressed, and no group (a total and its breakdown) with one hidden figure."""
    figures = flat(answer)
    assert {p for p, n in figures.items() if n is None} == set(answer["suppressed"])
    for name, total in GROUPS.items():
        group = [total, *(p for p in figures if p.startswith(f"{name}."))]
        assert sum(1 for p in group if figures[p] is None) != 1, (name, answer)


async def of_s01_villages(read_api: httpx.AsyncClient, week: str) -> list[dict[str, Any]]:
    """The summaries of S01's villages, as its station officer sees them."""
    path = f"/leads/summary?{week}&village="
    return [await get(read_api, path + v, STATION_OFFICER) for v in ("V1", "V2", "V3")]


async def test_a_station_officer_sees_small_village_counts_as_suppressed_and_the_city_sees_them(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    v1, v2, v3 = [
        await get(read_api, f"/leads/summary?{WEEK_A}&village={v}", STATION_OFFICER)
        for v in ("V1", "V2", "V3")
    ]
    assert (v1["received"], v2["received"], v3["received"]) == (None, None, 5)
    assert "received" in v1["suppressed"] and "received" in v2["suppressed"]
    assert v1["suppressed_below"] == 3
    # V3's 3 hotline leads are shown; its 2 by app (and every 0) are not.
    assert v3["received_by_channel"]["hotline"] == 3
    assert v3["received_by_channel"]["app"] is None
    for answer in (v1, v2, v3):
        assert_consistent(answer)
    # The station's own figures are station level: exact.
    station = await get(read_api, f"/leads/summary?{WEEK_A}", STATION_OFFICER)
    assert (station["received"], station["suppressed"]) == (8, [])
    assert station["received_by_channel"] == {"hotline": 5, "app": 3} | {
        c.value: 0 for c in LeadChannel if c not in (HOTLINE, APP)
    }
    # The city sees every count.
    city = [
        (await get(read_api, f"/leads/summary?{WEEK_A}&village={v}", ADMIN))["received"]
        for v in ("V1", "V2", "V3")
    ]
    assert city == [1, 2, 5]
    assert (await get(read_api, f"/leads/summary?{WEEK_A}&village=V1", ADMIN))["suppressed"] == []


async def test_no_total_lets_a_hidden_count_be_computed_back(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    for week in (WEEK_A, WEEK_B):
        station = flat(await get(read_api, f"/leads/summary?{week}", STATION_OFFICER))
        villages = [
            await get(read_api, f"/leads/summary?{week}&village={v}", STATION_OFFICER)
            for v in ("V1", "V2", "V3")
        ]
        for answer in villages:
            assert_consistent(answer)
        for path, total in station.items():
            shown = [flat(v)[path] for v in villages]
            hidden = shown.count(None)
            # The station's total minus the villages shown is never one hidden village's count.
            assert hidden != 1, (week, path, shown)
            if hidden == 0:
                assert sum(shown) == total
    # Week B: only V1 is small (1), so the next smallest (V2, 4) is hidden with it; V3 (5) is shown.
    week_b = [
        (await get(read_api, f"/leads/summary?{WEEK_B}&village={v}", STATION_OFFICER))["received"]
        for v in ("V1", "V2", "V3")
    ]
    assert week_b == [None, None, 5]


async def test_parts_of_a_station_and_village_cadres_are_below_station_level(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    cadre = await get(read_api, f"/leads/summary?{WEEK_A}", bearer(Role.VILLAGE_CADRE, "V2"))
    assert cadre["received"] is None
    # A township officer's township is exact; the part of a station in it is not.
    t01 = bearer(Role.TOWNSHIP_OFFICER, "T01")
    assert (await get(read_api, f"/leads/summary?{WEEK_A}", t01))["received"] == 8
    assert (await get(read_api, f"/leads/summary?{WEEK_A}&station=S01", t01))["received"] is None
    rows = await get(read_api, f"/leads/by-station?{WEEK_A}", t01)
    assert [(r["station_code"], r["received"], "received" in r["suppressed"]) for r in rows] == [
        ("S01", None, True)
    ]
    # A station officer's station, by station, is exact; S02 (4 leads in one village) too for its own.
    rows = await get(read_api, f"/leads/by-station?{WEEK_A}", STATION_OFFICER)
    assert [(r["station_code"], r["received"], r["suppressed"]) for r in rows] == [("S01", 8, [])]
    s02 = await get(read_api, f"/leads/summary?{WEEK_A}&village=V4", bearer(Role.STATION_OFFICER, "S02"))
    assert s02["received"] == 4  # its only village: the station's total, shown at station level anyway


async def test_exports_carry_the_suppression_mark(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    path = f"/export/leads/summary?{WEEK_A}&village=V1&format=csv"
    headers = {**STATION_OFFICER, "Accept-Language": "en"}
    answer = await read_api.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    rows = dict(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows["Received"] == "<3"
    assert "suppressed" not in " ".join(rows).lower()
    city = dict(
        csv.reader(io.StringIO((await read_api.get(path, headers={**ADMIN, "Accept-Language": "en"})).text))
    )
    assert city["Received"] == "1"
