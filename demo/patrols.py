"""Patrols and police activity: one patrol team per station (its officers and party-member volunteers),
patrols all year round (every three weeks at most stations, weekly at 干冲海岸派出所), clearance
operations (32 at 干冲海岸派出所, a handful elsewhere) and every station's police activity, day by day,
over the demo's year and the same days a year earlier, 干冲海岸派出所's year-on-year changes as published.

The plan is pure and the same every time for the same year (fixed seeds); ``load`` sends it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal
from functools import partial
from typing import Any

from demo import published
from demo.client import Command
from demo.client import Platform
from demo.client import in_parallel
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import Station
from demo.danzhou import Village
from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import year_earlier

SERVICE = "patrols"
GANCHONG = "干冲海岸派出所"

# Teams are formed in the year's first ten days; patrols begin a few days later.
FIRST_PATROL_DAY = 14
PATROL_EVERY_DAYS = 21
GANCHONG_PATROL_EVERY_DAYS = 7
GANCHONG_CLEARANCE_OPERATIONS = 32  # published.GANCHONG_CLEARANCE_OPERATIONS_AT_LEAST: "30+"

# Who volunteers, by the kind of area a station covers; all are party members (党员志愿者).
VOLUNTEER_MIX = {
    "coastal": ("fisherman",) * 4 + ("community_party_member",) * 2,
    "urban": ("sanitation_worker",) * 3 + ("community_party_member",) * 3,
    "rural": ("community_party_member",) * 3 + ("sanitation_worker",),
}
GANCHONG_VOLUNTEERS = ("fisherman",) * 7 + ("sanitation_worker",) + ("community_party_member",) * 2

START_TIMES = (time(9, 0), time(14, 30), time(19, 30), time(20, 0))
CALLED_OFF = "台风预警，巡逻取消"
BROKEN_OFF = "途中接警出警，巡逻中止"
OBSERVATIONS = {
    "inland": (
        ("safety_hazard", "路灯损坏，夜间照明不足，已告知村委会"),
        ("safety_hazard", "电动车在楼道内充电，已现场劝导"),
        ("suspicious_activity", "陌生车辆多次在村口停留，已提醒村民留意"),
        ("dispute_spotted", "两户村民因宅基地边界发生争执，已通知调解员"),
    ),
    "coastal": (
        ("safety_hazard", "渔港码头护栏破损，已告知村委会"),
        ("suspicious_activity", "夜间有不明船只靠岸，已登记并上报"),
        ("dispute_spotted", "渔民因渔网摆放发生争执，已现场劝解"),
    ),
}

CLEARANCE_FOCUSES = ("出租屋、流动人口", "娱乐场所、网吧", "废品收购站、寄递物流网点", "建筑工地、工棚")
GANCHONG_FOCUSES = ("渔船、渔港码头", "出租屋、流动人口", "沿海养殖场看护房", "娱乐场所、网吧")
FINDING_CATEGORIES = ("unregistered_resident", "safety_hazard", "unlicensed_business", "illegal_item")
# The other stations' clearance operations, one each; the coastal one was called off by a typhoon.
OTHER_CLEARANCE_STATIONS = (
    "东城派出所",
    "西华派出所",
    "松林海岸派出所",
    "前进派出所",
    "东风派出所",
    "海头海岸派出所",
    "白马井海岸派出所",
    "新英湾派出所",
)
CANCELLED_AT = "松林海岸派出所"

MEASURES = ("calls_for_service", "criminal_cases", "public_security_cases")
# 干冲海岸派出所's year before; its demo year follows from the published changes.
GANCHONG_YEAR_EARLIER = {"calls_for_service": 1460, "criminal_cases": 35, "public_security_cases": 250}
CALLS_PER_YEAR = {"urban": (2600, 3800), "coastal": (900, 1500), "rural": (700, 1200)}
# Other stations: year-on-year change as a fraction, drawn in these ranges (mostly down, some up).
CHANGE_RANGE = {
    "calls_for_service": (-0.20, 0.08),
    "criminal_cases": (-0.40, 0.20),
    "public_security_cases": (-0.30, 0.12),
}
# More calls around the Spring Festival (Jan-Feb) and in the summer holidays.
MONTH_FACTOR = (1.1, 1.2, 1.0, 0.95, 0.95, 1.0, 1.1, 1.1, 1.0, 1.05, 0.95, 1.0)

Totals = dict[str, int]


def area_kind(station: Station) -> str:
    """The kind of area a station covers: coastal (a 海岸 station), urban (那大镇's) or rural."""
    if "海岸" in station.name_zh:
        return "coastal"
    return "urban" if station.township_code == "T01" else "rural"


# ---------------------------------------------------------------- patrol teams


@dataclass(frozen=True)
class Volunteer:
    volunteer_id: str  # the station's pseudonym: no name, phone or ID-card number
    affiliation: str
    joined_on: date
    left_on: date | None = None  # the last day on the team

    def on_team(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(frozen=True)
class TeamPlan:
    station_code: str
    name: str
    formed_on: date
    officer_ids: tuple[str, ...]  # join the day the team is formed
    volunteers: tuple[Volunteer, ...]

    def volunteers_on(self, day: date) -> tuple[str, ...]:
        return tuple(v.volunteer_id for v in self.volunteers if v.on_team(day))


def team_plans(city: City, year: DemoYear) -> list[TeamPlan]:
    """One party-member patrol team per station, formed in the year's first ten days: four of the
    station's officers (all six at 干冲海岸派出所) and its volunteers. The last volunteer joins in
    the middle of the year; at every third station the first one leaves after the summer."""
    plans = []
    for i, station in enumerate(city.stations):
        ganchong = station.name_zh == GANCHONG
        formed_on = year.day(i % 10)
        officers = city.officers_of(station.code)
        mix = GANCHONG_VOLUNTEERS if ganchong else VOLUNTEER_MIX[area_kind(station)]
        volunteers = tuple(
            Volunteer(
                f"{station.code}-V{n:02d}",
                affiliation,
                year.day(150 + i) if n == len(mix) else formed_on,
                year.day(250 + i) if n == 1 and i % 3 == 2 else None,
            )
            for n, affiliation in enumerate(mix, start=1)
        )
        plans.append(
            TeamPlan(
                station.code,
                f"{station.name_zh}党员巡逻队",
                formed_on,
                tuple(o.person_id for o in (officers if ganchong else officers[:4])),
                volunteers,
            )
        )
    return plans


def team_commands(team: TeamPlan) -> list[Command]:
    step = f"team-{team.station_code}"
    formed_on = team.formed_on.isoformat()
    form = {"station_code": team.station_code, "name": team.name, "formed_on": formed_on}
    commands = [Command("", form, f"{step}-form")]
    commands += [
        Command(
            "/members",
            {"member": {"kind": "officer", "person_id": person_id}, "joined_on": formed_on},
            f"{step}-join-{person_id}",
        )
        for person_id in team.officer_ids
    ]
    commands += [
        Command(
            "/members",
            {
                "member": {
                    "kind": "volunteer",
                    "volunteer_id": v.volunteer_id,
                    "affiliation": v.affiliation,
                    "party_member": True,
                },
                "joined_on": v.joined_on.isoformat(),
            },
            f"{step}-join-{v.volunteer_id}",
        )
        for v in team.volunteers
    ]
    commands += [
        Command(
            f"/members/{v.volunteer_id}/leave",
            {"left_on": v.left_on.isoformat()},
            f"{step}-leave-{v.volunteer_id}",
        )
        for v in team.volunteers
        if v.left_on is not None
    ]
    return commands


# ---------------------------------------------------------------- patrols


@dataclass(frozen=True)
class Checkpoint:
    grid_code: str
    visited_at: datetime


@dataclass(frozen=True)
class Observation:
    category: str
    note: str
    grid_code: str
    observed_at: datetime


@dataclass(frozen=True)
class PatrolPlan:
    station_code: str
    number: int  # the station's n-th patrol of the year
    planned_start: datetime
    planned_end: datetime
    note: str
    participant_ids: tuple[str, ...]
    started_at: datetime | None  # None: called off before it started
    route: tuple[Checkpoint | Observation, ...]  # in the order of time
    ended_at: datetime  # completed, or aborted
    distance_km: float
    abort_reason: str | None = None  # None: completed

    @property
    def step(self) -> str:
        return f"patrol-{self.station_code}-{self.number:03d}"


def patrol_plans(city: City, year: DemoYear) -> list[PatrolPlan]:
    """Every station patrols about every three weeks, 干冲海岸派出所 every week, from two weeks into the
    year. Each patrol passes two grids of two neighbouring villages, so over the year every grid of
    the station is visited; a few are called off before they start or broken off on the way."""
    teams = {team.station_code: team for team in team_plans(city, year)}
    plans = []
    for i, station in enumerate(city.stations):
        rng = random.Random(f"patrols-{station.code}")
        every = GANCHONG_PATROL_EVERY_DAYS if station.name_zh == GANCHONG else PATROL_EVERY_DAYS
        villages = city.villages_of(station.code)
        offset, number = FIRST_PATROL_DAY + (i * 3) % every, 0
        while offset <= 364:
            # A day or two either way, so that a station does not always patrol on the same weekday.
            day = year.day(offset + rng.randint(-(every // 7), every // 7))
            plans.append(_patrol(station, teams[station.code], villages, number, day, rng))
            offset, number = offset + every, number + 1
    return plans


def _patrol(
    station: Station, team: TeamPlan, villages: Sequence[Village], number: int, day: date, rng: random.Random
) -> PatrolPlan:
    ganchong = station.name_zh == GANCHONG
    planned_start = datetime.combine(day, rng.choice(START_TIMES), CHINA_STANDARD_TIME)
    planned_end = planned_start + timedelta(hours=3)
    first_village, second_village = villages[number % len(villages)], villages[(number + 1) % len(villages)]
    evening = planned_start.hour >= 19
    note = f"{'夜间' if evening else '日间'}巡逻：{first_village.name_zh}、{second_village.name_zh}"
    officers = team.officer_ids
    volunteers = team.volunteers_on(day)
    officer_count, volunteer_count = (3, 4) if ganchong else (2, 3)
    participants = tuple(officers[(officer_count * number + k) % len(officers)] for k in range(officer_count))
    participants += tuple(
        volunteers[(volunteer_count * number + k) % len(volunteers)]
        for k in range(min(volunteer_count, len(volunteers)))
    )
    started_at = planned_start + timedelta(minutes=rng.randint(0, 10))
    first = started_at + timedelta(minutes=rng.randint(25, 50))
    second = first + timedelta(minutes=rng.randint(40, 70))
    ended_at = second + timedelta(minutes=rng.randint(25, 50))
    distance_km = round(rng.uniform(3.0, 12.0 if ganchong else 9.0), 1)
    fate = rng.random()
    route: list[Checkpoint | Observation] = [Checkpoint(first_village.grid_codes[0], first)]
    if rng.random() < 0.15:  # something seen near the first checkpoint
        category, seen = rng.choice(OBSERVATIONS["coastal" if area_kind(station) == "coastal" else "inland"])
        route.append(Observation(category, seen, first_village.grid_codes[0], first + timedelta(minutes=10)))
    common = (station.code, number, planned_start, planned_end, note)
    if fate < 0.015:
        return PatrolPlan(*common, (), None, (), planned_start - timedelta(hours=3), 0.0, CALLED_OFF)
    if fate < 0.035:
        aborted_at = first + timedelta(minutes=25)
        return PatrolPlan(*common, participants, started_at, tuple(route), aborted_at, 0.0, BROKEN_OFF)
    route.append(Checkpoint(second_village.grid_codes[1], second))
    return PatrolPlan(*common, participants, started_at, tuple(route), ended_at, distance_km)


def patrol_commands(patrol: PatrolPlan, team_id: str) -> list[Command]:
    step = patrol.step
    schedule = {
        "team_id": team_id,
        "planned_start": patrol.planned_start.isoformat(),
        "planned_end": patrol.planned_end.isoformat(),
        "note": patrol.note,
    }
    commands = [Command("", schedule, f"{step}-schedule")]
    if patrol.started_at is not None:
        start = {"started_at": patrol.started_at.isoformat(), "participant_ids": list(patrol.participant_ids)}
        commands.append(Command("/start", start, f"{step}-start"))
    for n, record in enumerate(patrol.route, start=1):
        if isinstance(record, Checkpoint):
            visit = {"grid_code": record.grid_code, "visited_at": record.visited_at.isoformat()}
            commands.append(Command("/checkpoints", visit, f"{step}-checkpoint-{n}"))
        else:
            seen = {
                "category": record.category,
                "note": record.note,
                "observed_at": record.observed_at.isoformat(),
                "grid_code": record.grid_code,
            }
            commands.append(Command("/observations", seen, f"{step}-observation-{n}"))
    if patrol.abort_reason is None:
        done = {"completed_at": patrol.ended_at.isoformat(), "distance_km": patrol.distance_km}
        commands.append(Command("/complete", done, f"{step}-complete"))
    else:
        aborted = {"aborted_at": patrol.ended_at.isoformat(), "reason": patrol.abort_reason}
        commands.append(Command("/abort", aborted, f"{step}-abort"))
    return commands


# ---------------------------------------------------------------- clearance operations


@dataclass(frozen=True)
class ClearancePlan:
    station_code: str
    number: int
    focus: str
    planned_on: date
    area_codes: tuple[str, ...]
    carried_out_on: date | None  # None: cancelled
    ended_on: date  # closed, or cancelled
    places_checked: int = 0
    people_checked: int = 0
    officers_deployed: int = 0
    volunteers_deployed: int = 0
    findings: tuple[tuple[str, int], ...] = ()  # (category, count)
    cancel_reason: str | None = None

    @property
    def step(self) -> str:
        return f"clearance-{self.station_code}-{self.number:02d}"


def clearance_plans(city: City, year: DemoYear) -> list[ClearancePlan]:
    """干冲海岸派出所 carries out 32 operations, about every eleven days; eight other stations one each
    (松林海岸派出所's is cancelled). Each is carried out on its day or the next, closed a few days later."""
    ganchong = city.station(GANCHONG)
    rng = random.Random("clearance-operations")
    plans = [
        _clearance(
            ganchong, city.villages_of(ganchong.code), n, year.day(6 + n * 11 + rng.randint(0, 3)), rng
        )
        for n in range(GANCHONG_CLEARANCE_OPERATIONS)
    ]
    for n, name in enumerate(OTHER_CLEARANCE_STATIONS):
        station = city.station(name)
        planned_on = year.day(40 + n * 37 + rng.randint(0, 5))
        if name == CANCELLED_AT:
            area = (city.villages_of(station.code)[0].code,)
            cancelled_on, reason = planned_on - timedelta(days=1), "台风过境，行动取消"
            focus = CLEARANCE_FOCUSES[0]
            plans.append(
                ClearancePlan(
                    station.code, 0, focus, planned_on, area, None, cancelled_on, cancel_reason=reason
                )
            )
        else:
            plans.append(_clearance(station, city.villages_of(station.code), 0, planned_on, rng))
    return plans


def _clearance(
    station: Station, villages: Sequence[Village], number: int, planned_on: date, rng: random.Random
) -> ClearancePlan:
    ganchong = station.name_zh == GANCHONG
    focuses = GANCHONG_FOCUSES if ganchong else CLEARANCE_FOCUSES
    # One village, or every fourth time two neighbouring ones.
    area: tuple[str, ...] = (villages[number % len(villages)].code,)
    if number % 4 == 3:
        area += (villages[(number + 1) % len(villages)].code,)
    carried_out_on = planned_on + timedelta(days=1 if rng.random() < 0.15 else 0)
    findings = tuple(
        (category, rng.randint(1, 6)) for category in rng.sample(FINDING_CATEGORIES, rng.randint(1, 3))
    )
    return ClearancePlan(
        station.code,
        number,
        focuses[number % len(focuses)],
        planned_on,
        area,
        carried_out_on,
        carried_out_on + timedelta(days=rng.randint(1, 4)),
        places_checked=rng.randint(12, 40) * len(area),
        people_checked=rng.randint(30, 120) * len(area),
        officers_deployed=rng.randint(4, 6),
        volunteers_deployed=rng.randint(3, 8),
        findings=findings,
    )


def clearance_commands(operation: ClearancePlan) -> list[Command]:
    step = operation.step
    plan = {
        "station_code": operation.station_code,
        "focus": operation.focus,
        "planned_on": operation.planned_on.isoformat(),
        "area_codes": list(operation.area_codes),
    }
    commands = [Command("", plan, f"{step}-plan")]
    if operation.carried_out_on is None:
        cancel = {"cancelled_on": operation.ended_on.isoformat(), "reason": operation.cancel_reason}
        return [*commands, Command("/cancel", cancel, f"{step}-cancel")]
    results = {
        "carried_out_on": operation.carried_out_on.isoformat(),
        "places_checked": operation.places_checked,
        "people_checked": operation.people_checked,
        "officers_deployed": operation.officers_deployed,
        "volunteers_deployed": operation.volunteers_deployed,
        "findings": [{"category": category, "count": count} for category, count in operation.findings],
    }
    found = sum(count for _, count in operation.findings)
    summary = (
        f"清查场所{operation.places_checked}处、人员{operation.people_checked}人，"
        f"发现问题{found}项，均已移交处理"
    )
    close = {"closed_on": operation.ended_on.isoformat(), "summary": summary}
    return [
        *commands,
        Command("/carry-out", results, f"{step}-carry-out"),
        Command("/close", close, f"{step}-close"),
    ]


# ---------------------------------------------------------------- police activity


def after_change(earlier: int, change_percent: float) -> int:
    """The count ``change_percent`` away from ``earlier``, rounded half up."""
    exact = Decimal(earlier) * (100 + Decimal(str(change_percent))) / 100
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def police_activity_totals(city: City) -> dict[str, tuple[Totals, Totals]]:
    """Each station's totals of the year before and of the demo's year. 干冲海岸派出所's changes are
    the published ones; the others' calls depend on their area, their changes are drawn."""
    totals: dict[str, tuple[Totals, Totals]] = {}
    for station in city.stations:
        if station.name_zh == GANCHONG:
            earlier = dict(GANCHONG_YEAR_EARLIER)
            current = {m: after_change(earlier[m], published.GANCHONG_CHANGE_PERCENT[m]) for m in MEASURES}
        else:
            rng = random.Random(f"police-activity-{station.code}")
            calls = rng.randint(*CALLS_PER_YEAR[area_kind(station)])
            earlier = {
                "calls_for_service": calls,
                "criminal_cases": round(calls * rng.uniform(0.03, 0.05)),
                "public_security_cases": round(calls * rng.uniform(0.12, 0.20)),
            }
            current = {m: round(earlier[m] * (1 + rng.uniform(*CHANGE_RANGE[m]))) for m in MEASURES}
        totals[station.code] = (earlier, current)
    return totals


def police_activity_files(city: City, year: DemoYear) -> dict[str, list[dict[str, Any]]]:
    """One import file per station: a row for every day of the demo's year and of the days a year
    earlier that the read side compares it with, adding up to the station's totals. Each day is in one
    year only (29 February has no twin), so no station-day is there twice."""
    earlier_days = _days(year_earlier(year.first), year_earlier(year.last))
    days = _days(year.first, year.last)
    totals = police_activity_totals(city)
    files = {}
    for station in city.stations:
        rng = random.Random(f"police-activity-days-{station.code}")
        rows: list[dict[str, Any]] = []
        for span, figures in zip((earlier_days, days), totals[station.code], strict=True):
            daily = {m: _spread(figures[m], span, rng) for m in MEASURES}
            rows += [
                {"station_code": station.code, "day": day.isoformat()} | {m: daily[m][n] for m in MEASURES}
                for n, day in enumerate(span)
            ]
        files[station.code] = rows
    return files


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _spread(total: int, days: Sequence[date], rng: random.Random) -> list[int]:
    """``total`` over ``days``: more at weekends and in busy months, some noise; the largest remainders
    take what rounding down leaves, so the days add up to ``total`` exactly."""
    weights = [
        rng.uniform(0.6, 1.4) * MONTH_FACTOR[day.month - 1] * (1.15 if day.weekday() >= 5 else 1.0)
        for day in days
    ]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(days)), key=lambda k: shares[k] - counts[k], reverse=True)
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return counts


# ---------------------------------------------------------------- load


async def load(platform: Platform, city: City, year: DemoYear) -> None:
    """Teams first (patrols name them), then patrols and clearance operations, then police activity."""
    team_ids: dict[str, str] = {}

    async def form(team: TeamPlan) -> None:
        team_ids[team.station_code] = await platform.record(SERVICE, "/teams", "team_id", team_commands(team))

    async def patrol(plan: PatrolPlan) -> None:
        await platform.record(
            SERVICE, "/patrols", "patrol_id", patrol_commands(plan, team_ids[plan.station_code])
        )

    async def operation(plan: ClearancePlan) -> None:
        await platform.record(SERVICE, "/clearance-operations", "operation_id", clearance_commands(plan))

    async def police_activity(station_code: str, rows: list[dict[str, Any]]) -> None:
        await platform.post(SERVICE, "/police-activity/import", rows, f"police-activity-{station_code}")

    await in_parallel([partial(form, team) for team in team_plans(city, year)])
    await in_parallel(
        [partial(operation, plan) for plan in clearance_plans(city, year)]
        + [partial(patrol, plan) for plan in patrol_plans(city, year)],
        limit=24,  # the longest loader: it runs alone at the end
    )
    # Last: a file naming a station the service has not learned yet is refused whole rather than
    # retried, and by now every station has a team, so the service knows them all.
    files = police_activity_files(city, year)
    await in_parallel([partial(police_activity, code, rows) for code, rows in files.items()], limit=4)
