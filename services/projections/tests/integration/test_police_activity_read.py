"""Read model "police_activity" and its API: totals against the same days a year earlier, with the
published kind of changes (-15%, -42.9%, -24.8%) from hand-computed figures, corrections, monthly
series, scoping by township through station coverage, and replay safety."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.patrols import PoliceActivityCorrected
from govgrid.catalogue.patrols import PoliceActivityRecorded
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.police_activity import POLICE_ACTIVITY
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation

# Like 干冲海岸派出所 up to the report (27 November): S01 answered 200 calls, had 7 criminal and 125
# public-security cases in 2022, and 170, 4 and 94 in 2023: -15.0%, -42.9%, -24.8%.
RANGE = "from=2023-01-01&to=2023-11-27"
S01_DAYS = {
    date(2022, 3, 10): (120, 4, 70),
    date(2022, 8, 5): (80, 3, 55),
    date(2022, 11, 28): (11, 1, 1),  # after the range's last day
    date(2023, 3, 10): (100, 2, 50),
    date(2023, 9, 1): (70, 2, 44),
    date(2023, 11, 28): (13, 1, 1),
}
S02_DAYS = {date(2023, 3, 10): (30, 0, 5)}


def day_of(
    station: str, day: date, figures: tuple[int, int, int], *corrections: tuple[int, int, int]
) -> list[EventEnvelope]:
    """A station-day's stream: the figures first recorded, then each correction."""
    stream = Stream(f"policeactivity-{station}-{day.isoformat()}", Jurisdiction(station=station))

    def fields(calls: int, criminal: int, public_security: int) -> dict[str, Any]:
        return {
            "station_code": station,
            "day": day,
            "calls_for_service": calls,
            "criminal_cases": criminal,
            "public_security_cases": public_security,
        }

    return [
        stream.next(PoliceActivityRecorded(**fields(*figures)), day),
        *(stream.next(PoliceActivityCorrected(**fields(*c)), day) for c in corrections),
    ]


HISTORY = [
    *organisation(VILLAGES, {}),
    *(e for day, figures in S01_DAYS.items() if day != date(2023, 9, 1) for e in day_of("S01", day, figures)),
    # First imported wrong, then corrected: the correction's full figures count.
    *day_of("S01", date(2023, 9, 1), (75, 3, 40), S01_DAYS[date(2023, 9, 1)]),
    *(e for day, figures in S02_DAYS.items() for e in day_of("S02", day, figures)),
]


def changes(summary: dict[str, Any]) -> dict[str, tuple[int, int, float | None]]:
    return {
        m: (summary[m]["current"], summary[m]["year_earlier"], summary[m]["change_percent"])
        for m in ("calls_for_service", "criminal_cases", "public_security_cases")
    }


