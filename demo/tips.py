"""Leads (线索) and the villages' WeChat contact groups: about 130 leads over the year from residents (by
the contact groups, the hotline, in person, the app) and from joint-defence directors, each triaged,
assigned to an officer of the covering station, verified or dismissed, acted on and closed; 前进派出所
receives 12 of them and catches 3 fugitives (在逃人员). Stations register contact groups for a sample of
villages and post safety notices (安全提示) to them.

Most leads are anonymous; the few informant contacts are fictitious (the service seals them anyway) and
never appear in a description. No lead is referred to mediation at 西华派出所's villages: the mediation
loader owns exactly the 32 agreements published there.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import time
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
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.tips import ContactGroupKind
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadOutcome
from govgrid.catalogue.tips import LeadPriority
from govgrid.china_time import CHINA_STANDARD_TIME

SERVICE = "tips"
SEED = 20231128  # the article's date; any fixed seed gives the same plan every run
QIANJIN = "前进派出所"
XIHUA = "西华派出所"
QIANJIN_LEADS = published.QIANJIN_LEADS_AT_LEAST + 2  # "10+ leads"
# Joint-defence directors report once they hold their certificate: the last are certified by day 140.
DIRECTORS_REPORT_FROM_DAY = 140
# Days between receipt and decision, inside the service's default deadlines (urgent 24 h, high 3 days,
# normal 7, low 14; a decision is dated at the start of its day).
DECISION_DAYS = {
    LeadPriority.URGENT: (0, 1),
    LeadPriority.HIGH: (1, 3),
    LeadPriority.NORMAL: (1, 6),
    LeadPriority.LOW: (2, 12),
}


# ---------------------------------------------------------------- plans


@dataclass(frozen=True)
class Script:
    """What becomes of one lead, before places, dates and words are drawn: verified with ``outcomes``,
    dismissed for ``dismissal``, or neither (still awaiting a decision at the year's end)."""

    station_code: str
    category: LeadCategory
    priority: LeadPriority
    day: int  # the day of the year it arrives
    outcomes: tuple[LeadOutcome, ...] = ()
    dismissal: DismissalReason | None = None


@dataclass(frozen=True)
class OutcomePlan:
    outcome: LeadOutcome
    outcome_on: date
    case_number: str | None = None  # arrests and opened cases
    dispute_category: DisputeCategory | None = None  # referrals to mediation
    summary: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"outcome": self.outcome.value, "outcome_on": self.outcome_on.isoformat()}
        if self.case_number is not None:
            body["case_number"] = self.case_number
        if self.dispute_category is not None:
            body["dispute_category"] = self.dispute_category.value
            body["summary"] = self.summary
        return body


@dataclass(frozen=True)
class LeadPlan:
    key: str
    station_code: str
    village_code: str
    place_code: str  # the village or one of its grids
    channel: LeadChannel
    category: LeadCategory
    description: str
    informant_contact: str | None  # None: anonymous
    received_at: datetime
    priority: LeadPriority
    officer_person_id: str
    triaged_at: datetime
    assigned_at: datetime
    verified_on: date | None = None
    dismissal: DismissalReason | None = None
    dismissed_on: date | None = None
    outcomes: tuple[OutcomePlan, ...] = ()
    closed_on: date | None = None

    @property
    def received_on(self) -> date:
        return self.received_at.date()

    @property
    def commands(self) -> int:
        return 1 + len(self.after_receipt())

    def submission(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "channel": self.channel.value,
            "category": self.category.value,
            "place_code": self.place_code,
            "description": self.description,
            "received_at": self.received_at.isoformat(),
        }
        if self.informant_contact is not None:
            body["informant_contact"] = self.informant_contact
        return body

    def after_receipt(self) -> list[LeadCommand]:
        """Triage, assignment, the decision, each outcome and the closing, as far as the plan goes."""
        commands = [
            LeadCommand(
                "triage",
                {"priority": self.priority.value, "triaged_at": self.triaged_at.isoformat()},
                "triage",
            ),
            LeadCommand(
                "assign",
                {"officer_person_id": self.officer_person_id, "assigned_at": self.assigned_at.isoformat()},
                "assign",
            ),
        ]
        if self.verified_on is not None:
            commands.append(LeadCommand("verify", {"verified_on": self.verified_on.isoformat()}, "verify"))
        if self.dismissal is not None and self.dismissed_on is not None:
            dismissal = {"reason": self.dismissal.value, "dismissed_on": self.dismissed_on.isoformat()}
            commands.append(LeadCommand("dismiss", dismissal, "dismiss"))
        commands += [LeadCommand("outcomes", o.body(), o.outcome.value) for o in self.outcomes]
        if self.closed_on is not None:
            commands.append(LeadCommand("close", {"closed_on": self.closed_on.isoformat()}, "close"))
        return commands


