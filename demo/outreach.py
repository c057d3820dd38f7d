"""Services to residents and enterprises: household-registration windows moved into schools, and
"百警进百企". 290 schools are registered; every station runs two registration drives in the year (the
second one of a few stations still running at its end), which serve exactly 274 schools, some more
than once, and process 85,600 students. 102 enterprises are visited by officers of their station for
safety inspections, anti-terror drills, service visits and the follow-up of their cases, with
follow-up actions; enterprise-related cases are handled within days or weeks; people in difficulty,
known only by an opaque reference, are referred to jobs there."""

from __future__ import annotations

import random
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import timedelta
from functools import partial
from typing import Any

from demo import published
from demo.client import Command
from demo.client import Platform
from demo.client import in_parallel
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import Village

SERVICE = "outreach"
SEED = 4604  # fixed: the same plan every run for the same year

SCHOOLS = 290
STUDENTS_PROCESSED = 85_600  # the year's total, above the published "85,000+"
DRIVE_DAYS = 40  # a drive's period: six weeks of school days, Monday to Friday
FOLLOW_UP_DAYS = (7, 30)  # a follow-up action is due one to four weeks after the visit
CASES_HANDLED, CASES_OPEN = 36, 2
REFERRALS_DECIDED, REFERRALS_PENDING = 56, 4


# ---------------------------------------------------------------- schools and drives


@dataclass(frozen=True)
class SchoolPlan:
    school_code: str
    name_zh: str
    village_code: str
    station_code: str


def school_plans(city: City) -> list[SchoolPlan]:
    """A primary school in every village or community and a middle school in 86 of them, spread over
    the city: school n lies in village 7n mod 204."""
    plans: list[SchoolPlan] = []
    for n in range(SCHOOLS):
        village = city.villages[(n * 7) % len(city.villages)]
        kind = "小学" if n < len(city.villages) else "中学"
        plans.append(
            SchoolPlan(f"4646{n + 1:06d}", _place_name(village) + kind, village.code, village.station_code)
        )
    return plans


def school_rows(city: City) -> list[dict[str, Any]]:
    return [
        {"school_code": s.school_code, "name_zh": s.name_zh, "village_code": s.village_code}
        for s in school_plans(city)
    ]


def _place_name(village: Village) -> str:
    return village.name_zh.removesuffix("社区").removesuffix("村")


def schools_not_served(city: City) -> tuple[frozenset[str], frozenset[str]]:
    """The 16 schools the year leaves unserved, every 18th from the sixth: a third of them not yet the
    target of any drive, the others targeted but not reached (the drives' completion stays below 100%)."""
    schools = school_plans(city)
    missed = [schools[5 + 18 * k].school_code for k in range(SCHOOLS - published.SCHOOLS_SERVED)]
    never_targeted = frozenset(missed[0::3])
    return never_targeted, frozenset(missed) - never_targeted


@dataclass(frozen=True)
class SchoolDay:
    school_code: str
    visited_on: date
    students_processed: int
    id_cards: int
    household_changes: int


@dataclass(frozen=True)
class DrivePlan:
    station_code: str
    number: int  # the station's first or second drive of the year
    title: str
    period_start: date
    period_end: date
    target_school_codes: tuple[str, ...]
    school_days: tuple[SchoolDay, ...]  # in date order
    closed_on: date | None  # None: still running at the year's end

    @property
    def launched_on(self) -> date:
        """The station announces a drive a week before its window opens."""
        return self.period_start - timedelta(days=7)


