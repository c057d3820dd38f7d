"""Dispute mediation (矛盾纠纷调处): about three hundred disputes registered across the city during the
demo's year, each mediated by an officer/cadre pair of the station covering its village. Most end in
an agreement (closed as resolved, some visited afterwards), some fail and climb to the township or the
court, a few are withdrawn, and the most recent are still open. 西华派出所's pairs reach exactly the
published 32 agreements; 东城派出所's pair settles a ten-year neighbour dispute over a house.

Parties are pseudonyms (party-A, party-B...) as the service requires: no name or contact detail."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import partial
from typing import Any

from demo import published
from demo.appointments import appointment_plans
from demo.client import Command
from demo.client import Platform
from demo.client import in_parallel
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import Village

SERVICE = "mediation"
SEED = 20231128  # the article's day: the same plan every run

# Stories: how a dispute's mediation goes.
AGREED = "agreed"  # agreement at the village, closed as resolved
AGREED_AT_TOWNSHIP = "agreed_at_township"  # failed at the village, agreement at the township
COURT = "court"  # failed (at the village, maybe the township too), referred to the court
WITHDRAWN = "withdrawn"  # the claimant withdrew before any outcome
STALLED = "stalled_at_township"  # escalated to the township, still open there
AWAITING = "awaiting_escalation"  # failed at the village lately, not escalated yet
IN_PROGRESS = "in_progress"  # registered in the last four weeks, still at the village
STORY_WEIGHTS = {
    AGREED: 64,
    AGREED_AT_TOWNSHIP: 6,
    COURT: 6,
    WITHDRAWN: 7,
    STALLED: 5,
    AWAITING: 3,
    IN_PROGRESS: 9,
}
DISPUTES_PER_STATION = (5, 10)  # the other stations: between these, inclusive
XIHUA_AGREED_AT_TOWNSHIP = 3
# 西华派出所: the published agreements, then one dispute of each other kind and two still in progress.
XIHUA_STORIES = (
    [AGREED] * (published.XIHUA_DISPUTES_MEDIATED - XIHUA_AGREED_AT_TOWNSHIP)
    + [AGREED_AT_TOWNSHIP] * XIHUA_AGREED_AT_TOWNSHIP
    + [COURT, WITHDRAWN, STALLED, IN_PROGRESS, IN_PROGRESS]
)

CATEGORY_WEIGHTS = {"neighbour": 28, "land_or_house": 24, "family": 16, "debt": 15, "labour": 9, "other": 8}
# How long before its registration a dispute had been running, in days, when the parties say so.
RUNNING_BEFORE = {
    "neighbour": (60, 1800),
    "land_or_house": (180, 3000),
    "family": (30, 1500),
    "debt": (30, 720),
    "labour": (14, 180),
    "other": (1, 60),
}
DESCRIPTIONS = {
    "neighbour": (
        "相邻两户因排水沟走向发生争执，多次口角",
        "邻居之间因围墙修建占用通道引发矛盾",
        "因饲养家禽的噪音和卫生问题产生邻里纠纷",
    ),
    "land_or_house": (
        "两户村民对一处宅基地边界认定不一，发生争执",
        "村民之间因橡胶林地承包边界产生纠纷",
        "因建房遮挡采光和屋檐滴水问题引发纠纷",
    ),
    "family": (
        "兄弟之间因老人赡养费用分担发生矛盾",
        "兄妹之间因父母遗留房屋的分割发生争执",
        "夫妻因家庭琐事长期不和，一方回娘家居住",
    ),
    "debt": (
        "村民之间民间借贷到期未还，双方对欠款金额有争议",
        "购买化肥农资的欠款未结清引发纠纷",
    ),
    "labour": (
        "务工人员与包工头因工钱结算发生纠纷",
        "槟榔采收雇工的工钱被拖欠引发矛盾",
    ),
    "other": (
        "放养的耕牛踩坏庄稼，双方就赔偿协商不成",
        "道路上轻微剐蹭后双方就赔偿协商不成",
    ),
}
TERMS = {
    "neighbour": ("双方各退一步，共同出资修缮排水沟，约定互不妨碍通行", "拆除占道部分围墙，双方互谅互让"),
    "land_or_house": ("双方现场确认界址并签字，按确认的界线管理使用", "建房一方调整屋檐并给予适当补偿"),
    "family": ("兄弟按份分担老人赡养费用，按月交付", "房屋按协商方案分割，各方签字确认"),
    "debt": ("债务人分期还清欠款，双方签订还款协议", "结清农资欠款，免除部分利息"),
    "labour": ("包工头在约定期限内结清工钱", "雇主按实际工作量一次性结清工钱"),
    "other": ("一方赔偿损失，双方握手言和", "双方按责任分担修理费用"),
}
VILLAGE_SUMMARIES = (
    "民警与联防主任下沉到村，分别听取双方诉求，了解纠纷来龙去脉",
    "召集双方到村委会调解室面对面协商，释法说理，提出调解方案",
    "再次组织双方协商，结合村规民约和相关法律讲解权利义务",
)
TOWNSHIP_SUMMARY = "镇人民调解委员会会同民警和联防主任组织双方再次调解"
FAILURE_REASONS = (
    "双方分歧较大，多次调解未能达成一致",
    "被申请人拒不到场参加调解",
    "双方对赔偿数额分歧较大，调解未果",
)
TEN_YEARS_DESCRIPTION = "两户邻居因房屋翻建、滴水和通道问题积怨十年，多次发生争吵"
TEN_YEARS_TERMS = "双方各退一步，重新确定房屋间通道和滴水走向，互让一分、握手言和"

# Each dated command's field for its day.
DATE_FIELDS = {
    "parties": "added_on",
    "mediators": "assigned_on",
    "sessions": "held_on",
    "agreement": "reached_on",
    "failure": "failed_on",
    "escalate": "escalated_on",
    "close": "closed_on",
    "follow-ups": "visited_on",
}


# ---------------------------------------------------------------- who may mediate


@dataclass(frozen=True)
class Term:
    """A dual appointment's term: a deputy secretary serves in ``village_code``; a director serves at
    ``station_code`` and comes from ``village_code``."""

    person_id: str
    village_code: str
    station_code: str
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Programme:
    """The dual appointments as demo.appointments plans them: whose term covers which day."""

    deputy_secretaries: tuple[Term, ...]
    directors: tuple[Term, ...]

    def deputy_secretary(self, village_code: str, day: date) -> Term | None:
        serving = [t for t in self.deputy_secretaries if t.village_code == village_code and t.covers(day)]
        return max(serving, key=lambda t: t.start, default=None)

    def director(self, village: Village, day: date) -> Term | None:
        """As the service suggests: a director from the village itself first, else one serving at its
        station; the latest appointed first."""
        serving = [t for t in self.directors if t.station_code == village.station_code and t.covers(day)]
        return max(serving, key=lambda t: (t.village_code == village.code, t.start), default=None)

    def pair_from(self, village: Village) -> date | None:
        """The first day the village has a programme pair (None: it lacks a deputy secretary)."""
        deputies = [t.start for t in self.deputy_secretaries if t.village_code == village.code]
        directors = [t.start for t in self.directors if t.station_code == village.station_code]
        if not deputies or not directors:
            return None
        return max(min(deputies), min(directors))


def programme(city: City, year: DemoYear) -> Programme:
    station_of = {v.code: v.station_code for v in city.villages}
    village_of = {c.person_id: c.village_code for c in city.cadres}
    deputies: list[Term] = []
    directors: list[Term] = []
    for plan in appointment_plans(city, year):
        if plan.kind == "deputy_party_secretary":
            village = plan.organisation_code
            deputies.append(
                Term(plan.person_id, village, station_of[village], plan.term_start, plan.term_end)
            )
        else:
            village = village_of[plan.person_id]
            directors.append(
                Term(plan.person_id, village, plan.organisation_code, plan.term_start, plan.term_end)
            )
    return Programme(tuple(deputies), tuple(directors))


def mediator_pair(city: City, appointed: Programme, village: Village, day: date) -> tuple[str, str]:
    """(officer, cadre) for a dispute in ``village`` assigned on ``day``: the village's deputy secretary
    and a joint-defence director when their terms cover the day (the service's suggested pair), else
    the station officer who looks after the village and one of the village's own cadres."""
    deputy = appointed.deputy_secretary(village.code, day)
    director = appointed.director(village, day)
    if deputy is not None:
        officer = deputy.person_id
    else:
        index = city.villages_of(village.station_code).index(village)
        officer = city.officers_of(village.station_code)[index].person_id
    if director is not None:
        cadre = director.person_id
    else:
        cadre = next(c.person_id for c in city.cadres if c.village_code == village.code)
    return officer, cadre


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Act:
    """One command on a registered dispute: POST /disputes/{id}/{what} with ``body``; ``on`` is its day."""

    what: str
    on: date
    body: dict[str, Any]


@dataclass(frozen=True)
class DisputePlan:
    key: str  # names its commands' idempotency keys
    story: str
    station_code: str
    village_code: str
    registered_on: date
    registration: dict[str, Any]  # the POST /disputes body
    acts: tuple[Act, ...]

    def acts_of(self, what: str) -> tuple[Act, ...]:
        return tuple(a for a in self.acts if a.what == what)


@dataclass(frozen=True)
class _Step:
    """An act of a story, ``offset`` days after the registration, before its day and pair are known."""

    offset: int
    what: str
    fields: dict[str, Any]


def dispute_plans(city: City, year: DemoYear) -> list[DisputePlan]:
    """Every dispute of the year, station by station: 西华派出所's stories fixed by the published
    figure, the others drawn; the ten-year house dispute at 东城派出所's first village."""
    rng = random.Random(SEED)
    appointed = programme(city, year)
    xihua = city.station("西华派出所").code
    plans: list[DisputePlan] = []
    for station in city.stations:
        if station.code == xihua:
            stories = list(XIHUA_STORIES)
        else:
            count = rng.randint(*DISPUTES_PER_STATION)
            stories = rng.choices(list(STORY_WEIGHTS), weights=list(STORY_WEIGHTS.values()), k=count)
        for n, story in enumerate(stories, start=1):
            key = f"{station.code}-{n:02d}"
            plans.append(_dispute(rng, city, year, appointed, key, story, station.code, xihua))
    plans.append(ten_year_dispute(city, year, appointed))
    return plans


def _dispute(
    rng: random.Random,
    city: City,
    year: DemoYear,
    appointed: Programme,
    key: str,
    story: str,
    station_code: str,
    xihua: str,
) -> DisputePlan:
    villages = city.villages_of(station_code)
    # The published 32 were mediated by the programme's pairs: in villages with a deputy secretary,
    # registered once the pair is appointed.
    by_programme_pair = station_code == xihua and story in (AGREED, AGREED_AT_TOWNSHIP)
    if by_programme_pair:
        villages = tuple(v for v in villages if appointed.pair_from(v) is not None)
    village = rng.choice(villages)
    pair_from = appointed.pair_from(village) if by_programme_pair else None
    earliest = (pair_from - year.first).days if pair_from is not None else 0
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    parties, added = _parties(rng, category)
    labels = [p["label"] for p in parties + added]
    township = next(t for t in city.townships if t.code == village.township_code)
    steps, decisive = _story_steps(rng, story, category, labels, township.name_zh)
    # Registration day: the story's decisive act falls inside the year; the open ones are recent.
    last = 364  # the year's last day, counted from its first
    if story == IN_PROGRESS:
        day = last - rng.randint(0, 27)
    elif story == AWAITING:
        day = rng.randint(last - 60, last - decisive)
    elif story == STALLED:
        day = rng.randint(last - 250, last - decisive)
    else:
        day = rng.randint(earliest, last - decisive)
    registered_on = year.first + timedelta(days=day)
    registration: dict[str, Any] = {
        "source": "walk_in",
        "village_code": village.code,
        "category": category,
        "parties": parties,
        "description": rng.choice(DESCRIPTIONS[category]),
        "registered_on": registered_on.isoformat(),
    }
    source = rng.random()
    if source < 0.15:
        registration["source"] = "patrol"
    elif source < 0.3:
        registration["source"] = "referral"
        registration["source_reference"] = rng.choice((f"{township.name_zh}司法所", "儋州市信访局"))
    if rng.random() < 0.7:
        registration["grid_code"] = rng.choice(village.grid_codes)
    if rng.random() < 0.4:
        low, high = RUNNING_BEFORE[category]
        registration["running_since"] = (registered_on - timedelta(days=rng.randint(low, high))).isoformat()
    if added:
        steps.insert(0, _Step(0, "parties", {"parties": added}))
    acts = _acts(city, year, appointed, village, registered_on, steps)
    return DisputePlan(key, story, station_code, village.code, registered_on, registration, acts)


def _parties(rng: random.Random, category: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(registered, added later): a claimant and a respondent, sometimes a third party at once (family
    matters) or joining before the first session."""
    parties = [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}]
    if category == "family" and rng.random() < 0.4:
        parties.append({"label": "party-C", "role": "third_party"})
    added = []
    if rng.random() < 0.08:
        added.append({"label": f"party-{chr(ord('A') + len(parties))}", "role": "third_party"})
    return parties, added


def _story_steps(
    rng: random.Random, story: str, category: str, labels: list[str], township_zh: str
) -> tuple[list[_Step], int]:
    """The story's acts, days after the registration, and the offset of its decisive act (the
    outcome, or the last act an open dispute must already have)."""
    steps: list[_Step] = []
    offset = 0

    def act(what: str, gap: int, **fields: Any) -> int:
        nonlocal offset
        offset += gap
        steps.append(_Step(offset, what, fields))
        return offset

    def sessions(count: int, level: str) -> None:
        for n in range(count):
            summary = (
                VILLAGE_SUMMARIES[n % len(VILLAGE_SUMMARIES)] if level == "village" else TOWNSHIP_SUMMARY
            )
            gap = rng.randint(1, 5) if n == 0 else rng.randint(4, 9)
            act("sessions", gap, parties_present=labels, others_present=rng.randint(0, 4), summary=summary)

    def agreement_and_after() -> int:
        decisive = act("agreement", 0, terms=rng.choice(TERMS[category]))
        act("close", rng.randint(0, 3), outcome="resolved", note="达成调解协议，结案")
        if rng.random() < 0.35:
            follow_up()
        return decisive

    def follow_up() -> None:
        """A visit a few weeks after the agreement; now and then it finds the agreement broken."""
        holds = rng.random() < 0.92
        answers = [
            {"label": label, "satisfaction": "satisfied" if rng.random() < 0.8 else "partly_satisfied"}
            for label in labels
        ]
        if not holds:
            answers[0]["satisfaction"] = "dissatisfied"
        note = "回访时双方表示协议已履行" if holds else "一方未按约定履行，已告知可另行申请调解"
        act("follow-ups", rng.randint(20, 60), agreement_holds=holds, satisfaction=answers, note=note)

    def failure_and_escalation(to_level: str) -> None:
        act("failure", rng.randint(0, 3), reason=rng.choice(FAILURE_REASONS))
        if to_level == "township":
            note = f"提交{township_zh}人民调解委员会继续调解"
        else:
            note = "引导当事人依法向人民法院提起诉讼"
        act("escalate", rng.randint(1, 4), to_level=to_level, note=note)

    if story == WITHDRAWN:
        if rng.random() < 0.7:
            act("mediators", rng.randint(0, 2))
            sessions(rng.randint(0, 1), "village")
        decisive = act("close", rng.randint(2, 10), outcome="withdrawn", note="双方自行和解，申请人撤回申请")
        return steps, decisive
    act("mediators", rng.randint(0, 2))
    if story == IN_PROGRESS:
        sessions(rng.randint(0, 2), "village")
        return steps, 0
    if story == AGREED:
        sessions(rng.choices((1, 2, 3), weights=(45, 35, 20))[0], "village")
        return steps, agreement_and_after()
    sessions(rng.randint(2, 3), "village")
    if story == AWAITING:
        decisive = act("failure", rng.randint(0, 3), reason=rng.choice(FAILURE_REASONS))
        return steps, decisive
    if story == COURT and rng.random() < 0.5:
        failure_and_escalation("court")
    else:
        failure_and_escalation("township")
        sessions(rng.randint(1, 2) if story == AGREED_AT_TOWNSHIP else 1, "township")
        if story == AGREED_AT_TOWNSHIP:
            return steps, agreement_and_after()
        if story == STALLED:
            return steps, offset
        failure_and_escalation("court")
    decisive = act("close", rng.randint(0, 5), outcome="referred_to_court", note="已移交人民法院")
    return steps, decisive


def _acts(
    city: City,
    year: DemoYear,
    appointed: Programme,
    village: Village,
    registered_on: date,
    steps: list[_Step],
) -> tuple[Act, ...]:
    """The steps as commands: their days, the pair assigned on the assignment's day; what would fall
    after the year's last day has not happened yet and is left out."""
    assignment = next((s for s in steps if s.what == "mediators"), None)
    pair = (
        mediator_pair(city, appointed, village, registered_on + timedelta(days=assignment.offset))
        if assignment is not None
        else None
    )
    acts: list[Act] = []
    for step in steps:
        on = registered_on + timedelta(days=step.offset)
        if on > year.last:
            break
        body = {**step.fields, DATE_FIELDS[step.what]: on.isoformat()}
        if step.what == "mediators" and pair is not None:
            body |= {"officer_person_id": pair[0], "cadre_person_id": pair[1]}
        if step.what == "sessions" and pair is not None:
            body["officials_present"] = list(pair)
        acts.append(Act(step.what, on, body))
    return tuple(acts)


def ten_year_dispute(city: City, year: DemoYear, appointed: Programme) -> DisputePlan:
    """The article's case: a neighbour dispute over a house, ten years old, settled by 东城派出所's
    officer (deputy secretary of the village) and a joint-defence director in three sessions."""
    village = city.villages_of(city.station("东城派出所").code)[0]
    registered_on = year.day(240)
    try:
        running_since = registered_on.replace(year=registered_on.year - 10)
    except ValueError:  # 29 February
        running_since = registered_on.replace(year=registered_on.year - 10, day=28)
    labels = ["party-A", "party-B"]
    steps = [
        _Step(1, "mediators", {}),
        _Step(
            3, "sessions", {"parties_present": labels, "others_present": 2, "summary": VILLAGE_SUMMARIES[0]}
        ),
        _Step(
            10, "sessions", {"parties_present": labels, "others_present": 4, "summary": VILLAGE_SUMMARIES[2]}
        ),
        _Step(
            17,
            "sessions",
            {
                "parties_present": labels,
                "others_present": 6,
                "summary": "现场察看房屋，释法说理，双方各退一步",
            },
        ),
        _Step(17, "agreement", {"terms": TEN_YEARS_TERMS}),
        _Step(17, "close", {"outcome": "resolved", "note": "积压十年的邻里纠纷成功化解"}),
        _Step(
            47,
            "follow-ups",
            {
                "agreement_holds": True,
                "satisfaction": [{"label": label, "satisfaction": "satisfied"} for label in labels],
                "note": "回访时两户和睦相处，协议已履行",
            },
        ),
    ]
    registration = {
        "source": "walk_in",
        "village_code": village.code,
        "grid_code": village.grid_codes[0],
        "category": "neighbour",
        "parties": [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}],
        "running_since": running_since.isoformat(),
        "description": TEN_YEARS_DESCRIPTION,
        "registered_on": registered_on.isoformat(),
    }
    acts = _acts(city, year, appointed, village, registered_on, steps)
    return DisputePlan(
        f"{village.station_code}-ten-years",
        AGREED,
        village.station_code,
        village.code,
        registered_on,
        registration,
        acts,
    )


async def load(platform: Platform, city: City, year: DemoYear) -> None:
    async def mediate(plan: DisputePlan) -> None:
        register = Command("", plan.registration, f"{plan.key}-register")
        # One dispute's acts in order: none may predate the one before.
        acts = [
            Command(f"/{act.what}", act.body, f"{plan.key}-{n:02d}-{act.what}")
            for n, act in enumerate(plan.acts, start=1)
        ]
        await platform.record(SERVICE, "/disputes", "dispute_id", [register, *acts])

    await in_parallel([partial(mediate, plan) for plan in dispute_plans(city, year)])
