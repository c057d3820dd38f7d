"""The mediation API end to end on real PostgreSQL: lifecycles, suggested pairs, the overdue list,
each status code (401, 403, 404, 409, 422), idempotency and concurrent writers."""

from __future__ import annotations

import asyncio
from datetime import date
from datetime import datetime
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.china_time import occurred_on
from govgrid.reference import apply_org_event
from services.mediation.bootstrap import MediationService
from services.mediation.bootstrap import start_service
from services.mediation.settings import MediationSettings
from services.mediation.tests.integration.conftest import ADMIN
from services.mediation.tests.integration.conftest import CADRE_V01
from services.mediation.tests.integration.conftest import PAIR
from services.mediation.tests.integration.conftest import S01
from services.mediation.tests.integration.conftest import S02
from services.mediation.tests.integration.conftest import T01
from services.mediation.tests.integration.conftest import WALK_IN
from services.mediation.tests.integration.conftest import apply_history
from services.mediation.tests.integration.conftest import bearer
from services.mediation.tests.integration.conftest import ok
from services.mediation.tests.integration.conftest import register
from services.mediation.tests.integration.conftest import session

T02 = bearer(Role.TOWNSHIP_OFFICER, "T02", subject="t02-officer")
VIEWER_T01 = bearer(Role.VIEWER, "T01", subject="t01-viewer")


async def mediated(api: httpx.AsyncClient, *sessions: str, headers: dict[str, str] = S01) -> str:
    """A walk-in dispute of V01 with its suggested pair and sessions on ``sessions`` days."""
    dispute_id = await register(api)
    await ok(await api.post(f"/disputes/{dispute_id}/mediators", json=PAIR, headers=headers))
    for day in sessions:
        await ok(await api.post(f"/disputes/{dispute_id}/sessions", json=session(day), headers=headers))
    return dispute_id


# ---------------------------------------------------------------- lifecycles