@dataclass(frozen=True)
class LeadCommand:
    """A command on a received lead: ``POST /leads/{id}/{action}`` with ``body``; ``step`` names it
    within the lead (an idempotency key's last part)."""

    action: str
    body: dict[str, Any]
    step: str


def lead_plans(city: City, year: DemoYear) -> list[LeadPlan]:
    """前进派出所's twelve leads, then two to five at every other station, then the two overdue at the
    year's end; every date inside the year, steps that would fall after it left undone (still open)."""
    rng = random.Random(SEED)
    scripts = qianjin_scripts(city) + other_scripts(city, rng)
    return [_lead(n, script, city, year, rng) for n, script in enumerate(scripts, start=1)]


def qianjin_scripts(city: City) -> list[Script]:
    """Twelve leads spread over the year, three ending in an arrest (one also opening a case), three
    dismissed, one received on the year's last day and still awaiting a decision."""
    station = city.station(QIANJIN).code
    arrest, case, hazard = LeadOutcome.FUGITIVE_ARRESTED, LeadOutcome.CASE_OPENED, LeadOutcome.HAZARD_REMOVED
    urgent, high, normal, low = LeadPriority.URGENT, LeadPriority.HIGH, LeadPriority.NORMAL, LeadPriority.LOW
    fates = [  # one every 27 days from day 12
        Script(station, LeadCategory.THEFT, normal, 0, (case,)),
        Script(station, LeadCategory.FUGITIVE, urgent, 0, (arrest,)),
        Script(station, LeadCategory.SAFETY_HAZARD, high, 0, (hazard,)),
        Script(station, LeadCategory.DRUGS, high, 0, (case,)),
        Script(station, LeadCategory.FUGITIVE, urgent, 0, dismissal=DismissalReason.INSUFFICIENT_INFORMATION),
        Script(station, LeadCategory.FUGITIVE, urgent, 0, (arrest, case)),
        Script(station, LeadCategory.FRAUD, high, 0, (case,)),
        Script(station, LeadCategory.THEFT, normal, 0, dismissal=DismissalReason.UNFOUNDED),
        Script(station, LeadCategory.SAFETY_HAZARD, normal, 0, (hazard,)),
        Script(station, LeadCategory.FUGITIVE, urgent, 0, (arrest,)),
        Script(station, LeadCategory.OTHER, low, 0, dismissal=DismissalReason.DUPLICATE),
    ]
    scripts = [replace(script, day=12 + 27 * i) for i, script in enumerate(fates)]
    # Received on the last day: not yet due, so not overdue.
    scripts.append(Script(station, LeadCategory.THEFT, normal, 364))
    assert len(scripts) == QIANJIN_LEADS
    assert sum(arrest in s.outcomes for s in scripts) == published.QIANJIN_FUGITIVES_ARRESTED
    return scripts


