"""The grid and the dual appointments: the organisation tree and the people in two imports, then 155
officers appointed deputy party secretaries and 280 cadres joint-defence directors, each nominated,
approved and certified during the first months of the demo's year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import partial
from typing import Any

from demo.client import Command
from demo.client import Platform
from demo.client import in_parallel
from demo.danzhou import CITY_CODE
from demo.danzhou import CITY_EN
from demo.danzhou import CITY_ZH
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import deputy_secretary_posts
from demo.danzhou import director_posts
from demo.danzhou import village_location

SERVICE = "appointments"
TERM_YEARS = 3


def org_unit_rows(city: City, year: DemoYear) -> list[dict[str, Any]]:
    """The city, its townships and offices, stations, villages (covered since three years before the
    demo's year) and grids, in one all-or-nothing import."""
    covered_since = date(year.first.year - 3, 1, 1).isoformat()
    rows: list[dict[str, Any]] = [{"code": CITY_CODE, "kind": "city", "name_zh": CITY_ZH, "name_en": CITY_EN}]
    rows += [
        {"code": t.code, "kind": t.kind, "name_zh": t.name_zh, "name_en": t.name_en, "parent_code": CITY_CODE}
        for t in city.townships
    ]
    rows += [
        {
            "code": s.code,
            "kind": "police_station",
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "parent_code": CITY_CODE,
        }
        for s in city.stations
    ]
    for v in city.villages:
        latitude, longitude = village_location(city, v)
        rows.append(
            {
                "code": v.code,
                "kind": v.kind,
                "name_zh": v.name_zh,
                "name_en": v.name_en,
                "parent_code": v.township_code,
                "station_code": v.station_code,
                "coverage_from": covered_since,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
        rows += [
            {
                "code": grid,
                "kind": "grid",
                "name_zh": f"{v.name_zh}第{n}网格",
                "name_en": f"{v.name_en} Grid {n}",
                "parent_code": v.code,
            }
            for n, grid in enumerate(v.grid_codes, start=1)
        ]
    return rows


def people_rows(city: City) -> list[dict[str, Any]]:
    officers = [
        {
            "person_id": o.person_id,
            "role": "police_officer",
            "display_name": o.display_name,
            "badge_number": o.badge_number,
            "station_code": o.station_code,
        }
        for o in city.officers
    ]
    cadres = [
        {
            "person_id": c.person_id,
            "role": "village_cadre",
            "display_name": c.display_name,
            "village_code": c.village_code,
            "post": c.post,
        }
        for c in city.cadres
    ]
    return officers + cadres


@dataclass(frozen=True)
class AppointmentPlan:
    kind: str
    person_id: str
    organisation_code: str
    term_start: date
    approved_on: date
    issued_on: date

    @property
    def term_end(self) -> date:
        return self.term_start.replace(year=self.term_start.year + TERM_YEARS) - timedelta(days=1)


def appointment_plans(city: City, year: DemoYear) -> list[AppointmentPlan]:
    """Deputy secretaries start in the first two months, directors in the third and fourth; each is
    approved a week or two after the term starts and certified a few days later."""
    plans = [
        _plan("deputy_party_secretary", officer.person_id, village.code, year, n)
        for n, (officer, village) in enumerate(deputy_secretary_posts(city))
    ]
    plans += [
        _plan("joint_defence_director", cadre.person_id, station.code, year, n)
        for n, (cadre, station) in enumerate(director_posts(city))
    ]
    return plans


def _plan(kind: str, person_id: str, organisation_code: str, year: DemoYear, n: int) -> AppointmentPlan:
    first_day = 60 if kind == "joint_defence_director" else 0
    term_start = year.day(first_day + (n * 7) % 60)
    approved_on = term_start + timedelta(days=7 + n % 8)
    issued_on = approved_on + timedelta(days=3 + n % 5)
    return AppointmentPlan(kind, person_id, organisation_code, term_start, approved_on, issued_on)


async def load(platform: Platform, city: City, year: DemoYear) -> None:
    await platform.post(SERVICE, "/org-units/import", org_unit_rows(city, year), "org-units")
    await platform.post(SERVICE, "/people/import", people_rows(city), "people")

    async def appoint(plan: AppointmentPlan) -> None:
        nomination = {
            "kind": plan.kind,
            "person_id": plan.person_id,
            "organisation_code": plan.organisation_code,
            "term_start": plan.term_start.isoformat(),
            "term_end": plan.term_end.isoformat(),
        }
        step = f"{plan.kind}-{plan.person_id}"
        commands = [
            Command("", nomination, f"{step}-nominate"),
            Command("/approve", {"approved_on": plan.approved_on.isoformat()}, f"{step}-approve"),
            Command("/certificate", {"issued_on": plan.issued_on.isoformat()}, f"{step}-certificate"),
        ]
        await platform.record(SERVICE, "/appointments", "appointment_id", commands)

    await in_parallel([partial(appoint, plan) for plan in appointment_plans(city, year)])