async def test_a_village_cadre_and_the_station_mediate_a_dispute_to_a_lasting_agreement(
    world: httpx.AsyncClient,
) -> None:
    created = await ok(await world.post("/disputes", json=WALK_IN, headers=CADRE_V01), 201)
    dispute_id = created["dispute_id"]
    assert (created["status"], created["level"], created["version"]) == ("registered", "village", 1)
    assert created["escalation_due"] == {"due_on": "2024-03-31", "reason": "days"}

    third = {"label": "party-C", "role": "third_party"}
    with_c = await ok(
        await world.post(
            f"/disputes/{dispute_id}/parties",
            json={"parties": [third], "added_on": "2024-03-01"},
            headers=CADRE_V01,
        )
    )
    assert [p["label"] for p in with_c["parties"]] == ["party-A", "party-B", "party-C"]
    assigned = await ok(await world.post(f"/disputes/{dispute_id}/mediators", json=PAIR, headers=S01))
    assert assigned["status"] == "in_mediation"
    assert assigned["mediators"]["follows_suggestion"] is True
    held = await ok(
        await world.post(f"/disputes/{dispute_id}/sessions", json=session("2024-03-10"), headers=CADRE_V01)
    )
    assert held["sessions"][0]["number"] == 1 and held["sessions"][0]["level"] == "village"
    agreed = await ok(
        await world.post(
            f"/disputes/{dispute_id}/agreement",
            json={"reached_on": "2024-03-20", "terms": "The wall moves back 0.5 m by May."},
            headers=S01,
        )
    )
    assert agreed["status"] == "agreement_reached" and agreed["escalation_due"] is None
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/close",
            json={"outcome": "resolved", "closed_on": "2024-04-01"},
            headers=S01,
        )
    )
    visited = await ok(
        await world.post(
            f"/disputes/{dispute_id}/follow-ups",
            json={
                "visited_on": "2024-06-01",
                "agreement_holds": True,
                "satisfaction": [
                    {"label": "party-A", "satisfaction": "satisfied"},
                    {"label": "party-B", "satisfaction": "partly_satisfied"},
                ],
            },
            headers=T01,
        )
    )
    assert visited["status"] == "closed" and visited["follow_ups"][0]["agreement_holds"] is True

    state = await ok(await world.get(f"/disputes/{dispute_id}", headers=T01))
    assert state == visited
    history = (await world.get(f"/disputes/{dispute_id}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history] == [
        "DisputeRegistered",
        "DisputePartiesAdded",
        "MediatorsAssigned",
        "MediationSessionHeld",
        "AgreementReached",
        "DisputeClosed",
        "FollowUpVisitRecorded",
    ]
    assert [e["actor"] for e in history][:4] == ["v01-cadre", "v01-cadre", "s01-officer", "v01-cadre"]
    assert {tuple(sorted(e["jurisdiction"].items())) for e in history} == {
        (("station", "S01"), ("township", "T01"), ("village", "V01"))
    }
    # A dated act happened at the start of that day in China.
    assert datetime.fromisoformat(history[3]["occurred_at"]) == occurred_on(date(2024, 3, 10))


async def test_a_failed_mediation_climbs_the_ladder_to_the_court(world: httpx.AsyncClient) -> None:
    dispute_id = await mediated(world, "2024-03-05", "2024-03-12", "2024-03-19")
    due = (await ok(await world.get(f"/disputes/{dispute_id}", headers=S01)))["escalation_due"]
    assert due == {"due_on": "2024-03-19", "reason": "sessions"}
    failed = await ok(
        await world.post(
            f"/disputes/{dispute_id}/failure",
            json={"failed_on": "2024-03-20", "reason": "party-B refuses."},
            headers=S01,
        )
    )
    assert failed["escalation_due"] == {"due_on": "2024-03-20", "reason": "mediation_failed"}
    township = await ok(
        await world.post(
            f"/disputes/{dispute_id}/escalate",
            json={"to_level": "township", "escalated_on": "2024-03-21"},
            headers=T01,
        )
    )
    assert (township["status"], township["level"]) == ("in_mediation", "township")
    assert township["escalation_due"] == {"due_on": "2024-04-20", "reason": "days"}
    at_township = await ok(
        await world.post(f"/disputes/{dispute_id}/sessions", json=session("2024-04-02"), headers=T01)
    )
    assert at_township["sessions"][-1] == {**at_township["sessions"][-1], "number": 4, "level": "township"}
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/failure",
            json={"failed_on": "2024-04-10", "reason": "No compromise."},
            headers=T01,
        )
    )
    court = await ok(
        await world.post(
            f"/disputes/{dispute_id}/escalate",
            json={"to_level": "court", "escalated_on": "2024-04-11", "note": "Parties told how to sue."},
            headers=T01,
        )
    )
    assert (court["status"], court["escalation_due"]) == ("referred_to_court", None)
    closed = await ok(
        await world.post(
            f"/disputes/{dispute_id}/close",
            json={"outcome": "referred_to_court", "closed_on": "2024-04-12"},
            headers=T01,
        )
    )
    assert closed["closure"]["outcome"] == "referred_to_court"
    assert [e["from_level"] for e in closed["escalations"]] == ["village", "township"]