# Weights of the categories elsewhere, and what a verified lead of each ends in.
CATEGORY_WEIGHTS = {
    LeadCategory.THEFT: 24,
    LeadCategory.FRAUD: 20,
    LeadCategory.SAFETY_HAZARD: 20,
    LeadCategory.DRUGS: 10,
    LeadCategory.OTHER: 12,
    LeadCategory.DISPUTE: 6,
    LeadCategory.FUGITIVE: 3,
}
OUTCOME_OF = {
    LeadCategory.THEFT: LeadOutcome.CASE_OPENED,
    LeadCategory.FRAUD: LeadOutcome.CASE_OPENED,
    LeadCategory.DRUGS: LeadOutcome.CASE_OPENED,
    LeadCategory.SAFETY_HAZARD: LeadOutcome.HAZARD_REMOVED,
    LeadCategory.OTHER: LeadOutcome.HAZARD_REMOVED,
    LeadCategory.DISPUTE: LeadOutcome.REFERRED_TO_MEDIATION,
    LeadCategory.FUGITIVE: LeadOutcome.FUGITIVE_ARRESTED,
}
PRIORITIES_OF = {
    LeadCategory.FUGITIVE: (LeadPriority.URGENT,),
    LeadCategory.DRUGS: (LeadPriority.HIGH, LeadPriority.URGENT),
    LeadCategory.FRAUD: (LeadPriority.HIGH, LeadPriority.NORMAL),
    LeadCategory.THEFT: (LeadPriority.NORMAL, LeadPriority.HIGH),
    LeadCategory.SAFETY_HAZARD: (LeadPriority.NORMAL, LeadPriority.HIGH, LeadPriority.URGENT),
    LeadCategory.DISPUTE: (LeadPriority.NORMAL, LeadPriority.LOW),
    LeadCategory.OTHER: (LeadPriority.LOW, LeadPriority.NORMAL),
}
DISMISSAL_REASONS = (
    DismissalReason.UNFOUNDED,
    DismissalReason.DUPLICATE,
    DismissalReason.INSUFFICIENT_INFORMATION,
    DismissalReason.NOT_A_POLICE_MATTER,
)


def other_scripts(city: City, rng: random.Random) -> list[Script]:
    """Two to five leads at every other station, three in four verified; no dispute leads at 西华派出所
    (a verified one would be referred to mediation there). Two stations end the year with a lead past
    its deadline and no decision."""
    qianjin, xihua = city.station(QIANJIN).code, city.station(XIHUA).code
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    scripts: list[Script] = []
    for station in (s for s in city.stations if s.code != qianjin):
        for _ in range(rng.randint(2, 5)):
            category = rng.choices(categories, weights)[0]
            if category is LeadCategory.DISPUTE and station.code == xihua:
                category = LeadCategory.THEFT
            priority = rng.choice(PRIORITIES_OF[category])
            day = rng.randint(0, 363)
            if rng.random() < 0.75:
                scripts.append(
                    Script(station.code, category, priority, day, outcomes=(OUTCOME_OF[category],))
                )
            else:
                scripts.append(
                    Script(station.code, category, priority, day, dismissal=rng.choice(DISMISSAL_REASONS))
                )
    others = [s for s in city.stations if s.code not in (qianjin, xihua)]
    for days_before_end in (16, 20):  # past even a low priority's 14 days
        station = rng.choice(others)
        scripts.append(Script(station.code, LeadCategory.FRAUD, LeadPriority.NORMAL, 364 - days_before_end))
    return scripts


