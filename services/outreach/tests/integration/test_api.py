"""The outreach API end to end on real PostgreSQL: each lifecycle, each status code, idempotency."""

from __future__ import annotations

import asyncio
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.china_time import occurred_on
from services.outreach.bootstrap import OutreachService
from services.outreach.tests.integration.conftest import ADMIN
from services.outreach.tests.integration.conftest import S01
from services.outreach.tests.integration.conftest import S02
from services.outreach.tests.integration.conftest import T01
from services.outreach.tests.integration.conftest import T02
from services.outreach.tests.integration.conftest import apply_registry
from services.outreach.tests.integration.conftest import bearer
from services.outreach.tests.integration.conftest import ok
from services.outreach.tests.integration.conftest import registry_envelopes

DRIVE = {
    "station_code": "S01",
    "title": "2023年秋季户籍窗口进校园",
    "period_start": "2023-09-01",
    "period_end": "2023-10-31",
    "target_school_codes": ["SCH1", "SCH2"],
    "launched_on": "2023-08-20",
}
SCHOOL_DAY = {
    "school_code": "SCH1",
    "visited_on": "2023-09-05",
    "students_processed": 120,
    "id_cards": 80,
    "household_changes": 15,
}
INSPECTION = {
    "enterprise_code": "ENT1",
    "officer_person_id": "P001",
    "kind": "safety_inspection",
    "visited_on": "2023-10-10",
    "findings": ["消防通道堵塞", "灭火器过期"],
    "follow_ups": [{"action": "复查消防通道", "due_on": "2023-10-20"}],
}
CASE = {"enterprise_code": "ENT1", "category": "theft", "opened_on": "2023-10-01", "summary": "厂区橡胶被盗"}
REFERRAL = {
    "person_ref": "DF-2023-017",
    "enterprise_code": "ENT1",
    "position": "包装工",
    "referred_on": "2023-10-12",
}
TOMORROW = (date.today() + timedelta(days=2)).isoformat()  # after today in China too


async def created(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str] = S01
) -> str:
    answer = await ok(await api.post(path, json=body, headers=headers), 201)
    ident = next(v for k, v in answer.items() if k in ("drive_id", "visit_id", "case_id", "referral_id"))
    assert isinstance(ident, str)
    return ident