async def test_responsibility_follows_the_station_covering_the_village(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    dispute_id = await register(world, {**WALK_IN, "village_code": "V02", "grid_code": None})
    await ok(await world.post(f"/disputes/{dispute_id}/mediators", json=PAIR, headers=S01))
    moved = [
        VillageCoverageEnded(station_code="S01", village_code="V02", effective_until=date(2024, 6, 30)),
        VillageCoverageAssigned(station_code="S02", village_code="V02", effective_from=date(2024, 7, 1)),
    ]
    await apply_history(service.pool, "org_reference", apply_org_event, [("orgunit-V02", moved)])
    late = session("2024-08-01")
    assert (await world.post(f"/disputes/{dispute_id}/sessions", json=late, headers=S01)).status_code == 403
    held = await ok(await world.post(f"/disputes/{dispute_id}/sessions", json=late, headers=S02))
    assert held["version"] == 3
    assert (await world.get(f"/disputes/{dispute_id}", headers=S02)).status_code == 200
    assert (await world.get(f"/disputes/{dispute_id}", headers=S01)).status_code == 403
    assert (await world.get(f"/disputes/{dispute_id}", headers=T01)).status_code == 200


# ---------------------------------------------------------------- the suggested pair


async def test_the_suggested_pair_is_the_village_s_current_holders(world: httpx.AsyncClient) -> None:
    v01 = await ok(await world.get("/villages/V01/suggested-mediators?on=2024-03-01", headers=CADRE_V01))
    assert (v01["station_code"], v01["officer"]["person_id"], v01["cadre"]["person_id"]) == (
        "S01",
        "P001",
        "K001",
    )
    assert v01["officer"]["status"] == "certified" and v01["officer"]["term_end"] == "2026-02-28"
    # V02 has no deputy secretary; its own cadre directs at S01.
    v02 = await ok(await world.get("/villages/V02/suggested-mediators?on=2024-03-01", headers=T01))
    assert (v02["officer"], v02["cadre"]["person_id"]) == (None, "K002")
    # V03's deputy secretary is only nominated: no current holder at all.
    v03 = await ok(await world.get("/villages/V03/suggested-mediators?on=2024-03-01", headers=S02))
    assert (v03["officer"], v03["cadre"]) == (None, None)
    # After the term, nobody holds the posts any more.
    later = await ok(await world.get("/villages/V01/suggested-mediators?on=2026-03-01", headers=ADMIN))
    assert (later["officer"], later["cadre"]) == (None, None)


async def test_another_pair_than_the_suggested_one_is_assigned_and_recorded(world: httpx.AsyncClient) -> None:
    dispute_id = await register(world)
    other = {**PAIR, "cadre_person_id": "K002"}
    assigned = await ok(await world.post(f"/disputes/{dispute_id}/mediators", json=other, headers=S01))
    assert assigned["mediators"] == {
        "officer_person_id": "P001",
        "cadre_person_id": "K002",
        "assigned_on": "2024-03-02",
        "suggested_officer_person_id": "P001",
        "suggested_cadre_person_id": "K001",
        "follows_suggestion": False,
    }


# ---------------------------------------------------------------- the list and the overdue view


async def test_overdue_disputes_are_listed_most_overdue_first_in_the_caller_s_jurisdiction(
    world: httpx.AsyncClient,
) -> None:
    by_days = await register(world)  # registered 1 March: due 31 March
    by_sessions = await mediated(world, "2024-03-05", "2024-03-06", "2024-03-07")  # due 7 March
    failed = await mediated(world)
    await ok(
        await world.post(
            f"/disputes/{failed}/failure", json={"failed_on": "2024-03-04", "reason": "refused"}, headers=S01
        )
    )
    agreed = await mediated(world, "2024-03-05")
    await ok(
        await world.post(
            f"/disputes/{agreed}/agreement",
            json={"reached_on": "2024-03-06", "terms": "Settled."},
            headers=S01,
        )
    )
    elsewhere = await register(world, {**WALK_IN, "village_code": "V03", "grid_code": "G031"}, headers=S02)

    overdue = await ok(await world.get("/disputes?overdue=true&on=2024-04-01", headers=T01))
    assert [item["dispute_id"] for item in overdue["items"]] == [failed, by_sessions, by_days]
    assert overdue["total"] == 3 and all(item["overdue"] for item in overdue["items"])
    first = overdue["items"][0]
    assert first["escalation_due"] == {"due_on": "2024-03-04", "reason": "mediation_failed"}
    assert (first["age_days"], first["status"], first["township_code"]) == (31, "mediation_failed", "T01")

    early = await ok(await world.get("/disputes?overdue=true&on=2024-03-10", headers=T01))
    assert [item["dispute_id"] for item in early["items"]] == [failed, by_sessions]

    page = await ok(await world.get("/disputes?overdue=true&on=2024-04-01&limit=2&offset=2", headers=S01))
    assert ([item["dispute_id"] for item in page["items"]], page["total"]) == ([by_days], 3)

    everything = await ok(await world.get("/disputes?on=2024-04-01", headers=ADMIN))
    assert everything["total"] == 5
    assert {item["dispute_id"] for item in everything["items"]} == {
        by_days,
        by_sessions,
        failed,
        agreed,
        elsewhere,
    }
    mine = await ok(await world.get("/disputes?on=2024-04-01", headers=S02))
    assert [item["dispute_id"] for item in mine["items"]] == [elsewhere]
    t02 = await ok(await world.get("/disputes?overdue=true", headers=T02))  # judged today
    assert [item["dispute_id"] for item in t02["items"]] == [elsewhere]
    agreed_only = await ok(await world.get("/disputes?status=agreement_reached", headers=CADRE_V01))
    assert [item["dispute_id"] for item in agreed_only["items"]] == [agreed]


async def test_a_new_ladder_recomputes_the_due_dates_at_start(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    dispute_id = await mediated(world, "2024-03-05")
    assert (await ok(await world.get(f"/disputes/{dispute_id}", headers=S01)))["escalation_due"][
        "due_on"
    ] == ("2024-03-31")
    strict = MediationSettings(
        database_url=service.settings.database_url,
        database_schema=service.settings.database_schema,
        escalation_ladder={"village": {"max_sessions": 1}, "township": {"max_days": 10}},
    )
    restarted = await start_service(strict)
    try:
        row = await restarted.pool.fetchrow(
            "SELECT due_on, due_reason FROM dispute_index WHERE dispute_id = $1", dispute_id
        )
        assert (row["due_on"], row["due_reason"]) == (date(2024, 3, 5), "sessions")
    finally:
        await restarted.pool.close()


# ---------------------------------------------------------------- status codes


async def test_missing_or_invalid_token_is_401(world: httpx.AsyncClient) -> None:
    dispute_id = await register(world)
    answers = [
        await world.get(f"/disputes/{dispute_id}"),
        await world.get("/disputes"),
        await world.post("/disputes", json=WALK_IN),
        await world.get("/villages/V01/suggested-mediators"),
        await world.get(f"/disputes/{dispute_id}", headers={"Authorization": "Bearer nonsense"}),
    ]
    assert [a.status_code for a in answers] == [401] * len(answers)
    assert answers[0].headers["WWW-Authenticate"] == "Bearer"


async def test_outside_the_jurisdiction_or_the_role_is_403_on_every_record(world: httpx.AsyncClient) -> None:
    dispute_id = await mediated(world, "2024-03-05")
    cadre_v03 = bearer(Role.VILLAGE_CADRE, "V03", subject="v03-cadre")
    refused = [
        await world.get(f"/disputes/{dispute_id}", headers=S02),
        await world.get(f"/disputes/{dispute_id}/history", headers=T02),
        await world.post(f"/disputes/{dispute_id}/sessions", json=session("2024-03-06"), headers=cadre_v03),
        await world.post("/disputes", json=WALK_IN, headers=S02),
        await world.post("/disputes", json=WALK_IN, headers=cadre_v03),
        await world.get("/villages/V01/suggested-mediators", headers=S02),
        # A village cadre registers and records sessions, but the station assigns, decides and closes.
        await world.post(f"/disputes/{dispute_id}/mediators", json=PAIR, headers=CADRE_V01),
        await world.post(
            f"/disputes/{dispute_id}/agreement",
            json={"reached_on": "2024-03-06", "terms": "x"},
            headers=CADRE_V01,
        ),
        await world.post(
            f"/disputes/{dispute_id}/close",
            json={"outcome": "withdrawn", "closed_on": "2024-03-06"},
            headers=CADRE_V01,
        ),
        # A viewer reads only.
        await world.post(f"/disputes/{dispute_id}/sessions", json=session("2024-03-06"), headers=VIEWER_T01),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(r.json()["error"] == "forbidden" for r in refused)
    assert (await world.get(f"/disputes/{dispute_id}", headers=VIEWER_T01)).status_code == 200
    history = (await world.get(f"/disputes/{dispute_id}/history", headers=ADMIN)).json()
    assert len(history) == 3  # nothing was appended by the refused commands


async def test_unknown_ids_are_404(world: httpx.AsyncClient) -> None:
    for path in ["/disputes/nope", "/disputes/nope/history", "/villages/V99/suggested-mediators"]:
        answer = await world.get(path, headers=ADMIN)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found", path
    # A station or a grid is not a village either.
    assert (await world.get("/villages/S01/suggested-mediators", headers=ADMIN)).status_code == 404
    post = await world.post("/disputes/nope/sessions", json=session("2024-03-06"), headers=ADMIN)
    assert post.status_code == 404


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**WALK_IN, "village_code": "V99"}, "unknown_org_unit"),
        ({**WALK_IN, "village_code": "S01"}, "wrong_org_unit_kind"),
        ({**WALK_IN, "grid_code": "G031"}, "grid_not_in_village"),
        ({**WALK_IN, "grid_code": "V02"}, "wrong_org_unit_kind"),
        ({**WALK_IN, "running_since": "2024-03-02"}, "dates_incoherent"),
        ({**WALK_IN, "registered_on": "2099-01-01"}, "date_in_future"),
    ],
)
async def test_a_registration_breaking_a_rule_is_409_with_its_code(
    world: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    answer = await world.post("/disputes", json=body, headers=ADMIN)
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"] == code
    assert (await ok(await world.get("/disputes", headers=ADMIN)))["total"] == 0


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("sessions", session("2024-03-06"), "mediators_not_assigned"),
        ("mediators", {**PAIR, "officer_person_id": "K001"}, "not_a_police_officer"),
        ("mediators", {**PAIR, "cadre_person_id": "P002"}, "not_a_village_cadre"),
        ("mediators", {**PAIR, "officer_person_id": "P404"}, "not_a_police_officer"),
        ("mediators", {**PAIR, "officer_person_id": "P009"}, "person_not_active"),
        ("mediators", {**PAIR, "assigned_on": "2024-02-01"}, "dates_incoherent"),
        ("agreement", {"reached_on": "2024-03-06", "terms": "x"}, "mediators_not_assigned"),
        ("escalate", {"to_level": "township", "escalated_on": "2024-03-06"}, "escalation_needs_failure"),
        ("close", {"outcome": "resolved", "closed_on": "2024-03-06"}, "close_outcome_mismatch"),
        (
            "parties",
            {"parties": [{"label": "party-A", "role": "claimant"}], "added_on": "2024-03-02"},
            "party_already_recorded",
        ),
        (
            "follow-ups",
            {
                "visited_on": "2024-06-01",
                "agreement_holds": True,
                "satisfaction": [{"label": "party-A", "satisfaction": "satisfied"}],
            },
            "no_agreement_to_follow_up",
        ),
    ],
)
async def test_a_command_breaking_a_rule_is_409_with_its_code_and_appends_nothing(
    world: httpx.AsyncClient, path: str, body: dict[str, Any], code: str
) -> None:
    dispute_id = await register(world)
    answer = await world.post(f"/disputes/{dispute_id}/{path}", json=body, headers=S01)
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"] == code
    assert len((await world.get(f"/disputes/{dispute_id}/history", headers=ADMIN)).json()) == 1