def _lead(n: int, script: Script, city: City, year: DemoYear, rng: random.Random) -> LeadPlan:
    """Place, channel, words and dates of one lead; the steps dated after the year are left undone."""
    key = f"lead-{n:03d}"
    village = rng.choice(city.villages_of(script.station_code))
    place = rng.choice((village.code, *village.grid_codes))
    channel = _channel(script.day, rng)
    received_on = year.day(script.day)
    received_at = datetime.combine(
        received_on, time(rng.randint(7, 21), 5 * rng.randint(0, 11)), CHINA_STANDARD_TIME
    )
    # Triaged within hours and assigned right after, on the day it arrived (a decision may be due that
    # day); from n, not from rng, so that the other draws stay as they were.
    triaged_at = min(
        received_at + timedelta(hours=1 + n % 4),
        datetime.combine(received_on, time(22, 30), CHINA_STANDARD_TIME),
    )
    officer = rng.choice(city.officers_of(script.station_code))
    contact = f"演示举报人{n:03d}（虚构）微信 demo_tipster_{n:03d}" if rng.random() < 0.2 else None
    description = _description(script.category, channel, village, rng)
    lead = LeadPlan(
        key=key,
        station_code=script.station_code,
        village_code=village.code,
        place_code=place,
        channel=channel,
        category=script.category,
        description=description,
        informant_contact=contact,
        received_at=received_at,
        priority=script.priority,
        officer_person_id=officer.person_id,
        triaged_at=triaged_at,
        assigned_at=triaged_at + timedelta(minutes=20),
    )
    if not script.outcomes and script.dismissal is None:
        return lead
    low, high = DECISION_DAYS[script.priority]
    decided_on = min(received_on + timedelta(days=rng.randint(low, high)), year.last)
    if script.dismissal is not None:
        closed_on = decided_on + timedelta(days=rng.randint(0, 2))
        dismissed = replace(lead, dismissal=script.dismissal, dismissed_on=decided_on)
        return _within(dismissed, closed_on, year)
    outcomes = tuple(_outcome(n, outcome, script, decided_on, village, rng) for outcome in script.outcomes)
    closed_on = max(o.outcome_on for o in outcomes) + timedelta(days=rng.randint(0, 3))
    kept = tuple(o for o in outcomes if o.outcome_on <= year.last)
    verified = replace(lead, verified_on=decided_on, outcomes=kept)
    return _within(verified, closed_on if kept == outcomes else None, year)


def _within(lead: LeadPlan, closed_on: date | None, year: DemoYear) -> LeadPlan:
    """Closed on ``closed_on`` if that day is inside the year; otherwise still open at its end."""
    if closed_on is None or closed_on > year.last:
        return lead
    return replace(lead, closed_on=closed_on)


CHANNEL_WEIGHTS = {
    LeadChannel.WECHAT_GROUP: 35,
    LeadChannel.JOINT_DEFENCE_DIRECTOR: 20,
    LeadChannel.HOTLINE: 20,
    LeadChannel.IN_PERSON: 15,
    LeadChannel.APP: 10,
}


def _channel(day: int, rng: random.Random) -> LeadChannel:
    channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
    if channel is LeadChannel.JOINT_DEFENCE_DIRECTOR and day < DIRECTORS_REPORT_FROM_DAY:
        return LeadChannel.WECHAT_GROUP
    return channel


def _outcome(
    n: int, outcome: LeadOutcome, script: Script, verified_on: date, village: Village, rng: random.Random
) -> OutcomePlan:
    station_number = script.station_code[2:]
    if outcome is LeadOutcome.FUGITIVE_ARRESTED:
        day = verified_on + timedelta(days=rng.randint(0, 4))
        return OutcomePlan(outcome, day, case_number=f"ZT4604{station_number}{day:%Y%m%d}{n:03d}")
    if outcome is LeadOutcome.CASE_OPENED:
        day = verified_on + timedelta(days=rng.randint(0, 2))
        return OutcomePlan(outcome, day, case_number=f"A4604{station_number}{day:%Y%m%d}{n:03d}")
    if outcome is LeadOutcome.HAZARD_REMOVED:
        return OutcomePlan(outcome, verified_on + timedelta(days=rng.randint(1, 10)))
    category, summary = rng.choice(REFERRALS)
    return OutcomePlan(
        outcome,
        verified_on + timedelta(days=rng.randint(0, 2)),
        dispute_category=category,
        summary=f"{village.name_zh}{summary}",
    )


# ---------------------------------------------------------------- words