async def history(api: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = (await api.get(f"{path}/history", headers=ADMIN)).json()
    return events


# ---------------------------------------------------------------- lifecycles


async def test_a_drive_serves_its_schools_then_closes(world: httpx.AsyncClient) -> None:
    drive = await created(world, "/registration-drives", DRIVE)
    path = f"/registration-drives/{drive}"
    first = await ok(await world.post(f"{path}/visits", json=SCHOOL_DAY, headers=S01))
    assert (first["completion"], first["target_schools_served"], first["version"]) == (0.5, ["SCH1"], 2)
    again = {**SCHOOL_DAY, "visited_on": "2023-09-06", "students_processed": 90, "id_cards": 60}
    await ok(await world.post(f"{path}/visits", json=again, headers=S01))
    typo = {**again, "students_processed": 95}
    corrected = await ok(await world.post(f"{path}/visits/correct", json=typo, headers=S01))
    assert (corrected["students_processed"], corrected["version"]) == (120 + 95, 4)
    second = {"school_code": "SCH2", "visited_on": "2023-09-12", "students_processed": 300, "id_cards": 200}
    state = await ok(
        await world.post(f"{path}/visits", json={**second, "household_changes": 40}, headers=S01)
    )
    assert (state["completion"], state["students_processed"], state["id_cards"]) == (1.0, 515, 340)
    assert state["household_changes"] == 15 + 15 + 40

    closed = await ok(await world.post(f"{path}/close", json={"closed_on": "2023-10-31"}, headers=S01))
    assert closed["closed_on"] == "2023-10-31" and closed["version"] == 6
    assert await ok(await world.get(path, headers=S01)) == closed

    events = await history(world, path)
    assert [e["event_type"] for e in events] == [
        "RegistrationDriveLaunched",
        "SchoolVisitRecorded",
        "SchoolVisitRecorded",
        "SchoolVisitCorrected",
        "SchoolVisitRecorded",
        "RegistrationDriveClosed",
    ]
    assert events[0]["jurisdiction"] == {"township": None, "station": "S01", "village": None}
    # A school's day is filed under the school's village and township, with the drive's station.
    assert events[4]["jurisdiction"] == {"township": "T01", "station": "S01", "village": "V02"}
    assert datetime.fromisoformat(events[1]["occurred_at"]) == occurred_on(date(2023, 9, 5))
    assert events[5]["payload"] == {
        "drive_id": drive,
        "closed_on": "2023-10-31",
        "target_schools": 2,
        "target_schools_served": 2,
    }
    assert {e["actor"] for e in events} == {"s01-officer"}


async def test_targets_added_to_a_drive_lower_its_completion(world: httpx.AsyncClient) -> None:
    drive = await created(world, "/registration-drives", {**DRIVE, "target_school_codes": ["SCH1"]})
    await ok(await world.post(f"/registration-drives/{drive}/visits", json=SCHOOL_DAY, headers=S01))
    state = await ok(
        await world.post(
            f"/registration-drives/{drive}/targets",
            json={"school_codes": ["SCH2"], "added_on": "2023-09-05"},
            headers=S01,
        )
    )
    assert (state["target_school_codes"], state["completion"]) == (["SCH1", "SCH2"], 0.5)


async def test_an_inspection_with_follow_ups_planned_and_completed(world: httpx.AsyncClient) -> None:
    visit = await created(world, "/enterprise-visits", INSPECTION)
    path = f"/enterprise-visits/{visit}"
    later = await ok(
        await world.post(
            f"{path}/follow-ups", json={"action": "更换灭火器", "due_on": "2023-11-10"}, headers=S01
        )
    )
    assert [a["action_no"] for a in later["follow_ups"]] == [1, 2]
    done = await ok(
        await world.post(
            f"{path}/follow-ups/1/complete",
            json={"completed_on": "2023-10-18", "note": "已清理"},
            headers=S01,
        )
    )
    assert done["follow_ups"][0] == {
        "action_no": 1,
        "action": "复查消防通道",
        "due_on": "2023-10-20",
        "completed_on": "2023-10-18",
        "note": "已清理",
    }
    assert done["findings"] == ["消防通道堵塞", "灭火器过期"] and done["officer_person_id"] == "P001"
    events = await history(world, path)
    assert [e["event_type"] for e in events] == [
        "EnterpriseVisitRecorded",
        "FollowUpActionPlanned",
        "FollowUpActionPlanned",
        "FollowUpActionCompleted",
    ]
    assert events[0]["jurisdiction"] == {"township": "T01", "station": "S01", "village": "V01"}
    # A village cadre of the enterprise's village reads it too.
    assert (await world.get(path, headers=bearer(Role.VILLAGE_CADRE, "V01"))).status_code == 200


async def test_an_enterprise_case_is_followed_up_and_handled(world: httpx.AsyncClient) -> None:
    case = await created(world, "/enterprise-cases", CASE)
    follow_up = {**INSPECTION, "kind": "case_follow_up", "case_id": case, "follow_ups": []}
    await created(world, "/enterprise-visits", follow_up)
    handled = await ok(
        await world.post(
            f"/enterprise-cases/{case}/handle",
            json={"handled_on": "2023-10-15", "outcome": "solved"},
            headers=S01,
        )
    )
    assert (handled["outcome"], handled["handling_days"]) == ("solved", 14)
    assert [e["event_type"] for e in await history(world, f"/enterprise-cases/{case}")] == [
        "EnterpriseCaseOpened",
        "EnterpriseCaseHandled",
    ]


async def test_a_referral_ends_hired_and_the_person_may_be_referred_again(world: httpx.AsyncClient) -> None:
    referral = await created(world, "/job-referrals", REFERRAL)
    pending = await world.post("/job-referrals", json=REFERRAL, headers=S01)
    assert pending.status_code == 409 and pending.json()["error"] == "referral_already_pending"
    assert "DF-2023-017" not in pending.text
    outcome = {"outcome": "not_hired", "decided_on": "2023-10-20", "not_hired_reason": "position_filled"}
    state = await ok(await world.post(f"/job-referrals/{referral}/outcome", json=outcome, headers=S01))
    assert (state["outcome"], state["not_hired_reason"]) == ("not_hired", "position_filled")
    await created(
        world, "/job-referrals", {**REFERRAL, "position": "仓库管理员", "referred_on": "2023-11-01"}
    )


async def test_a_school_belongs_to_the_station_covering_its_village_today(
    world: httpx.AsyncClient, service: OutreachService
) -> None:
    assert (await world.get("/schools/SCH1", headers=S02)).status_code == 403
    moved = {
        "orgunit-V01": [
            VillageCoverageEnded(station_code="S01", village_code="V01", effective_until=date(2024, 6, 30)),
            VillageCoverageAssigned(station_code="S02", village_code="V01", effective_from=date(2024, 7, 1)),
        ]
    }
    envelopes = [
        e.model_copy(update={"stream_version": e.stream_version + 2}) for e in registry_envelopes(moved)
    ]
    await apply_registry(service, envelopes)
    school = await ok(await world.get("/schools/SCH1", headers=S02))
    assert school == {"school_code": "SCH1", "name_zh": "干冲小学", "village_code": "V01", "version": 1}
    assert (await world.get("/schools/SCH1", headers=S01)).status_code == 403
    assert (await world.get("/enterprises/ENT1/history", headers=S02)).status_code == 200


# ---------------------------------------------------------------- 409: broken rules


async def setup(api: httpx.AsyncClient) -> dict[str, str]:
    """A drive with one recorded day, a closed drive, a visit with one completed action, a handled case,
    a referral with its outcome and one waiting."""
    drive = await created(api, "/registration-drives", DRIVE)
    await ok(await api.post(f"/registration-drives/{drive}/visits", json=SCHOOL_DAY, headers=S01))
    closed = await created(api, "/registration-drives", DRIVE)
    await ok(
        await api.post(f"/registration-drives/{closed}/close", json={"closed_on": "2023-09-01"}, headers=S01)
    )
    visit = await created(api, "/enterprise-visits", INSPECTION)
    await ok(
        await api.post(
            f"/enterprise-visits/{visit}/follow-ups/1/complete",
            json={"completed_on": "2023-10-18"},
            headers=S01,
        )
    )
    case = await created(api, "/enterprise-cases", CASE)
    await ok(
        await api.post(
            f"/enterprise-cases/{case}/handle",
            json={"handled_on": "2023-10-15", "outcome": "solved"},
            headers=S01,
        )
    )
    other_case = await created(api, "/enterprise-cases", {**CASE, "enterprise_code": "ENT2"}, headers=S02)
    decided = await created(api, "/job-referrals", REFERRAL)
    await ok(
        await api.post(
            f"/job-referrals/{decided}/outcome",
            json={"outcome": "hired", "decided_on": "2023-10-20"},
            headers=S01,
        )
    )
    waiting = await created(api, "/job-referrals", {**REFERRAL, "person_ref": "DF-2023-018"})
    return {
        "drive": drive,
        "closed": closed,
        "visit": visit,
        "case": case,
        "other_case": other_case,
        "decided": decided,
        "waiting": waiting,
    }


BROKEN: list[tuple[str, str, dict[str, Any], str]] = [
    # (path with {ids}, what, body, rule code)
    (
        "/schools",
        "unknown village",
        {"school_code": "SCH9", "name_zh": "新校", "village_code": "V99"},
        "unknown_org_unit",
    ),
    (
        "/schools",
        "a station is no village",
        {"school_code": "SCH9", "name_zh": "新校", "village_code": "S01"},
        "wrong_org_unit_kind",
    ),
    (
        "/schools",
        "registered twice",
        {"school_code": "SCH1", "name_zh": "干冲小学", "village_code": "V01"},
        "school_already_registered",
    ),
    (
        "/enterprises",
        "registered twice",
        {"enterprise_code": "ENT1", "name": "x", "village_code": "V01", "sector": "other"},
        "enterprise_already_registered",
    ),
    (
        "/registration-drives",
        "unknown school",
        {**DRIVE, "target_school_codes": ["SCH1", "SCH9"]},
        "unknown_school",
    ),
    (
        "/registration-drives",
        "another station's school",
        {**DRIVE, "target_school_codes": ["SCH3"]},
        "school_outside_station_area",
    ),
    (
        "/registration-drives",
        "a village is no station",
        {**DRIVE, "station_code": "V01"},
        "wrong_org_unit_kind",
    ),
    ("/registration-drives", "unknown station", {**DRIVE, "station_code": "S99"}, "unknown_org_unit"),
    ("/registration-drives", "period backwards", {**DRIVE, "period_end": "2023-08-31"}, "dates_incoherent"),
    (
        "/registration-drives/{drive}/visits",
        "not a target",
        {**SCHOOL_DAY, "school_code": "SCH3"},
        "school_not_targeted",
    ),
    (
        "/registration-drives/{drive}/visits",
        "after the period",
        {**SCHOOL_DAY, "visited_on": "2023-11-01"},
        "visit_outside_drive_period",
    ),
    (
        "/registration-drives/{drive}/visits",
        "the same day twice",
        SCHOOL_DAY,
        "school_visit_already_recorded",
    ),
    (
        "/registration-drives/{drive}/visits",
        "more ID cards than students",
        {**SCHOOL_DAY, "visited_on": "2023-09-07", "id_cards": 121},
        "documents_exceed_students",
    ),
    (
        "/registration-drives/{drive}/visits/correct",
        "a day not recorded",
        {**SCHOOL_DAY, "visited_on": "2023-09-07"},
        "school_visit_not_recorded",
    ),
    (
        "/registration-drives/{closed}/visits/correct",
        "after closure",
        SCHOOL_DAY,
        "drive_closed",
    ),
    (
        "/registration-drives/{drive}/close",
        "before the last visit",
        {"closed_on": "2023-09-04"},
        "dates_incoherent",
    ),
    ("/registration-drives/{drive}/close", "in the future", {"closed_on": TOMORROW}, "date_in_future"),
    (
        "/registration-drives/{closed}/visits",
        "after closure",
        {**SCHOOL_DAY, "visited_on": "2023-09-01"},
        "drive_closed",
    ),
    (
        "/registration-drives/{closed}/targets",
        "after closure",
        {"school_codes": ["SCH2"], "added_on": "2023-09-05"},
        "drive_closed",
    ),
    ("/registration-drives/{closed}/close", "closed twice", {"closed_on": "2023-09-02"}, "drive_closed"),
    (
        "/enterprise-visits",
        "unknown enterprise",
        {**INSPECTION, "enterprise_code": "ENT9"},
        "unknown_enterprise",
    ),
    ("/enterprise-visits", "unknown officer", {**INSPECTION, "officer_person_id": "P999"}, "unknown_officer"),
    (
        "/enterprise-visits",
        "officer retired",
        {**INSPECTION, "officer_person_id": "P002"},
        "officer_not_active",
    ),
    (
        "/enterprise-visits",
        "in the future",
        {**INSPECTION, "visited_on": TOMORROW, "follow_ups": []},
        "date_in_future",
    ),
    (
        "/enterprise-visits",
        "follow-up due that day",
        {**INSPECTION, "follow_ups": [{"action": "复查", "due_on": "2023-10-10"}]},
        "follow_up_due_not_after_visit",
    ),
    (
        "/enterprise-visits",
        "unknown case",
        {**INSPECTION, "kind": "case_follow_up", "case_id": "nope"},
        "unknown_enterprise_case",
    ),
    (
        "/enterprise-visits",
        "another's case",
        {**INSPECTION, "kind": "case_follow_up", "case_id": "{other_case}"},
        "case_of_another_enterprise",
    ),
    (
        "/enterprise-visits/{visit}/follow-ups",
        "due before the visit",
        {"action": "复查", "due_on": "2023-10-01"},
        "follow_up_due_not_after_visit",
    ),
    (
        "/enterprise-visits/{visit}/follow-ups/1/complete",
        "completed twice",
        {"completed_on": "2023-10-19"},
        "follow_up_already_completed",
    ),
    ("/enterprise-cases", "unknown enterprise", {**CASE, "enterprise_code": "ENT9"}, "unknown_enterprise"),
    (
        "/enterprise-cases/{case}/handle",
        "handled twice",
        {"handled_on": "2023-10-16", "outcome": "settled"},
        "enterprise_case_already_handled",
    ),
    ("/job-referrals", "unknown enterprise", {**REFERRAL, "enterprise_code": "ENT9"}, "unknown_enterprise"),
    (
        "/job-referrals",
        "still waiting",
        {**REFERRAL, "person_ref": "DF-2023-018"},
        "referral_already_pending",
    ),
    (
        "/job-referrals/{waiting}/outcome",
        "before the referral",
        {"outcome": "hired", "decided_on": "2023-10-11"},
        "dates_incoherent",
    ),
    (
        "/job-referrals/{decided}/outcome",
        "decided twice",
        {"outcome": "hired", "decided_on": "2023-10-21"},
        "referral_outcome_already_recorded",
    ),
]


async def event_count(service: OutreachService) -> int:
    return int(await service.pool.fetchval("SELECT count(*) FROM events"))


async def test_broken_rules_are_409_with_their_code_and_append_nothing(
    world: httpx.AsyncClient, service: OutreachService
) -> None:
    ids = await setup(world)
    before = await event_count(service)
    answers = []
    for path, what, body, code in BROKEN:
        filled = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
        answer = await world.post(path.format(**ids), json=filled, headers=ADMIN)
        answers.append((path, what, answer.status_code, answer.json().get("error")))
        assert answer.json()["error"] == code, (path, what, answer.text)
    assert [a for a in answers if a[2] != 409] == []
    assert await event_count(service) == before


# ---------------------------------------------------------------- 404, 401, 403, 422


async def test_unknown_ids_are_404(world: httpx.AsyncClient) -> None:
    ids = await setup(world)
    paths = [
        "/schools/SCH9",
        "/schools/SCH9/history",
        "/enterprises/ENT9",
        "/enterprises/ENT9/history",
        "/registration-drives/nope",
        "/registration-drives/nope/history",
        "/enterprise-visits/nope",
        "/enterprise-visits/nope/history",
        "/enterprise-cases/nope",
        "/enterprise-cases/nope/history",
        "/job-referrals/nope",
        "/job-referrals/nope/history",
    ]
    for path in paths:
        answer = await world.get(path, headers=ADMIN)
        assert (answer.status_code, answer.json()["error"]) == (404, "not_found"), path
    posts = [
        ("/registration-drives/nope/visits", SCHOOL_DAY),
        ("/registration-drives/nope/close", {"closed_on": "2023-10-31"}),
        ("/registration-drives/nope/targets", {"school_codes": ["SCH1"], "added_on": "2023-09-05"}),
        ("/enterprise-visits/nope/follow-ups", {"action": "复查", "due_on": "2023-12-01"}),
        (f"/enterprise-visits/{ids['visit']}/follow-ups/7/complete", {"completed_on": "2023-10-18"}),
        ("/enterprise-cases/nope/handle", {"handled_on": "2023-10-15", "outcome": "solved"}),
        ("/job-referrals/nope/outcome", {"outcome": "hired", "decided_on": "2023-10-20"}),
    ]
    for path, body in posts:
        assert (await world.post(path, json=body, headers=ADMIN)).status_code == 404, path


async def test_missing_or_invalid_token_is_401(world: httpx.AsyncClient) -> None:
    answers = [
        await world.get("/schools/SCH1"),
        await world.post("/registration-drives", json=DRIVE),
        await world.post("/schools/import", content=b"school_code,name_zh,village_code\n"),
        await world.get("/enterprises/ENT1", headers={"Authorization": "Bearer nonsense"}),
        await world.post("/job-referrals", json=REFERRAL, headers={"Authorization": "Basic dXNlcjpwYXNz"}),
    ]
    assert [a.status_code for a in answers] == [401] * len(answers)
    assert answers[0].headers["WWW-Authenticate"] == "Bearer"


async def test_outside_the_jurisdiction_is_403_on_every_record(world: httpx.AsyncClient) -> None:
    ids = await setup(world)
    drive, visit, case, referral = ids["drive"], ids["visit"], ids["case"], ids["waiting"]
    viewer = bearer(Role.VIEWER, "T01")
    refused = [
        # reads by another station or township
        await world.get("/schools/SCH1", headers=S02),
        await world.get("/enterprises/ENT1/history", headers=T02),
        await world.get(f"/registration-drives/{drive}", headers=S02),
        await world.get(f"/registration-drives/{drive}/history", headers=T02),
        await world.get(f"/enterprise-visits/{visit}", headers=S02),
        await world.get(f"/enterprise-cases/{case}/history", headers=T02),
        await world.get(f"/job-referrals/{referral}", headers=S02),
        # writes by another station, on every record touched
        await world.post(
            "/schools", json={"school_code": "SCH9", "name_zh": "新校", "village_code": "V01"}, headers=S02
        ),
        await world.post("/registration-drives", json=DRIVE, headers=S02),
        await world.post(
            f"/registration-drives/{drive}/visits",
            json={**SCHOOL_DAY, "visited_on": "2023-09-08"},
            headers=S02,
        ),
        await world.post("/enterprise-visits", json={**INSPECTION, "officer_person_id": "P001"}, headers=S02),
        await world.post(
            f"/enterprise-visits/{visit}/follow-ups",
            json={"action": "x", "due_on": "2023-12-01"},
            headers=S02,
        ),
        await world.post(
            f"/enterprise-cases/{case}/handle",
            json={"handled_on": "2023-10-16", "outcome": "solved"},
            headers=S02,
        ),
        await world.post("/job-referrals", json={**REFERRAL, "person_ref": "DF-2023-099"}, headers=S02),
        await world.post(
            f"/job-referrals/{referral}/outcome",
            json={"outcome": "hired", "decided_on": "2023-10-20"},
            headers=S02,
        ),
        # before any rule: another station learns nothing about what exists there
        await world.post(
            "/schools",
            json={"school_code": "SCH1", "name_zh": "干冲小学", "village_code": "V01"},
            headers=S02,
        ),
        await world.post("/enterprise-visits", json={**INSPECTION, "officer_person_id": "P999"}, headers=S02),
        await world.post("/job-referrals", json={**REFERRAL, "person_ref": "DF-2023-018"}, headers=S02),
        # township officers and viewers read only, even in their township
        await world.post(
            f"/registration-drives/{drive}/close", json={"closed_on": "2023-10-31"}, headers=T01
        ),
        await world.post("/enterprise-cases", json=CASE, headers=T01),
        await world.post("/job-referrals", json={**REFERRAL, "person_ref": "DF-2023-099"}, headers=viewer),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert {r.json()["error"] for r in refused} == {"forbidden"}
    # Within their jurisdiction they read: the township reads the drive that serves its schools.
    for path in [
        "/schools/SCH1",
        f"/registration-drives/{drive}",
        f"/enterprise-visits/{visit}",
        "/enterprises/ENT1",
    ]:
        assert (await world.get(path, headers=T01)).status_code == 200, path
        assert (await world.get(path, headers=viewer)).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/registration-drives", {**DRIVE, "period_start": "2023-02-30"}, "body.period_start"),
        (
            "/registration-drives",
            {**DRIVE, "target_school_codes": ["SCH1", "SCH1"]},
            "body.target_school_codes",
        ),
        ("/registration-drives", {**DRIVE, "extra": 1}, "body.extra"),
        (
            "/registration-drives/x/visits",
            {**SCHOOL_DAY, "students_processed": -1},
            "body.students_processed",
        ),
        ("/registration-drives/x/visits", {**SCHOOL_DAY, "id_cards": -5}, "body.id_cards"),
        ("/schools", {"school_code": "SCH 9", "name_zh": "x", "village_code": "V01"}, "body.school_code"),
        (
            "/enterprises",
            {"enterprise_code": "E9", "name": "x", "village_code": "V01", "sector": "mining"},
            "body.sector",
        ),
        ("/enterprise-visits", {**INSPECTION, "kind": "party"}, "body.kind"),
        ("/enterprise-visits", {**INSPECTION, "case_id": "c1"}, "body"),
        ("/enterprise-visits", {**INSPECTION, "findings": [""]}, "body.findings.0"),
        ("/enterprise-visits/x/follow-ups/0/complete", {"completed_on": "2023-10-18"}, "path.action_no"),
        ("/job-referrals", {**REFERRAL, "person_ref": "460003199001011234"}, "body.person_ref"),
        (
            "/job-referrals/x/outcome",
            {"outcome": "hired", "decided_on": "2023-10-20", "not_hired_reason": "other"},
            "body",
        ),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    world: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    answer = await world.post(path, json=body, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    details = answer.json()["detail"]
    assert [d["field"] for d in details] == [field]
    assert details[0]["reason"]


# ---------------------------------------------------------------- idempotency and races


async def test_an_idempotent_retry_answers_the_same_and_appends_once(world: httpx.AsyncClient) -> None:
    headers = {**S01, "Idempotency-Key": "visit-ENT1-2023-10-10"}
    first, again = [
        await world.post("/enterprise-visits", json=INSPECTION, headers=headers) for _ in range(2)
    ]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert (
        len(await history(world, f"/enterprise-visits/{first.json()['visit_id']}")) == 2
    )  # visit + its action
    other = await world.post(
        "/enterprise-visits", json={**INSPECTION, "kind": "service_visit"}, headers=headers
    )
    assert (other.status_code, other.json()["error"]) == (409, "idempotency_key_reused")


async def test_concurrent_referrals_of_one_person_leave_one_waiting(world: httpx.AsyncClient) -> None:
    answers = await asyncio.gather(
        *(world.post("/job-referrals", json=REFERRAL, headers=S01) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"referral_already_pending"}


async def test_concurrent_days_at_one_drive_are_each_recorded_once(world: httpx.AsyncClient) -> None:
    drive = await created(world, "/registration-drives", DRIVE)
    days = [{**SCHOOL_DAY, "visited_on": f"2023-09-{day:02d}"} for day in range(5, 9)]
    answers = await asyncio.gather(
        *(world.post(f"/registration-drives/{drive}/visits", json=day, headers=S01) for day in days)
    )
    recorded = [a for a in answers if a.status_code == 200]
    assert {a.json()["error"] for a in answers if a.status_code != 200} <= {"version_conflict"}
    assert len(await history(world, f"/registration-drives/{drive}")) == 1 + len(recorded)