def drive_plans(city: City, year: DemoYear) -> list[DrivePlan]:
    """Two drives per station, each targeting the station's schools but those no drive reaches yet:
    the first opens on a Monday of the year's first three months, the second in its second half (at
    every eighth station in its last weeks, still running on the year's last day). Four served schools
    in five have a day in the first drive, half of them another in the second; the fifth has its day
    in the second; one in ten of the first drive's schools has two days there. Each drive closes when
    its period ends. The students of all school days add up to STUDENTS_PROCESSED."""
    rng = random.Random(SEED)
    schools = school_plans(city)
    never_targeted, unreached = schools_not_served(city)
    drafts: list[tuple[DrivePlan, list[tuple[str, date]]]] = []  # each drive with its school days
    for i, station in enumerate(city.stations):
        targets = tuple(
            s.school_code
            for s in schools
            if s.station_code == station.code and s.school_code not in never_targeted
        )
        first_visits: list[str] = []
        second_visits: list[str] = []
        for j, code in enumerate(c for c in targets if c not in unreached):
            in_first = j % 5 != 4
            if in_first:
                first_visits.append(code)
            if not in_first or rng.random() < 0.5:
                second_visits.append(code)
        first_visits += [code for code in first_visits if rng.random() < 0.1]  # a big school: a second day
        start = _monday_on_or_after(year.day(14 + (i * 5) % 70))
        periods = [(start, start + timedelta(days=DRIVE_DAYS - 1))]
        if i % 8 == 7:
            periods.append((_monday_on_or_after(year.day(305 + (i % 5) * 3)), year.last))
        else:
            start = _monday_on_or_after(year.day(175 + (i * 7) % 105))
            periods.append((start, start + timedelta(days=DRIVE_DAYS - 1)))
        for number, (visits, (period_start, period_end)) in enumerate(
            zip((first_visits, second_visits), periods, strict=True), start=1
        ):
            closed_on = (
                None if period_end >= year.last else min(period_end + timedelta(days=i % 3), year.last)
            )
            plan = DrivePlan(
                station.code,
                number,
                f"{station.name_zh}户籍窗口进校园第{'一二'[number - 1]}期",
                period_start,
                period_end,
                targets,
                (),
                closed_on,
            )
            drafts.append((plan, _spread(visits, period_start, min(period_end, year.last))))
    weights = [rng.randint(80, 420) for _, days in drafts for _ in days]
    students = iter(_share(STUDENTS_PROCESSED, weights))
    plans: list[DrivePlan] = []
    for plan, days in drafts:
        school_days: list[SchoolDay] = []
        for code, day in days:
            processed = next(students)
            id_cards = processed * rng.randint(30, 60) // 100
            household_changes = processed * rng.randint(3, 12) // 100
            school_days.append(SchoolDay(code, day, processed, id_cards, household_changes))
        school_days.sort(key=lambda d: (d.visited_on, d.school_code))
        plans.append(replace(plan, school_days=tuple(school_days)))
    return plans


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _spread(codes: list[str], first: date, last: date) -> list[tuple[str, date]]:
    """The k-th school day on the k-th share of the period's school days: a school visited twice
    (listed twice, the second time further down) gets two different days."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    return [(code, weekdays[k * len(weekdays) // len(codes)]) for k, code in enumerate(codes)]


def _share(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers adding up to it exactly."""
    shares = [total * w // sum(weights) for w in weights]
    for k in range(total - sum(shares)):
        shares[k] += 1
    return shares


# ---------------------------------------------------------------- enterprises


# Each sector's kind of enterprise, and the job a person in difficulty is referred to there.
SECTORS = {
    "agriculture": ("橡胶种植专业合作社", "割胶工"),
    "fishery": ("渔业专业合作社", "渔船帮工"),
    "manufacturing": ("橡胶加工厂", "生产线普工"),
    "energy_and_chemicals": ("石化储运有限公司", "仓储理货员"),
    "construction": ("建筑工程有限公司", "施工辅助工"),
    "logistics": ("物流有限公司", "分拣员"),
    "retail_and_catering": ("农贸市场", "摊位帮工"),
    "tourism_and_hospitality": ("度假酒店", "客房服务员"),
    "services": ("物业服务有限公司", "保洁员"),
}
# The last character of a unified social credit code (统一社会信用代码) is a check character.
_CHECK_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class EnterprisePlan:
    enterprise_code: str
    name: str
    village_code: str
    station_code: str
    sector: str


def enterprise_plans(city: City) -> list[EnterprisePlan]:
    """Three enterprises per station (102: "百警进百企"), in three of its villages, of three sectors; a
    coastal station's first one is a fishery cooperative."""
    sectors = tuple(SECTORS)
    plans: list[EnterprisePlan] = []
    for i, station in enumerate(city.stations):
        villages = city.villages_of(station.code)
        for k in range(3):
            village = villages[(i + 2 * k) % len(villages)]
            coastal = "海岸" in station.name_zh
            sector = "fishery" if coastal and k == 0 else sectors[(3 * i + k) % len(sectors)]
            n = len(plans) + 1
            plans.append(
                EnterprisePlan(
                    f"91460400MA5T{n:05d}{_CHECK_CHARACTERS[n % len(_CHECK_CHARACTERS)]}",
                    _place_name(village) + SECTORS[sector][0],
                    village.code,
                    station.code,
                    sector,
                )
            )
    return plans


def enterprise_rows(city: City) -> list[dict[str, Any]]:
    return [
        {
            "enterprise_code": e.enterprise_code,
            "name": e.name,
            "village_code": e.village_code,
            "sector": e.sector,
        }
        for e in enterprise_plans(city)
    ]


# What a visit of each kind may find, with the follow-up action it plans for it, and what it records
# when it finds nothing to follow up. About the enterprise, never about a person.
FINDINGS = {
    "safety_inspection": (
        ("消防通道堆放杂物", "清理消防通道并复查"),
        ("部分灭火器压力不足", "更换灭火器并建立月检台账"),
        ("配电箱线路老化", "请专业电工整改线路后复查"),
        ("危险品仓库未落实双人双锁", "落实危险品仓库双人双锁制度"),
    ),
    "anti_terror_drill": (
        ("门卫对突发事件处置流程不熟练", "组织保安队伍再次演练"),
        ("厂区监控存在盲区", "增设监控探头覆盖盲区"),
        ("应急器材配备不足", "补齐防暴器材和应急物资"),
    ),
    "service_visit": (
        ("企业反映周边道路夜间照明不足", "协调有关部门增设路灯"),
        ("外来务工人员需集中办理居住证", "安排民警上门集中办理居住证"),
        ("企业希望开展防范电信诈骗宣传", "为员工开展防范电信诈骗专题宣传"),
    ),
    "case_follow_up": (
        ("向企业通报案件办理进展", "协助企业完善厂区监控"),
        ("企业仓库夜间无人值守", "督促企业落实夜间值守和巡查"),
        ("企业财务付款审核不严", "指导企业建立大额付款双人核对制度"),
    ),
}
NOTHING_TO_FOLLOW_UP = {
    "safety_inspection": "现场检查未发现安全隐患",
    "anti_terror_drill": "演练组织有序，处置流程规范",
    "service_visit": "企业生产经营正常，暂无新的诉求",
    "case_follow_up": "企业对案件办理结果表示满意",
}
ROUTINE_KINDS = ("safety_inspection", "safety_inspection", "anti_terror_drill", "service_visit")


@dataclass(frozen=True)
class FollowUpPlan:
    action: str
    due_on: date
    completed_on: date | None  # None: not done (overdue by the year's end)


@dataclass(frozen=True)
class EnterpriseVisitPlan:
    step: str  # names the visit among the demo's commands
    enterprise_code: str
    officer_person_id: str
    kind: str
    visited_on: date
    findings: tuple[str, ...]
    follow_ups: tuple[FollowUpPlan, ...]


def enterprise_visit_plans(city: City, year: DemoYear) -> list[EnterpriseVisitPlan]:
    """Two visits to every enterprise, one in each half of the year, by an officer of the station
    covering it: half of them safety inspections, a quarter anti-terror drills, a quarter service
    visits (case follow-ups come with the cases)."""
    rng = random.Random(SEED + 1)
    plans: list[EnterpriseVisitPlan] = []
    for m, enterprise in enumerate(enterprise_plans(city)):
        for v, (earliest, latest) in enumerate(((3, 180), (185, 362))):
            plans.append(
                _visit_plan(
                    city,
                    year,
                    rng,
                    f"visit-{enterprise.enterprise_code}-{v + 1}",
                    enterprise,
                    ROUTINE_KINDS[(2 * m + v) % len(ROUTINE_KINDS)],
                    year.day(rng.randint(earliest, latest)),
                )
            )
    return plans


def _visit_plan(
    city: City,
    year: DemoYear,
    rng: random.Random,
    step: str,
    enterprise: EnterprisePlan,
    kind: str,
    visited_on: date,
) -> EnterpriseVisitPlan:
    """No, one or two follow-up actions, each due one to four weeks later, inside the year: one in
    twenty is not done, one in ten done late, the others done before they are due."""
    officer = rng.choice(city.officers_of(enterprise.station_code))
    actions = rng.choice((0, 1, 1, 2)) if (year.last - visited_on).days > FOLLOW_UP_DAYS[1] else 0
    found = rng.sample(FINDINGS[kind], actions) if actions else []
    follow_ups: list[FollowUpPlan] = []
    for _, action in found:
        due_on = visited_on + timedelta(days=rng.randint(*FOLLOW_UP_DAYS))
        fate = rng.random()
        if fate < 0.05:
            completed_on = None
        elif fate < 0.15:
            completed_on = min(due_on + timedelta(days=rng.randint(2, 10)), year.last)
        else:
            completed_on = visited_on + timedelta(days=rng.randint(1, (due_on - visited_on).days))
        follow_ups.append(FollowUpPlan(action, due_on, completed_on))
    # A visit without a follow-up action found nothing to follow up, and says so.
    findings = tuple(finding for finding, _ in found) or (NOTHING_TO_FOLLOW_UP[kind],)
    return EnterpriseVisitPlan(
        step, enterprise.enterprise_code, officer.person_id, kind, visited_on, findings, tuple(follow_ups)
    )


# Each category's summary and the outcomes its cases end with.
CASES = {
    "theft": ("厂区电缆及原料被盗", ("solved", "solved", "transferred")),
    "fraud": ("企业财务人员遭冒充客户诈骗", ("solved", "transferred")),
    "obstruction_of_business": ("施工现场遭人阻工", ("settled", "solved")),
    "extortion": ("企业被人以闹事相要挟索要钱财", ("solved",)),
    "property_damage": ("厂区围墙及监控设施被损坏", ("solved", "settled")),
    "labour_dispute": ("拖欠工资引发劳资纠纷", ("settled", "transferred", "no_offence")),
}


@dataclass(frozen=True)
class CasePlan:
    step: str
    enterprise_code: str
    category: str
    opened_on: date
    summary: str
    handled_on: date | None  # None: still open at the year's end
    outcome: str | None
    follow_up_visit: EnterpriseVisitPlan  # kind case_follow_up, a few days after the opening


def case_plans(city: City, year: DemoYear) -> list[CasePlan]:
    """36 cases opened every nine days and handled 2 to 35 days later, and two opened in the year's
    last weeks still open; each followed up at its enterprise one to five days after the opening."""
    rng = random.Random(SEED + 2)
    enterprises = enterprise_plans(city)
    plans: list[CasePlan] = []
    for k in range(CASES_HANDLED + CASES_OPEN):
        enterprise = rng.choice(enterprises)
        category = rng.choice(tuple(CASES))
        summary, outcomes = CASES[category]
        handled = k < CASES_HANDLED
        opened_on = year.day(5 + 9 * k) if handled else year.day(350 + 8 * (k - CASES_HANDLED))
        handled_on = opened_on + timedelta(days=rng.randint(2, 35)) if handled else None
        step = f"case-{k + 1:02d}"
        visit = _visit_plan(
            city,
            year,
            rng,
            f"{step}-visit",
            enterprise,
            "case_follow_up",
            opened_on + timedelta(days=rng.randint(1, 5)),
        )
        outcome = rng.choice(outcomes) if handled else None
        plans.append(
            CasePlan(
                step, enterprise.enterprise_code, category, opened_on, summary, handled_on, outcome, visit
            )
        )
    return plans


NOT_HIRED_REASONS = ("position_filled", "requirements_not_met", "declined_by_candidate", "other")


@dataclass(frozen=True)
class ReferralPlan:
    step: str
    person_ref: str  # opaque: the person's file is kept outside the system
    enterprise_code: str
    position: str
    referred_on: date
    outcome: str | None  # None: still waiting at the year's end
    decided_on: date | None
    not_hired_reason: str | None


def referral_plans(city: City, year: DemoYear) -> list[ReferralPlan]:
    """56 people referred every six days, each answered 5 to 21 days later (two in three hired), and
    four referred in the year's last weeks still waiting; each person once, to a job of the sector."""
    rng = random.Random(SEED + 3)
    enterprises = enterprise_plans(city)
    plans: list[ReferralPlan] = []
    for k in range(REFERRALS_DECIDED + REFERRALS_PENDING):
        enterprise = enterprises[(k * 7) % len(enterprises)]
        decided = k < REFERRALS_DECIDED
        referred_on = year.day(8 + 6 * k) if decided else year.day(345 + 5 * (k - REFERRALS_DECIDED))
        hired = k % 3 != 2
        plans.append(
            ReferralPlan(
                f"referral-{k + 1:02d}",
                f"KN{year.first.year}-{k + 1:03d}",
                enterprise.enterprise_code,
                SECTORS[enterprise.sector][1],
                referred_on,
                ("hired" if hired else "not_hired") if decided else None,
                referred_on + timedelta(days=rng.randint(5, 21)) if decided else None,
                NOT_HIRED_REASONS[k % len(NOT_HIRED_REASONS)] if decided and not hired else None,
            )
        )
    return plans


def command_count(city: City, year: DemoYear) -> int:
    """How many commands ``load`` sends."""
    drives = drive_plans(city, year)
    cases = case_plans(city, year)
    visits = enterprise_visit_plans(city, year) + [c.follow_up_visit for c in cases]
    referrals = referral_plans(city, year)
    return (
        2
        + sum(2 + len(d.school_days) - (d.closed_on is None) for d in drives)
        + sum(1 + sum(f.completed_on is not None for f in v.follow_ups) for v in visits)
        + sum(1 + (c.handled_on is not None) for c in cases)
        + sum(1 + (r.outcome is not None) for r in referrals)
    )


# ---------------------------------------------------------------- loading


async def load(platform: Platform, city: City, year: DemoYear) -> None:
    await platform.post(SERVICE, "/schools/import", school_rows(city), "schools")
    await platform.post(SERVICE, "/enterprises/import", enterprise_rows(city), "enterprises")
    steps = [partial(_run_drive, platform, drive) for drive in drive_plans(city, year)]
    steps += [partial(_visit, platform, visit) for visit in enterprise_visit_plans(city, year)]
    steps += [partial(_case, platform, case) for case in case_plans(city, year)]
    steps += [partial(_referral, platform, referral) for referral in referral_plans(city, year)]
    await in_parallel(steps)


async def _run_drive(platform: Platform, drive: DrivePlan) -> None:
    step = f"drive-{drive.station_code}-{drive.number}"
    launch = {
        "station_code": drive.station_code,
        "title": drive.title,
        "period_start": drive.period_start.isoformat(),
        "period_end": drive.period_end.isoformat(),
        "target_school_codes": list(drive.target_school_codes),
        "launched_on": drive.launched_on.isoformat(),
    }
    commands = [Command("", launch, f"{step}-launch")]
    for day in drive.school_days:
        visit = {
            "school_code": day.school_code,
            "visited_on": day.visited_on.isoformat(),
            "students_processed": day.students_processed,
            "id_cards": day.id_cards,
            "household_changes": day.household_changes,
        }
        commands.append(Command("/visits", visit, f"{step}-{day.school_code}-{day.visited_on}"))
    if drive.closed_on is not None:
        commands.append(Command("/close", {"closed_on": drive.closed_on.isoformat()}, f"{step}-close"))
    await platform.record(SERVICE, "/registration-drives", "drive_id", commands)


async def _visit(platform: Platform, visit: EnterpriseVisitPlan, case_id: str | None = None) -> None:
    body: dict[str, Any] = {
        "enterprise_code": visit.enterprise_code,
        "officer_person_id": visit.officer_person_id,
        "kind": visit.kind,
        "visited_on": visit.visited_on.isoformat(),
        "findings": list(visit.findings),
        "follow_ups": [{"action": f.action, "due_on": f.due_on.isoformat()} for f in visit.follow_ups],
    }
    if case_id is not None:
        body["case_id"] = case_id
    done = sorted(
        (f.completed_on, n) for n, f in enumerate(visit.follow_ups, start=1) if f.completed_on is not None
    )
    completions = [
        Command(
            f"/follow-ups/{action_no}/complete",
            {"completed_on": completed_on.isoformat(), "note": "已落实"},
            f"{visit.step}-follow-up-{action_no}",
        )
        for completed_on, action_no in done
    ]
    commands = [Command("", body, visit.step), *completions]
    await platform.record(SERVICE, "/enterprise-visits", "visit_id", commands)


async def _case(platform: Platform, case: CasePlan) -> None:
    opening = {
        "enterprise_code": case.enterprise_code,
        "category": case.category,
        "opened_on": case.opened_on.isoformat(),
        "summary": case.summary,
    }
    opened = await platform.post(SERVICE, "/enterprise-cases", opening, f"{case.step}-open")
    await _visit(platform, case.follow_up_visit, opened["case_id"])
    if case.handled_on is not None:
        handling = {"handled_on": case.handled_on.isoformat(), "outcome": case.outcome}
        await platform.post(
            SERVICE, f"/enterprise-cases/{opened['case_id']}/handle", handling, f"{case.step}-handle"
        )


async def _referral(platform: Platform, referral: ReferralPlan) -> None:
    body = {
        "person_ref": referral.person_ref,
        "enterprise_code": referral.enterprise_code,
        "position": referral.position,
        "referred_on": referral.referred_on.isoformat(),
    }
    commands = [Command("", body, f"{referral.step}-refer")]
    if referral.outcome is not None and referral.decided_on is not None:
        outcome: dict[str, Any] = {"outcome": referral.outcome, "decided_on": referral.decided_on.isoformat()}
        if referral.not_hired_reason is not None:
            outcome["not_hired_reason"] = referral.not_hired_reason
        commands.append(Command("/outcome", outcome, f"{referral.step}-outcome"))
    await platform.record(SERVICE, "/job-referrals", "referral_id", commands)