async def test_rules_of_a_running_mediation_are_409(world: httpx.AsyncClient) -> None:
    dispute_id = await mediated(world, "2024-03-05")
    sessions = [
        ({**session("2024-03-06"), "parties_present": ["party-Z"]}, "unknown_party"),
        (session("2024-03-04"), "dates_incoherent"),
        # Before the station covered the village (2023): still the rule's answer, not a 403.
        (session("2022-06-01"), "dates_incoherent"),
        (session("2099-01-01"), "date_in_future"),
    ]
    for body, code in sessions:
        answer = await world.post(f"/disputes/{dispute_id}/sessions", json=body, headers=S01)
        assert (answer.status_code, answer.json()["error"]) == (409, code), body
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/failure", json={"failed_on": "2024-03-06", "reason": "no"}, headers=S01
        )
    )
    later = [
        ("sessions", session("2024-03-07"), "mediation_not_in_progress"),
        ("escalate", {"to_level": "village", "escalated_on": "2024-03-07"}, "escalation_must_go_up"),
    ]
    for path, body, code in later:
        answer = await world.post(f"/disputes/{dispute_id}/{path}", json=body, headers=S01)
        assert (answer.status_code, answer.json()["error"]) == (409, code), path
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/close",
            json={"outcome": "withdrawn", "closed_on": "2024-03-07"},
            headers=S01,
        )
    )
    again = await world.post(
        f"/disputes/{dispute_id}/close", json={"outcome": "withdrawn", "closed_on": "2024-03-08"}, headers=S01
    )
    assert (again.status_code, again.json()["error"]) == (409, "dispute_closed")