async def test_year_on_year_change_of_a_station(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    s01 = await get(read_api, f"/police-activity/summary?{RANGE}&station=S01")
    assert (s01["from"], s01["to"], s01["year_earlier_from"], s01["year_earlier_to"]) == (
        "2023-01-01",
        "2023-11-27",
        "2022-01-01",
        "2022-11-27",
    )
    assert changes(s01) == {
        "calls_for_service": (170, 200, -15.0),
        "criminal_cases": (4, 7, -42.9),
        "public_security_cases": (94, 125, -24.8),
    }
    # The city: S02 had nothing a year earlier, so its own change is unknown, not infinite.
    assert changes(await get(read_api, f"/police-activity/summary?{RANGE}")) == {
        "calls_for_service": (200, 200, 0.0),
        "criminal_cases": (4, 7, -42.9),
        "public_security_cases": (99, 125, -20.8),
    }
    assert changes(await get(read_api, f"/police-activity/summary?{RANGE}&station=S02")) == {
        "calls_for_service": (30, 0, None),
        "criminal_cases": (0, 0, None),
        "public_security_cases": (5, 0, None),
    }
    # 29 February compares with 28 February.
    leap = await get(read_api, "/police-activity/summary?from=2024-02-01&to=2024-02-29")
    assert (leap["year_earlier_from"], leap["year_earlier_to"]) == ("2023-02-01", "2023-02-28")


async def test_townships_see_the_stations_covering_their_villages(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    # S01 covers V1 (T01) and V2 (T02); S02 covers V3 (T02).
    t01 = await get(read_api, f"/police-activity/summary?{RANGE}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert changes(t01)["calls_for_service"] == (170, 200, -15.0)
    t02 = await get(read_api, f"/police-activity/summary?{RANGE}", bearer(Role.TOWNSHIP_OFFICER, "T02"))
    assert changes(t02)["calls_for_service"] == (200, 200, 0.0)
    assert await get(read_api, f"/police-activity/summary?{RANGE}&township=T01") == t01
    s02 = await get(read_api, f"/police-activity/summary?{RANGE}", bearer(Role.STATION_OFFICER, "S02"))
    assert changes(s02)["calls_for_service"] == (30, 0, None)
    cadre = await get(read_api, f"/police-activity/summary?{RANGE}", bearer(Role.VILLAGE_CADRE, "V3"))
    assert cadre == s02
    # A T01 officer asking about S02 sees nothing of it.
    other = await get(
        read_api, f"/police-activity/summary?{RANGE}&station=S02", bearer(Role.TOWNSHIP_OFFICER, "T01")
    )
    assert changes(other)["calls_for_service"] == (0, 0, None)


async def test_monthly_series_against_the_year_before(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    series = await get(read_api, "/police-activity/monthly?year=2023&station=S01")
    assert series["year"] == 2023 and [m["month"] for m in series["months"]] == list(range(1, 13))

    def figures(calls: int, criminal: int, public_security: int) -> dict[str, int]:
        return {
            "calls_for_service": calls,
            "criminal_cases": criminal,
            "public_security_cases": public_security,
        }

    nothing = figures(0, 0, 0)
    expected = {month: {"current": nothing, "year_earlier": nothing} for month in range(1, 13)}
    expected[3] = {"current": figures(100, 2, 50), "year_earlier": figures(120, 4, 70)}
    expected[8] = {"current": nothing, "year_earlier": figures(80, 3, 55)}
    expected[9] = {"current": figures(70, 2, 44), "year_earlier": nothing}
    expected[11] = {"current": figures(13, 1, 1), "year_earlier": figures(11, 1, 1)}
    assert {m["month"]: {k: m[k] for k in ("current", "year_earlier")} for m in series["months"]} == expected

    city = await get(read_api, "/police-activity/monthly?year=2023")
    assert city["months"][2]["current"] == figures(130, 2, 55)


async def test_every_event_delivered_again_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    history = await kafka_log.put(HISTORY)
    for envelope, at in history:
        await project(generations, READ_MODELS, envelope, at)
    first = await get(read_api, f"/police-activity/summary?{RANGE}")
    for envelope, at in history:  # a worker restarted before Kafka had its offsets
        await project(generations, READ_MODELS, envelope, at)
    assert await get(read_api, f"/police-activity/summary?{RANGE}") == first
    pool = await generations.active_pool(POLICE_ACTIVITY)
    assert await pool.fetchval("SELECT count(*) FROM parked_events") == 0


async def test_the_monthly_sums_are_the_days_as_corrected(generations: Generations) -> None:
    await feed(generations, HISTORY)
    pool = await generations.active_pool(POLICE_ACTIVITY)
    sums = await pool.fetch(
        "SELECT month, station_code, calls_for_service, criminal_cases, public_security_cases"
        " FROM rm_police_activity_by_month ORDER BY 1, 2"
    )
    assert [tuple(r) for r in sums] == [
        (date(2022, 3, 1), "S01", 120, 4, 70),
        (date(2022, 8, 1), "S01", 80, 3, 55),
        (date(2022, 11, 1), "S01", 11, 1, 1),
        (date(2023, 3, 1), "S01", 100, 2, 50),
        (date(2023, 3, 1), "S02", 30, 0, 5),
        (date(2023, 9, 1), "S01", 70, 2, 44),  # 75, 3, 40 first, then corrected
        (date(2023, 11, 1), "S01", 13, 1, 1),
    ]


async def test_a_correction_needs_no_earlier_row(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    correction = day_of("S01", date(2023, 5, 4), (9, 9, 9), (5, 1, 2))[-1]
    await feed(generations, [*organisation(VILLAGES, {}), correction])  # the first import got lost
    day = "from=2023-05-04&to=2023-05-04"
    assert changes(await get(read_api, f"/police-activity/summary?{day}"))["calls_for_service"] == (
        5,
        0,
        None,
    )


@pytest.mark.parametrize(
    "query",
    [
        "summary?from=2023-13-01",
        "summary?from=2023-12-01&to=2023-11-30",
        "summary?station=S%2001",
        "monthly?year=1999",
        "monthly?year=next",
    ],
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/police-activity/{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")
