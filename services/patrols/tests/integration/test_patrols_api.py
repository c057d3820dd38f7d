"""Teams and patrols through the API on real PostgreSQL: the lifecycle, every status code, idempotency."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from services.patrols.tests.integration.conftest import ADMIN
from services.patrols.tests.integration.conftest import FISHERMAN
from services.patrols.tests.integration.conftest import OFFICER
from services.patrols.tests.integration.conftest import S01
from services.patrols.tests.integration.conftest import S02
from services.patrols.tests.integration.conftest import T01
from services.patrols.tests.integration.conftest import T02
from services.patrols.tests.integration.conftest import bearer
from services.patrols.tests.integration.conftest import form_team
from services.patrols.tests.integration.conftest import ok
from services.patrols.tests.integration.conftest import refused
from services.patrols.tests.integration.conftest import schedule_patrol
from services.patrols.tests.integration.conftest import started_patrol

VISITED_AT = "2023-11-20T19:30:00+08:00"
CHECKPOINT = {
    "grid_code": "G0101",
    "visited_at": VISITED_AT,
    "latitude": 19.52,
    "longitude": 109.58,
}


async def history(api: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    answer = await api.get(f"{path}/history", headers=ADMIN)
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()
    return events


# ---------------------------------------------------------------- the lifecycle


async def test_a_patrol_from_schedule_to_completion(api: httpx.AsyncClient) -> None:
    team_id = await form_team(api)
    patrol_id = await schedule_patrol(api, team_id)
    start = {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": ["P001", "GC-V01", "GC-V02"]}
    await ok(await api.post(f"/patrols/{patrol_id}/start", json=start, headers=S01))
    await ok(await api.post(f"/patrols/{patrol_id}/checkpoints", json=CHECKPOINT, headers=S01))
    observation = {
        "category": "safety_hazard",
        "note": "渔港码头护栏松动",
        "observed_at": "2023-11-20T19:42:00+08:00",
        "grid_code": "G0101",
    }
    await ok(await api.post(f"/patrols/{patrol_id}/observations", json=observation, headers=S01))
    done = await ok(
        await api.post(
            f"/patrols/{patrol_id}/complete",
            json={"completed_at": "2023-11-20T21:10:00+08:00", "distance_km": 6.4},
            headers=S01,
        )
    )
    assert (done["status"], done["duration_minutes"], done["distance_km"], done["version"]) == (
        "completed",
        125,
        6.4,
        5,
    )
    assert [p.get("person_id") or p["volunteer_id"] for p in done["participants"]] == [
        "P001",
        "GC-V01",
        "GC-V02",
    ]
    assert done["participants"][1] == FISHERMAN  # affiliation and party membership travel with the patrol
    assert await ok(await api.get(f"/patrols/{patrol_id}", headers=S01)) == done

    events = await history(api, f"/patrols/{patrol_id}")
    assert [e["event_type"] for e in events] == [
        "PatrolScheduled",
        "PatrolStarted",
        "CheckpointVisited",
        "PatrolObservationRecorded",
        "PatrolCompleted",
    ]
    assert {e["actor"] for e in events} == {"s01-officer"}
    # A timed act happened at its own moment, not at midnight of its day.
    assert datetime.fromisoformat(events[2]["occurred_at"]) == datetime.fromisoformat(VISITED_AT)
    station_only = {"township": None, "station": "S01", "village": None}
    assert [e["jurisdiction"] for e in events] == [
        station_only,
        station_only,
        {"township": "T01", "station": "S01", "village": "V01"},
        {"township": "T01", "station": "S01", "village": "V01"},
        station_only,
    ]


async def test_team_membership_changes_over_time(api: httpx.AsyncClient) -> None:
    team_id = await form_team(api)
    left = await ok(
        await api.post(f"/teams/{team_id}/members/GC-V01/leave", json={"left_on": "2023-09-30"}, headers=S01)
    )
    assert left["memberships"][1] == {"member": FISHERMAN, "joined_on": "2023-03-05", "left_on": "2023-09-30"}
    patrol_id = await schedule_patrol(api, team_id)
    start = {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": ["GC-V01"]}
    refused(await api.post(f"/patrols/{patrol_id}/start", json=start, headers=S01), 409, "not_a_team_member")

    back = {"member": FISHERMAN, "joined_on": "2023-11-01"}
    await ok(await api.post(f"/teams/{team_id}/members", json=back, headers=S01))
    await ok(await api.post(f"/patrols/{patrol_id}/start", json=start, headers=S01))

    disbanded = await ok(
        await api.post(f"/teams/{team_id}/disband", json={"disbanded_on": "2023-12-31"}, headers=S01)
    )
    assert disbanded["disbanded_on"] == "2023-12-31"
    assert all(m["left_on"] is not None for m in disbanded["memberships"])
    assert [e["event_type"] for e in await history(api, f"/teams/{team_id}")][-4:] == [
        "PatrolTeamMemberLeft",
        "PatrolTeamMemberLeft",
        "PatrolTeamMemberLeft",
        "PatrolTeamDisbanded",
    ]
    refused(await schedule_patrol_answer(api, team_id), 409, "team_disbanded")


async def schedule_patrol_answer(
    api: httpx.AsyncClient, team_id: str, headers: dict[str, str] = S01
) -> httpx.Response:
    body = {
        "team_id": team_id,
        "planned_start": "2024-01-05T19:00:00+08:00",
        "planned_end": "2024-01-05T21:00:00+08:00",
    }
    return await api.post("/patrols", json=body, headers=headers)


async def test_a_checkpoint_needs_the_station_s_coverage_on_the_day_of_the_visit(
    api: httpx.AsyncClient,
) -> None:
    patrol_id = await started_patrol(api)
    # G0201's community moves from S01 to S02 on 25 November.
    before = {"grid_code": "G0201", "visited_at": "2023-11-24T23:50:00+08:00"}
    after = {"grid_code": "G0201", "visited_at": "2023-11-25T00:10:00+08:00"}
    await ok(await api.post(f"/patrols/{patrol_id}/checkpoints", json=before, headers=S01))
    refused(
        await api.post(f"/patrols/{patrol_id}/checkpoints", json=after, headers=S01),
        409,
        "outside_station_coverage",
    )


# ---------------------------------------------------------------- 409: broken rules append nothing

LATE = "2023-11-20T22:00:00+08:00"


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("checkpoints", {"grid_code": "G0301", "visited_at": LATE}, "outside_station_coverage"),
        ("checkpoints", {"grid_code": "V01", "visited_at": LATE}, "wrong_org_unit_kind"),
        ("checkpoints", {"grid_code": "G9999", "visited_at": LATE}, "unknown_org_unit"),
        (
            "checkpoints",
            {"grid_code": "G0101", "visited_at": "2023-11-20T19:00:00+08:00"},
            "time_went_backwards",
        ),
        (
            "observations",
            {"category": "dispute_spotted", "note": "x", "observed_at": LATE, "grid_code": "G0301"},
            "outside_station_coverage",
        ),
        ("start", {"started_at": LATE, "participant_ids": ["GC-V01"]}, "patrol_already_started"),
        ("complete", {"completed_at": "2023-11-20T19:00:00+08:00", "distance_km": 1}, "time_went_backwards"),
        ("abort", {"aborted_at": "2023-11-20T19:00:00+08:00", "reason": "暴雨"}, "time_went_backwards"),
    ],
)
async def test_broken_rules_of_a_started_patrol_are_409_with_their_code(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], code: str
) -> None:
    patrol_id = await started_patrol(api)
    refused(await api.post(f"/patrols/{patrol_id}/{path}", json=body, headers=S01), 409, code)
    assert len(await history(api, f"/patrols/{patrol_id}")) == 2  # scheduled, started: nothing more


async def test_nothing_happens_before_the_start_or_after_the_end(api: httpx.AsyncClient) -> None:
    patrol_id = await schedule_patrol(api, await form_team(api))
    refused(
        await api.post(f"/patrols/{patrol_id}/checkpoints", json=CHECKPOINT, headers=S01),
        409,
        "patrol_not_started",
    )
    refused(
        await api.post(
            f"/patrols/{patrol_id}/complete", json={"completed_at": LATE, "distance_km": 2}, headers=S01
        ),
        409,
        "patrol_not_started",
    )
    await ok(
        await api.post(
            f"/patrols/{patrol_id}/abort", json={"aborted_at": LATE, "reason": "台风预警"}, headers=S01
        )
    )
    start = {"started_at": "2023-11-20T23:00:00+08:00", "participant_ids": ["P001"]}
    refused(await api.post(f"/patrols/{patrol_id}/start", json=start, headers=S01), 409, "patrol_finished")


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ({"kind": "officer", "person_id": "P002"}, "not_an_officer_of_the_station"),  # serves at S02
        ({"kind": "officer", "person_id": "P003"}, "not_an_officer_of_the_station"),  # retired
        ({"kind": "officer", "person_id": "K001"}, "not_an_officer_of_the_station"),  # a village cadre
        ({"kind": "officer", "person_id": "P999"}, "not_an_officer_of_the_station"),  # nobody
        (FISHERMAN, "already_a_team_member"),
    ],
)
async def test_who_may_join_a_team(api: httpx.AsyncClient, member: dict[str, Any], code: str) -> None:
    team_id = await form_team(api)
    refused(
        await api.post(
            f"/teams/{team_id}/members", json={"member": member, "joined_on": "2023-04-01"}, headers=S01
        ),
        409,
        code,
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"station_code": "V01", "name": "x", "formed_on": "2023-03-01"}, "wrong_org_unit_kind"),
        ({"station_code": "S99", "name": "x", "formed_on": "2023-03-01"}, "unknown_org_unit"),
    ],
)
async def test_a_team_is_formed_at_a_known_police_station(
    api: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    refused(await api.post("/teams", json=body, headers=ADMIN), 409, code)


async def test_a_patrol_names_a_team_that_exists(api: httpx.AsyncClient) -> None:
    refused(await schedule_patrol_answer(api, "no-such-team"), 409, "unknown_team")


# ---------------------------------------------------------------- idempotency and concurrency


async def test_a_retried_command_appends_once_and_answers_the_same(api: httpx.AsyncClient) -> None:
    patrol_id = await started_patrol(api)
    headers = {**S01, "Idempotency-Key": "checkpoint-G0101-1930"}
    first, again = [
        await api.post(f"/patrols/{patrol_id}/checkpoints", json=CHECKPOINT, headers=headers)
        for _ in range(2)
    ]
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert len(await history(api, f"/patrols/{patrol_id}")) == 3

    other = {**CHECKPOINT, "visited_at": "2023-11-20T19:45:00+08:00"}
    refused(
        await api.post(f"/patrols/{patrol_id}/checkpoints", json=other, headers=headers),
        409,
        "idempotency_key_reused",
    )


async def test_concurrent_starts_of_one_patrol_start_it_once(api: httpx.AsyncClient) -> None:
    patrol_id = await schedule_patrol(api, await form_team(api))
    start = {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": ["P001"]}
    answers = await asyncio.gather(
        *(api.post(f"/patrols/{patrol_id}/start", json=start, headers=S01) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} <= {
        "version_conflict",
        "patrol_already_started",
    }
    assert len(await history(api, f"/patrols/{patrol_id}")) == 2


# ---------------------------------------------------------------- 404, 401, 403, 422


async def test_unknown_ids_are_404(api: httpx.AsyncClient) -> None:
    for path in ["/teams/nope", "/teams/nope/history", "/patrols/nope", "/patrols/nope/history"]:
        refused(await api.get(path, headers=ADMIN), 404, "not_found")
    refused(
        await api.post("/patrols/nope/abort", json={"aborted_at": LATE, "reason": "x"}, headers=ADMIN),
        404,
        "not_found",
    )
    refused(
        await api.post("/teams/nope/disband", json={"disbanded_on": "2023-12-31"}, headers=ADMIN),
        404,
        "not_found",
    )


async def test_a_missing_or_invalid_token_is_401(api: httpx.AsyncClient) -> None:
    answer = await api.get("/teams/any")
    refused(answer, 401, "unauthenticated")
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    refused(await api.post("/teams", json={}), 401, "unauthenticated")
    refused(
        await api.get("/patrols/any", headers={"Authorization": "Bearer nonsense"}), 401, "unauthenticated"
    )


async def test_outside_the_jurisdiction_or_the_role_is_403_on_every_record(api: httpx.AsyncClient) -> None:
    patrol_id = await started_patrol(api)
    await ok(await api.post(f"/patrols/{patrol_id}/checkpoints", json=CHECKPOINT, headers=S01))
    team_id = (await ok(await api.get(f"/patrols/{patrol_id}", headers=S01)))["team_id"]
    viewer = bearer(Role.VIEWER, "S01")
    forbidden = [
        await api.get(f"/patrols/{patrol_id}", headers=S02),
        await api.get(f"/patrols/{patrol_id}/history", headers=T02),  # its checkpoint is in T01
        await api.get(f"/teams/{team_id}", headers=S02),
        await api.get(f"/teams/{team_id}", headers=T01),  # a team is the station's business
        await api.post(f"/patrols/{patrol_id}/abort", json={"aborted_at": LATE, "reason": "x"}, headers=S02),
        await api.post(
            f"/teams/{team_id}/members", json={"member": OFFICER, "joined_on": "2023-04-01"}, headers=S02
        ),
        await api.post(
            "/teams", json={"station_code": "S01", "name": "x", "formed_on": "2023-03-01"}, headers=S02
        ),
        # Township officers and viewers read; they never write, even in their own jurisdiction.
        await api.post(f"/patrols/{patrol_id}/abort", json={"aborted_at": LATE, "reason": "x"}, headers=T01),
        await api.post(
            f"/patrols/{patrol_id}/abort", json={"aborted_at": LATE, "reason": "x"}, headers=viewer
        ),
        await schedule_patrol_answer(api, team_id, T01),
    ]
    assert [(r.status_code, r.json()["error"]) for r in forbidden] == [(403, "forbidden")] * len(forbidden)

    # Whoever one of the patrol's events concerns reads it: its station, the township and village it passed.
    for reader in (viewer, T01, bearer(Role.VILLAGE_CADRE, "V01")):
        assert (await api.get(f"/patrols/{patrol_id}", headers=reader)).status_code == 200
    assert (await api.get(f"/teams/{team_id}/history", headers=viewer)).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/patrols",
            {
                "team_id": "t",
                "planned_start": "2023-11-20T19:00:00",
                "planned_end": "2023-11-20T21:00:00+08:00",
            },
            "body.planned_start",
        ),
        (
            "/patrols",
            {
                "team_id": "t",
                "planned_start": "2023-11-20T21:00:00+08:00",
                "planned_end": "2023-11-20T19:00:00+08:00",
            },
            "body",
        ),
        ("/teams", {"station_code": "S01", "name": "x", "formed_on": "2023-02-30"}, "body.formed_on"),
        (
            "/teams",
            {"station_code": "S01", "name": "x", "formed_on": "2023-03-01", "leader": "x"},
            "body.leader",
        ),
        (
            "/teams/t/members",
            {
                "member": {
                    "kind": "volunteer",
                    "volunteer_id": "13800138000",
                    "affiliation": "fisherman",
                    "party_member": True,
                },
                "joined_on": "2023-03-05",
            },
            "body.member.volunteer.volunteer_id",
        ),
        (
            "/teams/t/members",
            {
                "member": {"kind": "volunteer", "volunteer_id": "GC-V09", "affiliation": "fisherman"},
                "joined_on": "2023-03-05",
            },
            "body.member.volunteer.party_member",
        ),
        (
            "/teams/t/members",
            {
                "member": {
                    "kind": "volunteer",
                    "volunteer_id": "GC-V09",
                    "name": "王某",
                    "affiliation": "other",
                    "party_member": False,
                },
                "joined_on": "2023-03-05",
            },
            "body.member.volunteer.name",
        ),
        (
            "/patrols/p/start",
            {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": []},
            "body.participant_ids",
        ),
        (
            "/patrols/p/start",
            {"started_at": "2023-11-20T19:05:00+08:00", "participant_ids": ["P001", "P001"]},
            "body",
        ),
        ("/patrols/p/checkpoints", {"grid_code": "G0101", "visited_at": LATE, "latitude": 19.5}, "body"),
        (
            "/patrols/p/checkpoints",
            {"grid_code": "G0101", "visited_at": LATE, "latitude": 91, "longitude": 109},
            "body.latitude",
        ),
        ("/patrols/p/observations", {"category": "ufo", "note": "x", "observed_at": LATE}, "body.category"),
        ("/patrols/p/complete", {"completed_at": LATE, "distance_km": -1}, "body.distance_km"),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    answer = refused(await api.post(path, json=body, headers=ADMIN), 422, "validation_failed")
    assert [d["field"] for d in answer["detail"]] == [field]
    assert answer["detail"][0]["reason"]