async def test_a_party_attends_sessions_once_added(world: httpx.AsyncClient) -> None:
    dispute_id = await mediated(world)
    answer = await world.post(
        f"/disputes/{dispute_id}/sessions",
        json={**session("2024-03-06"), "parties_present": ["party-C"]},
        headers=S01,
    )
    assert answer.json()["error"] == "unknown_party"
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/parties",
            json={"parties": [{"label": "party-C", "role": "third_party"}], "added_on": "2024-03-06"},
            headers=S01,
        )
    )
    await ok(
        await world.post(
            f"/disputes/{dispute_id}/sessions",
            json={**session("2024-03-06"), "parties_present": ["party-C"]},
            headers=S01,
        )
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/disputes", {**WALK_IN, "registered_on": "2024-02-30"}, "body.registered_on"),
        ("/disputes", {**WALK_IN, "category": "murder"}, "body.category"),
        ("/disputes", {**WALK_IN, "source": "tips_lead"}, "body.source"),
        ("/disputes", {**WALK_IN, "description": "party-A: 13812345678"}, "body.description"),
        ("/disputes", {**WALK_IN, "parties": [WALK_IN["parties"][0]] * 2}, "body.parties"),
        ("/disputes", {**WALK_IN, "party_name": "王大明"}, "body.party_name"),
        ("/disputes/x/sessions", {**session("2024-03-06"), "others_present": -1}, "body.others_present"),
        ("/disputes/x/escalate", {"to_level": "heaven", "escalated_on": "2024-03-06"}, "body.to_level"),
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


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "offset=-1", "status=lost", "on=2024-13-01", "village_code=V%2001"]
)
async def test_bad_list_queries_are_422(world: httpx.AsyncClient, query: str) -> None:
    answer = await world.get(f"/disputes?{query}", headers=ADMIN)
    assert answer.status_code == 422, answer.text