CHANNEL_OPENINGS = {
    LeadChannel.WECHAT_GROUP: ("警民微信联络群内群众留言：", "村居安全防范群内群众反映："),
    LeadChannel.JOINT_DEFENCE_DIRECTOR: ("联防主任报告：",),
    LeadChannel.HOTLINE: ("群众来电反映：",),
    LeadChannel.IN_PERSON: ("群众到所反映：",),
    LeadChannel.APP: ("群众通过平安服务平台反映：",),
}
DESCRIPTIONS = {
    LeadCategory.FUGITIVE: (
        "{village}一出租屋近日住进一名外地男子，深居简出，体貌与通缉在逃人员相似。",
        "{village}附近工地有一名务工人员疑似网上在逃人员，常在夜间出入。",
        "有人在{village}码头一带见到疑似在逃人员，准备乘船离开。",
    ),
    LeadCategory.DRUGS: (
        "{village}一处空置民房夜间常有陌生人聚集，疑似吸食毒品。",
        "{village}附近有人兜售来历不明的药丸，疑似涉毒。",
    ),
    LeadCategory.FRAUD: (
        "{village}多名老人接到自称公检法人员的电话，要求转账到“安全账户”。",
        "有人在{village}以高额回报为名推销理财产品，疑似集资诈骗。",
        "{village}村民反映有人冒充客服以退款为名骗取验证码。",
    ),
    LeadCategory.THEFT: (
        "{village}近一周接连有电动车电瓶被盗。",
        "{village}多户养殖户反映夜间有人偷剪电缆、偷拿水泵。",
        "{village}橡胶林内割胶工具和胶杯多次被盗。",
    ),
    LeadCategory.SAFETY_HAZARD: (
        "{village}村道旁的水塘无护栏，常有小孩在附近玩耍，存在溺水隐患。",
        "{village}一处小卖部私自储存大量烟花爆竹，存在火灾隐患。",
        "{village}路口电线杆倾斜，电线低垂，存在触电隐患。",
    ),
    LeadCategory.DISPUTE: (
        "{village}两户村民因宅基地界线多次争吵，矛盾有激化苗头。",
        "{village}一户人家兄弟因赡养老人问题发生争执。",
        "{village}村民因鱼塘承包款结算发生纠纷，双方情绪激动。",
    ),
    LeadCategory.OTHER: (
        "{village}有人在河道内电鱼，破坏渔业资源。",
        "{village}村口有流浪犬多次追咬路人。",
    ),
}
REFERRALS = (
    (DisputeCategory.LAND_OR_HOUSE, "两户村民因宅基地界线发生争执，请驻村民警与联防主任上门调解。"),
    (DisputeCategory.FAMILY, "兄弟二人因赡养老人问题产生矛盾，请村“两委”与民警共同调解。"),
    (DisputeCategory.DEBT, "村民之间因承包款结算发生纠纷，请调解后签订分期还款协议。"),
    (DisputeCategory.NEIGHBOUR, "邻里因排水沟堵塞互相指责，请网格员与民警现场调处。"),
)


def _description(category: LeadCategory, channel: LeadChannel, village: Village, rng: random.Random) -> str:
    opening = rng.choice(CHANNEL_OPENINGS[channel])
    return opening + rng.choice(DESCRIPTIONS[category]).format(village=village.name_zh)


# ---------------------------------------------------------------- contact groups and safety notices

# The stations the article names besides 前进派出所 register groups for two of their villages.
NAMED_STATIONS = ("东城派出所", XIHUA, "松林海岸派出所", "干冲海岸派出所", "东风派出所")
GROUP_NAMES = {
    ContactGroupKind.POLICE_RESIDENT: "警民微信联络群",
    ContactGroupKind.VILLAGE_SAFETY: "安全防范群",
}


@dataclass(frozen=True)
class ContactGroupPlan:
    group_id: str
    village_code: str
    kind: ContactGroupKind
    name: str
    registered_on: date

    def command(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "village_code": self.village_code,
            "kind": self.kind.value,
            "name": self.name,
            "registered_on": self.registered_on.isoformat(),
        }


@dataclass(frozen=True)
class NoticePlan:
    key: str
    station_code: str
    village_codes: tuple[str, ...]
    title: str
    body: str
    published_at: datetime

    def command(self) -> dict[str, Any]:
        return {
            "station_code": self.station_code,
            "village_codes": list(self.village_codes),
            "title": self.title,
            "body": self.body,
            "published_at": self.published_at.isoformat(),
        }

    def delivered_at(self, nth: int) -> datetime:
        """When the ``nth`` group (0 first) got it: posted one after another, two minutes apart."""
        return self.published_at + timedelta(minutes=2 * (nth + 1))


def group_villages(city: City) -> list[Village]:
    """Every village of 前进派出所 and two of each other station the article names."""
    villages = list(city.villages_of(city.station(QIANJIN).code))
    for name in NAMED_STATIONS:
        villages += city.villages_of(city.station(name).code)[:2]
    return villages


