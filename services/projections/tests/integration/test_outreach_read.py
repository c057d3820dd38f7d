"""Read model "outreach" and its API: exact figures of a small scenario by China days (drives and their
target schools, corrected school days, enterprise visits and follow-ups, cases, job referrals), scoping
to the caller, replay safety, parking, and no personal data kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOpened
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.outreach import FollowUpActionCompleted
from govgrid.catalogue.outreach import FollowUpActionPlanned
from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.outreach import JobReferralOutcome
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import NotHiredReason
from govgrid.catalogue.outreach import RegistrationDriveClosed
from govgrid.catalogue.outreach import RegistrationDriveLaunched
from govgrid.catalogue.outreach import RegistrationDriveTargetsAdded
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.catalogue.outreach import SchoolVisitCorrected
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import Retried
from services.projections.dispatch import project
from services.projections.dispatch import retry_parked
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.outreach import OUTREACH
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import organisation

ADMIN = bearer(Role.CITY_ADMIN)
NOVEMBER = "from=2023-11-01&to=2023-11-30"


def d(text: str) -> date:
    return date.fromisoformat(text)


def placed(village: str) -> Jurisdiction:
    """Where the write side files what happens in the village: its township, its station, itself."""
    township, station = VILLAGES[village]
    return Jurisdiction(township=township, station=station, village=village)


SCHOOL_VILLAGES = {"SCH1": "V1", "SCH2": "V2", "SCH3": "V3", "SCH4": "V1", "SCH5": "V2"}


def schools() -> list[EventEnvelope]:
    return [
        Stream(f"school-{code}", placed(village)).next(
            SchoolRegistered(school_code=code, name_zh=f"{code}学校", village_code=village), d("2023-01-02")
        )
        for code, village in SCHOOL_VILLAGES.items()
    ]


class Drive:
    """A drive's events as the outreach service files them: launch, targets and closure under the
    station; a school day under the school's township and village with the drive's station."""

    def __init__(self, drive_id: str, station: str, period: tuple[str, str], launched: str, *targets: str):
        self.drive_id = drive_id
        self.station = station
        self.stream = Stream(f"drive-{drive_id}", Jurisdiction(station=station))
        self.events: list[EventEnvelope] = []
        launch = RegistrationDriveLaunched(
            drive_id=drive_id,
            station_code=station,
            title=f"户籍窗口进校园 {drive_id}",
            period_start=d(period[0]),
            period_end=d(period[1]),
            target_school_codes=targets,
            launched_on=d(launched),
        )
        self._add(launch, launched)

    def _add(self, payload: DomainEvent, on: str, j: Jurisdiction | None = None) -> Drive:
        self.stream.jurisdiction = j or Jurisdiction(station=self.station)
        self.events.append(self.stream.next(payload, d(on)))
        return self

    def target(self, on: str, *schools: str) -> Drive:
        return self._add(
            RegistrationDriveTargetsAdded(drive_id=self.drive_id, school_codes=schools, added_on=d(on)), on
        )

    def _school_day(self, school: str) -> Jurisdiction:
        village = SCHOOL_VILLAGES[school]
        return Jurisdiction(township=VILLAGES[village][0], station=self.station, village=village)

    def visit(self, school: str, on: str, students: int, id_cards: int, changes: int) -> Drive:
        figures = dict(students_processed=students, id_cards=id_cards, household_changes=changes)
        visit = SchoolVisitRecorded(drive_id=self.drive_id, school_code=school, visited_on=d(on), **figures)
        return self._add(visit, on, self._school_day(school))

    def correct(self, school: str, day: str, on: str, students: int, id_cards: int, changes: int) -> Drive:
        figures = dict(students_processed=students, id_cards=id_cards, household_changes=changes)
        fixed = SchoolVisitCorrected(drive_id=self.drive_id, school_code=school, visited_on=d(day), **figures)
        return self._add(fixed, on, self._school_day(school))

    def close(self, on: str) -> Drive:
        closed = RegistrationDriveClosed(
            drive_id=self.drive_id, closed_on=d(on), target_schools=1, target_schools_served=1
        )
        return self._add(closed, on)


D1 = (  # S01, all November: SCH1 (a day corrected) and SCH2 served, SCH4 added on 20 November
    Drive("D1", "S01", ("2023-11-01", "2023-11-30"), "2023-11-01", "SCH1", "SCH2")
    .visit("SCH1", "2023-11-06", 300, 40, 12)
    .visit("SCH1", "2023-11-07", 100, 10, 5)
    .correct("SCH1", "2023-11-06", "2023-11-08", 320, 45, 12)
    .visit("SCH2", "2023-11-10", 250, 30, 8)
    .target("2023-11-20", "SCH4")
)
D2 = (  # S02, mid-October to mid-December
    Drive("D2", "S02", ("2023-10-15", "2023-12-15"), "2023-10-10", "SCH3")
    .visit("SCH3", "2023-10-20", 200, 20, 6)
    .visit("SCH3", "2023-12-02", 150, 15, 3)
)
D3 = Drive("D3", "S01", ("2023-09-01", "2023-09-30"), "2023-08-25", "SCH1").close("2023-09-30")
D4 = (  # planned to the end of November, closed at the end of October
    Drive("D4", "S01", ("2023-10-01", "2023-11-30"), "2023-09-28", "SCH5")
    .visit("SCH5", "2023-10-12", 50, 5, 1)
    .close("2023-10-31")
)
D5 = Drive("D5", "S01", ("2023-11-15", "2023-11-30"), "2023-11-14", "SCH1")  # SCH1 again, never visited

ENTERPRISE_VILLAGES = {"ENT1": "V1", "ENT2": "V3", "ENT3": "V2"}


class Visit:
    def __init__(self, visit_id: str, enterprise: str, kind: EnterpriseVisitKind, on: str, case: str = ""):
        self.visit_id = visit_id
        self.stream = Stream(f"enterprisevisit-{visit_id}", placed(ENTERPRISE_VILLAGES[enterprise]))
        recorded = EnterpriseVisitRecorded(
            visit_id=visit_id,
            enterprise_code=enterprise,
            officer_person_id="P001",
            kind=kind,
            visited_on=d(on),
            findings=("消防通道堵塞",),
            case_id=case or None,
        )
        self.events = [self.stream.next(recorded, d(on))]
        self.actions = 0

    def plan(self, on: str, due: str) -> Visit:
        self.actions += 1
        planned = FollowUpActionPlanned(
            visit_id=self.visit_id, action_no=self.actions, action="整改", due_on=d(due)
        )
        self.events.append(self.stream.next(planned, d(on)))
        return self

    def complete(self, action_no: int, on: str) -> Visit:
        done = FollowUpActionCompleted(visit_id=self.visit_id, action_no=action_no, completed_on=d(on))
        self.events.append(self.stream.next(done, d(on)))
        return self


VISITS = [
    Visit("EV1", "ENT1", EnterpriseVisitKind.SAFETY_INSPECTION, "2023-11-03")
    .plan("2023-11-03", "2023-11-10")
    .plan("2023-11-03", "2023-11-20")  # never completed: overdue from 21 November
    .complete(1, "2023-11-09"),
    Visit("EV2", "ENT2", EnterpriseVisitKind.ANTI_TERROR_DRILL, "2023-11-05")
    .plan("2023-11-12", "2023-11-30")  # due on the last day of November: not overdue then
    .complete(1, "2023-12-01"),
    Visit("EV3", "ENT1", EnterpriseVisitKind.CASE_FOLLOW_UP, "2023-11-21", case="C1"),
    Visit("EV4", "ENT3", EnterpriseVisitKind.SERVICE_VISIT, "2023-10-28")
    .plan("2023-10-28", "2023-11-05")
    .complete(1, "2023-11-07"),  # late
]


def case(case_id: str, enterprise: str, opened: str, handled: str | None = None) -> list[EventEnvelope]:
    stream = Stream(f"enterprisecase-{case_id}", placed(ENTERPRISE_VILLAGES[enterprise]))
    opening = EnterpriseCaseOpened(
        case_id=case_id,
        enterprise_code=enterprise,
        category=EnterpriseCaseCategory.THEFT,
        opened_on=d(opened),
        summary="仓库失窃",
    )
    events = [stream.next(opening, d(opened))]
    if handled:
        handling = EnterpriseCaseHandled(
            case_id=case_id, handled_on=d(handled), outcome=EnterpriseCaseOutcome.SOLVED
        )
        events.append(stream.next(handling, d(handled)))
    return events


CASES = [
    *case("C1", "ENT1", "2023-11-02", "2023-11-12"),  # 10 days
    *case("C2", "ENT2", "2023-10-25", "2023-11-08"),  # 14 days
    *case("C3", "ENT3", "2023-11-15", "2023-11-18"),  # 3 days
    *case("C4", "ENT1", "2023-11-25"),
]

PERSON_REF = "CASEFILE-7731"


def referral(
    referral_id: str,
    enterprise: str,
    referred: str,
    outcome: JobReferralOutcome | None = None,
    decided: str = "",
) -> list[EventEnvelope]:
    stream = Stream(f"jobreferral-{referral_id}", placed(ENTERPRISE_VILLAGES[enterprise]))
    made = JobReferralMade(
        referral_id=referral_id,
        person_ref=PERSON_REF,
        enterprise_code=enterprise,
        position="包装工",
        referred_on=d(referred),
    )
    events = [stream.next(made, d(referred))]
    if outcome is not None:
        reason = NotHiredReason.POSITION_FILLED if outcome is JobReferralOutcome.NOT_HIRED else None
        decision = JobReferralOutcomeRecorded(
            referral_id=referral_id, outcome=outcome, decided_on=d(decided), not_hired_reason=reason
        )
        events.append(stream.next(decision, d(decided)))
    return events


HIRED, NOT_HIRED = JobReferralOutcome.HIRED, JobReferralOutcome.NOT_HIRED
REFERRALS = [
    *referral("R1", "ENT1", "2023-11-06", HIRED, "2023-11-16"),
    *referral("R2", "ENT1", "2023-11-08", NOT_HIRED, "2023-11-20"),
    *referral("R3", "ENT2", "2023-11-25"),
    *referral("R4", "ENT3", "2023-10-20", HIRED, "2023-11-02"),
    *referral("R5", "ENT3", "2023-11-28", HIRED, "2023-12-03"),
]

HISTORY = [
    *organisation(VILLAGES, {}),
    *schools(),
    *(e for drive in (D1, D2, D3, D4, D5) for e in drive.events),
    *(e for visit in VISITS for e in visit.events),
    *CASES,
    *REFERRALS,
]


async def feed(generations: Generations, events: list[EventEnvelope]) -> None:
    for envelope in events:
        await project(generations, READ_MODELS, envelope)


async def get(api: httpx.AsyncClient, path: str, headers: dict[str, str] = ADMIN) -> Any:
    answer = await api.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def kinds(safety: int = 0, drill: int = 0, follow_up: int = 0, service: int = 0) -> dict[str, int]:
    return {
        "safety_inspection": safety,
        "anti_terror_drill": drill,
        "case_follow_up": follow_up,
        "service_visit": service,
    }


def figures(
    schools: tuple[int, int, float | None],
    documents: tuple[int, int, int],
    visits: dict[str, int],
    follow_ups: tuple[int, int, int],
    cases: tuple[int, int, float | None],
    referrals: tuple[int, int, int, int],
) -> dict[str, Any]:
    return {
        "schools_targeted": schools[0],
        "schools_served": schools[1],
        "completion_percent": schools[2],
        "students_processed": documents[0],
        "id_cards": documents[1],
        "household_changes": documents[2],
        "enterprise_visits": sum(visits.values()),
        "enterprise_visits_by_kind": visits,
        "follow_up_actions_planned": follow_ups[0],
        "follow_up_actions_completed": follow_ups[1],
        "follow_up_actions_overdue": follow_ups[2],
        "enterprise_cases_opened": cases[0],
        "enterprise_cases_handled": cases[1],
        "median_handling_days": cases[2],
        "job_referrals_made": referrals[0],
        "job_referrals_hired": referrals[1],
        "job_referrals_not_hired": referrals[2],
        "job_referrals_pending": referrals[3],
    }


# November, city: D1's SCH1, SCH2, SCH4, D5's SCH1 again and D2's SCH3 are targets (D3 ended in
# September, D4 was closed in October); 320 + 100 + 250 students with SCH1's corrected day.
NOVEMBER_CITY = figures(
    schools=(4, 2, 50.0),
    documents=(670, 85, 25),
    visits=kinds(safety=1, drill=1, follow_up=1),
    follow_ups=(3, 2, 1),  # EV1's two and EV2's; EV1's first and EV4's (late); EV1's second
    cases=(3, 3, 10.0),  # C1, C3, C4; C1, C2, C3 in 10, 14 and 3 days
    referrals=(4, 2, 1, 2),  # R1, R2, R3, R5; R1 and R4 hired, R2 not; R3 and R5 waiting
)
NOVEMBER_S01 = figures(
    schools=(3, 2, 66.7),
    documents=(670, 85, 25),
    visits=kinds(safety=1, follow_up=1),
    follow_ups=(2, 2, 1),
    cases=(3, 2, 6.5),
    referrals=(3, 2, 1, 1),
)
NOVEMBER_S02 = figures(
    schools=(1, 0, 0.0),
    documents=(0, 0, 0),
    visits=kinds(drill=1),
    follow_ups=(1, 0, 0),
    cases=(0, 1, 14.0),
    referrals=(1, 0, 0, 1),
)
NOVEMBER_T01 = figures(  # V1: SCH1, SCH4, ENT1
    schools=(2, 1, 50.0),
    documents=(420, 55, 17),
    visits=kinds(safety=1, follow_up=1),
    follow_ups=(2, 1, 1),
    cases=(2, 1, 10.0),
    referrals=(2, 1, 1, 0),
)
NOVEMBER_T02 = figures(  # V2 and V3: SCH2 (S01's drive), SCH3, ENT2, ENT3
    schools=(2, 1, 50.0),
    documents=(250, 30, 8),
    visits=kinds(drill=1),
    follow_ups=(1, 1, 0),
    cases=(1, 2, 8.5),
    referrals=(2, 1, 0, 2),
)
NOTHING = figures((0, 0, None), (0, 0, 0), kinds(), (0, 0, 0), (0, 0, None), (0, 0, 0, 0))


def without_range(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in ("from", "to")}


async def test_city_figures_by_china_days(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    november = await get(read_api, f"/outreach/summary?{NOVEMBER}")
    assert (november["from"], november["to"]) == ("2023-11-01", "2023-11-30")
    assert without_range(november) == NOVEMBER_CITY

    december = await get(read_api, "/outreach/summary?from=2023-12-01&to=2023-12-31")
    assert without_range(december) == figures(
        schools=(1, 1, 100.0),  # only D2 is still on
        documents=(150, 15, 3),
        visits=kinds(),
        follow_ups=(0, 1, 1),  # EV2's completed; EV1's second still overdue
        cases=(0, 0, None),
        referrals=(0, 1, 0, 1),  # R5 hired; R3 still waiting
    )
    october = await get(read_api, "/outreach/summary?from=2023-10-01&to=2023-10-31")
    assert without_range(october) == figures(
        schools=(2, 2, 100.0),  # D4 before its closure, and D2
        documents=(250, 25, 7),
        visits=kinds(service=1),
        follow_ups=(1, 0, 0),
        cases=(1, 0, None),
        referrals=(1, 0, 0, 1),
    )


async def test_figures_stand_as_at_the_end_of_the_last_day(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    early = await get(read_api, "/outreach/summary?from=2023-11-01&to=2023-11-06")
    # SCH4 is no target yet, SCH1 served once (its day as corrected later); EV4's action was due on
    # the 5th and completed on the 7th; R1 waits, R4 was hired on the 2nd.
    assert without_range(early) == figures(
        schools=(3, 1, 33.3),
        documents=(320, 45, 12),
        visits=kinds(safety=1, drill=1),
        follow_ups=(2, 0, 1),
        cases=(1, 0, None),
        referrals=(1, 1, 0, 1),
    )
    mid = await get(read_api, "/outreach/summary?from=2023-11-01&to=2023-11-15")
    assert (mid["schools_targeted"], mid["schools_served"], mid["completion_percent"]) == (3, 2, 66.7)


async def test_a_drive_recorded_after_the_fact_targets_its_schools_from_its_period_start(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    # June's drive, typed in on 15 July with the school day it had: June's figures show its target.
    late = Drive("D5", "S02", ("2023-06-01", "2023-06-30"), "2023-07-15", "SCH3").visit(
        "SCH3", "2023-06-10", 120, 12, 2
    )
    await feed(generations, [*schools(), *late.events])
    june = await get(read_api, "/outreach/summary?from=2023-06-01&to=2023-06-30")
    assert (june["schools_targeted"], june["schools_served"], june["students_processed"]) == (1, 1, 120)


async def test_a_correction_replaces_the_figures_of_the_day(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    correction = D1.events[3]
    assert correction.event_type == "SchoolVisitCorrected"
    await feed(generations, [e for e in HISTORY if e is not correction])
    before = await get(read_api, f"/outreach/summary?{NOVEMBER}")
    assert (before["students_processed"], before["id_cards"], before["household_changes"]) == (650, 80, 25)
    await feed(generations, [correction])
    after = await get(read_api, f"/outreach/summary?{NOVEMBER}")
    assert (after["students_processed"], after["id_cards"], after["household_changes"]) == (670, 85, 25)


async def test_rows_per_station(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    rows = await get(read_api, f"/outreach/by-station?{NOVEMBER}")
    assert [(r["station_code"], r["name_zh"], r["name_en"]) for r in rows] == [
        ("S01", "S01名", "S01 name"),
        ("S02", "S02名", "S02 name"),
    ]
    s01, s02 = ({k: v for k, v in r.items() if k not in ("station_code", "name_zh", "name_en")} for r in rows)
    assert (s01, s02) == (NOVEMBER_S01, NOVEMBER_S02)
    assert without_range(await get(read_api, f"/outreach/summary?{NOVEMBER}&station=S02")) == NOVEMBER_S02


async def test_each_caller_sees_their_jurisdiction(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    t01 = await get(read_api, f"/outreach/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert without_range(t01) == NOVEMBER_T01
    t02 = await get(read_api, f"/outreach/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T02"))
    assert without_range(t02) == NOVEMBER_T02
    # A city admin asking for T01 gets what the T01 officer gets; T01 asking for T02 gets nothing.
    assert await get(read_api, f"/outreach/summary?{NOVEMBER}&township=T01") == t01
    outside = await get(
        read_api, f"/outreach/summary?{NOVEMBER}&township=T02", bearer(Role.TOWNSHIP_OFFICER, "T01")
    )
    assert without_range(outside) == NOTHING
    s02 = await get(read_api, f"/outreach/summary?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S02"))
    assert without_range(s02) == NOVEMBER_S02
    v2 = await get(read_api, f"/outreach/summary?{NOVEMBER}", bearer(Role.VILLAGE_CADRE, "V2"))
    # SCH2 served; EV4's late completion; C3 in 3 days; R4 hired, R5 waiting.
    assert without_range(v2) == figures(
        schools=(1, 1, 100.0),
        documents=(250, 30, 8),
        visits=kinds(),
        follow_ups=(0, 1, 0),
        cases=(1, 1, 3.0),
        referrals=(1, 1, 0, 1),
    )
    stations = await get(read_api, f"/outreach/by-station?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert [(r["station_code"], r["schools_targeted"]) for r in stations] == [("S01", 2)]


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    paths = [f"/outreach/summary?{NOVEMBER}", f"/outreach/by-station?{NOVEMBER}"]
    before = [await get(read_api, path) for path in paths]
    await feed(generations, HISTORY)
    assert [await get(read_api, path) for path in paths] == before
    assert without_range(before[0]) == NOVEMBER_CITY


async def test_no_personal_data_is_kept(generations: Generations) -> None:
    await feed(generations, HISTORY)
    pool = await generations.active_pool(OUTREACH)
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name LIKE 'rm\\_%'"
    )
    assert len(tables) == 10
    for table in tables:
        rows = await pool.fetch(f'SELECT t::text AS row FROM "{table["table_name"]}" t')
        assert not [r["row"] for r in rows if PERSON_REF in r["row"] or "P001" in r["row"]]


async def test_a_drive_whose_launch_is_missing_is_parked_until_it_arrives(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    launch, *rest = D1.events
    await kafka_log.feed(generations, [e for e in HISTORY if e is not launch])
    pool = await generations.active_pool(OUTREACH)
    parked = await pool.fetch("SELECT event_id, reason FROM parked_events ORDER BY stream_version")
    assert [r["event_id"] for r in parked] == [e.event_id for e in rest]
    assert "drive D1 is not in the read model" in parked[0]["reason"]
    assert all("waiting behind" in r["reason"] for r in parked[1:])
    # Other drives and everything else went on.
    meanwhile = await get(read_api, f"/outreach/summary?{NOVEMBER}")
    assert (meanwhile["schools_targeted"], meanwhile["students_processed"]) == (2, 0)
    assert meanwhile["job_referrals_made"] == 4

    await kafka_log.feed(generations, [launch])
    retried = await retry_parked(pool, OUTREACH, kafka_log.bootstrap_servers)
    assert retried == Retried(applied=len(rest), still_parked=0)
    assert without_range(await get(read_api, f"/outreach/summary?{NOVEMBER}")) == NOVEMBER_CITY


@pytest.mark.parametrize(
    "query",
    [
        "summary?from=2023-02-30",
        "summary?from=2023-12-01&to=2023-11-30",
        "summary?to=1999-12-31",
        "summary?village=",
        "by-station?township=bad%20code",
        "by-station?station=" + "S" * 33,
    ],
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/outreach/{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/outreach/summary")).status_code == 401