# ---------------------------------------------------------------- idempotency and concurrency


async def test_an_idempotent_retry_returns_the_first_answer_and_appends_once(
    world: httpx.AsyncClient,
) -> None:
    headers = {**S01, "Idempotency-Key": "register-wall-dispute-2024"}
    first, again = [await world.post("/disputes", json=WALK_IN, headers=headers) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert (await ok(await world.get("/disputes", headers=ADMIN)))["total"] == 1
    reused = await world.post("/disputes", json={**WALK_IN, "category": "debt"}, headers=headers)
    assert (reused.status_code, reused.json()["error"]) == (409, "idempotency_key_reused")


async def test_concurrent_sessions_are_numbered_without_gaps_or_lost_updates(
    world: httpx.AsyncClient,
) -> None:
    dispute_id = await mediated(world)
    answers = await asyncio.gather(
        *(
            world.post(
                f"/disputes/{dispute_id}/sessions", json=session("2024-03-06", f"round {n}"), headers=S01
            )
            for n in range(6)
        )
    )
    assert {a.status_code for a in answers} <= {200, 409}
    assert {a.json()["error"] for a in answers if a.status_code == 409} <= {"version_conflict"}
    state = await ok(await world.get(f"/disputes/{dispute_id}", headers=S01))
    stored = sorted(s["summary"] for s in state["sessions"])
    assert [s["number"] for s in state["sessions"]] == list(range(1, len(stored) + 1))
    assert stored == sorted(a.json()["sessions"][-1]["summary"] for a in answers if a.status_code == 200)