def contact_group_plans(city: City, year: DemoYear) -> list[ContactGroupPlan]:
    """Both groups (警民微信联络群, 村居安全防范群) of each village in ``group_villages``, set up on the
    year's first day."""
    return [
        ContactGroupPlan(
            f"{village.code}-{kind.value.replace('_', '-')}",
            village.code,
            kind,
            village.name_zh + name,
            year.first,
        )
        for village in group_villages(city)
        for kind, name in GROUP_NAMES.items()
    ]


NOTICES = (
    (
        "防范电信网络诈骗提示",
        "凡是自称公检法要求转账到“安全账户”的都是诈骗，切勿转账，遇到可疑情况请拨打110。",
    ),
    ("防溺水安全提示", "汛期河塘水位上涨，请家长看管好孩子，不私自下水游泳，不到无安全设施的水域玩耍。"),
    ("禁毒宣传提示", "珍爱生命，远离毒品。发现涉毒线索请在群内私信驻村民警或到派出所反映。"),
    ("防盗安全提示", "近期夜间电动车电瓶被盗多发，请将车辆停放在有监控的地方并加装防盗锁。"),
)


def notice_plans(city: City, year: DemoYear) -> list[NoticePlan]:
    """前进派出所 posts three notices to all its villages' groups (at 10:00 on the year's days 60, 180
    and 300); each other named station posts one to the villages where groups are registered (day 120
    and on, a week apart)."""
    villages_with_groups = {g.village_code for g in contact_group_plans(city, year)}
    qianjin = city.station(QIANJIN).code

    def at_ten(day: int) -> datetime:
        return datetime.combine(year.day(day), time(10), CHINA_STANDARD_TIME)

    plans = [
        NoticePlan(
            f"notice-{qianjin}-{i}",
            qianjin,
            _with_groups(city, qianjin, villages_with_groups),
            title,
            body,
            at_ten(120 * i - 60),
        )
        for i, (title, body) in enumerate(NOTICES[:3], start=1)
    ]
    for i, name in enumerate(NAMED_STATIONS):
        station = city.station(name).code
        title, body = NOTICES[i % len(NOTICES)]
        villages = _with_groups(city, station, villages_with_groups)
        plans.append(NoticePlan(f"notice-{station}-1", station, villages, title, body, at_ten(120 + 7 * i)))
    return plans


def _with_groups(city: City, station_code: str, villages_with_groups: set[str]) -> tuple[str, ...]:
    return tuple(v.code for v in city.villages_of(station_code) if v.code in villages_with_groups)


# ---------------------------------------------------------------- load


async def load(platform: Platform, city: City, year: DemoYear) -> None:
    async def register(group: ContactGroupPlan) -> None:
        await platform.post(SERVICE, "/contact-groups", group.command(), f"group-{group.group_id}")

    async def post_notice(notice: NoticePlan) -> None:
        published_notice = await platform.post(SERVICE, "/notices", notice.command(), f"{notice.key}-publish")
        path = f"/notices/{published_notice['notice_id']}/deliveries"
        for nth, group_id in enumerate(sorted(published_notice["group_ids"])):
            delivery = {"group_id": group_id, "delivered_at": notice.delivered_at(nth).isoformat()}
            await platform.post(SERVICE, path, delivery, f"{notice.key}-delivery-{group_id}")

    async def handle(lead: LeadPlan) -> None:
        submit = Command("", lead.submission(), f"{lead.key}-submit")
        then = [Command(f"/{c.action}", c.body, f"{lead.key}-{c.step}") for c in lead.after_receipt()]
        await platform.record(SERVICE, "/leads", "lead_id", [submit, *then])

    # Notices reach the groups registered before them.
    await in_parallel([partial(register, group) for group in contact_group_plans(city, year)])
    steps: list[Callable[[], Awaitable[None]]] = [
        partial(post_notice, notice) for notice in notice_plans(city, year)
    ]
    steps += [partial(handle, lead) for lead in lead_plans(city, year)]
    await in_parallel(steps)
