"""The demo's city and its dual appointments reproduce the published figures and obey the
appointments service's pairing rules before a single command is sent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from demo import published
from demo.appointments import appointment_plans
from demo.appointments import org_unit_rows
from demo.appointments import people_rows
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import build
from demo.danzhou import deputy_secretary_posts
from demo.danzhou import director_posts

pytestmark = pytest.mark.unit

CITY = build()
YEAR = DemoYear(date(2026, 11, 29))


def test_the_demo_year_is_365_days_up_to_its_last_and_days_stay_inside() -> None:
    assert (YEAR.first, YEAR.last) == (date(2025, 11, 30), date(2026, 11, 29))
    assert YEAR.day(-5) == YEAR.first and YEAR.day(400) == YEAR.last


def test_the_grid_has_the_published_numbers_of_townships_offices_and_stations() -> None:
    kinds = Counter(t.kind for t in CITY.townships)
    assert kinds == {"township": published.TOWNSHIPS, "subdistrict_office": published.SUBDISTRICT_OFFICES}
    assert len(CITY.stations) == published.POLICE_STATIONS
    for named in ("东城派出所", "西华派出所", "松林海岸派出所", "干冲海岸派出所", "前进派出所", "东风派出所"):
        assert CITY.station(named).name_zh == named
    assert any(v.name_zh == "干冲村" for v in CITY.villages_of(CITY.station("干冲海岸派出所").code))


def test_codes_and_names_are_unique_and_each_station_covers_villages_of_its_township() -> None:
    codes = [u["code"] for u in org_unit_rows(CITY, YEAR)]
    assert len(codes) == len(set(codes)) == 1 + 19 + 34 + 204 + 408
    assert len({v.name_zh for v in CITY.villages}) == len(CITY.villages)
    township_of = {s.code: s.township_code for s in CITY.stations}
    assert all(township_of[v.station_code] == v.township_code for v in CITY.villages)
    assert {len(CITY.villages_of(s.code)) for s in CITY.stations} == {6}


def test_155_officers_serve_as_deputy_secretaries_in_villages_of_their_own_station() -> None:
    posts = deputy_secretary_posts(CITY)
    assert len(posts) == published.OFFICERS_CERTIFIED
    assert len({o.person_id for o, _ in posts}) == len({v.code for _, v in posts}) == len(posts)
    assert all(officer.station_code == village.station_code for officer, village in posts)
    # Every station still has a village lacking one: the dashboard has something to show.
    served = {v.code for _, v in posts}
    assert all(any(v.code not in served for v in CITY.villages_of(s.code)) for s in CITY.stations)


def test_280_cadres_serve_as_directors_of_the_station_covering_their_village() -> None:
    posts = director_posts(CITY)
    assert len(posts) == published.CADRES_CERTIFIED == len({c.person_id for c, _ in posts})
    station_of = {v.code: v.station_code for v in CITY.villages}
    assert all(station_of[cadre.village_code] == station.code for cadre, station in posts)
    assert set(Counter(station.code for _, station in posts).values()) == {8, 9}


def test_people_rows_register_everyone_the_posts_name() -> None:
    registered = {row["person_id"] for row in people_rows(CITY)}
    assert {o.person_id for o, _ in deputy_secretary_posts(CITY)} <= registered
    assert {c.person_id for c, _ in director_posts(CITY)} <= registered


def test_every_appointment_is_approved_then_certified_inside_the_year_and_its_term() -> None:
    plans = appointment_plans(CITY, YEAR)
    assert Counter(p.kind for p in plans) == {
        "deputy_party_secretary": published.OFFICERS_CERTIFIED,
        "joint_defence_director": published.CADRES_CERTIFIED,
    }
    for plan in plans:
        assert YEAR.first <= plan.term_start < plan.approved_on < plan.issued_on <= YEAR.last
        assert plan.issued_on < plan.term_end


def test_every_village_has_a_plausible_point_around_danzhou_the_same_every_run() -> None:
    def villages(city: City) -> list[dict[str, Any]]:
        return [r for r in org_unit_rows(city, YEAR) if r["kind"] in ("village", "community")]

    rows = villages(CITY)
    points = [(r["latitude"], r["longitude"]) for r in rows]
    assert len(points) == 204 and len(set(points)) == 204  # no two villages on one spot
    # Danzhou: about 19.2-19.9°N, 108.9-109.8°E; the demo keeps within 0.3° of its seat, Nada.
    assert all(19.2 <= lat <= 19.85 and 109.3 <= lon <= 109.85 for lat, lon in points), points
    assert points == [(r["latitude"], r["longitude"]) for r in villages(build())]
    nada = [p for r, p in zip(rows, points, strict=True) if r["parent_code"] == "T01"]
    assert all(abs(lat - 19.52) < 0.1 and abs(lon - 109.58) < 0.1 for lat, lon in nada)  # 36, within 10 km
