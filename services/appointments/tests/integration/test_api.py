"""The appointments API end to end on real PostgreSQL: the lifecycle, each status code, idempotency."""

from __future__ import annotations

import asyncio
from datetime import date
from datetime import datetime
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.china_time import occurred_on
from services.appointments.tests.integration.conftest import ADMIN
from services.appointments.tests.integration.conftest import S01
from services.appointments.tests.integration.conftest import T01
from services.appointments.tests.integration.conftest import bearer
from services.appointments.tests.integration.conftest import ok

DEPUTY = {
    "kind": "deputy_party_secretary",
    "person_id": "P001",
    "organisation_code": "V01",
    "term_start": "2023-03-01",
    "term_end": "2026-02-28",
}
DIRECTOR = {**DEPUTY, "kind": "joint_defence_director", "person_id": "K001", "organisation_code": "S01"}


async def nominate(api: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str] = ADMIN) -> str:
    created = await ok(await api.post("/appointments", json=body, headers=headers), 201)
    appointment_id: str = created["appointment_id"]
    return appointment_id


async def test_the_whole_lifecycle_with_certificates_numbered_per_year(grid: httpx.AsyncClient) -> None:
    deputy = await nominate(grid, DEPUTY, headers=S01)
    director = await nominate(grid, DIRECTOR, headers=S01)
    for appointment_id in (deputy, director):
        approved = await ok(
            await grid.post(
                f"/appointments/{appointment_id}/approve", json={"approved_on": "2023-03-10"}, headers=T01
            )
        )
        assert approved["status"] == "approved"
    first = await ok(
        await grid.post(f"/appointments/{deputy}/certificate", json={"issued_on": "2023-03-15"}, headers=T01)
    )
    second = await ok(
        await grid.post(
            f"/appointments/{director}/certificate", json={"issued_on": "2023-03-15"}, headers=T01
        )
    )
    assert (first["certificate_number"], second["certificate_number"]) == ("DZ-2023-0001", "DZ-2023-0002")
    assert first["status"] == "certified"

    ended = await ok(
        await grid.post(
            f"/appointments/{deputy}/end",
            json={"reason": "term_ended", "ended_on": "2026-02-28"},
            headers=S01,
        )
    )
    assert ended["status"] == "ended" and ended["version"] == 4
    state = await ok(await grid.get(f"/appointments/{deputy}", headers=T01))
    assert state == ended
    history = (await grid.get(f"/appointments/{deputy}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history] == [
        "AppointmentNominated",
        "AppointmentApproved",
        "AppointmentCertificateIssued",
        "AppointmentEnded",
    ]
    assert [e["actor"] for e in history] == ["s01-officer", "t01-officer", "t01-officer", "s01-officer"]
    # A dated act happened at the start of that day in China, whatever the zone it is printed in.
    assert datetime.fromisoformat(history[1]["occurred_at"]) == occurred_on(date(2023, 3, 10))
    assert history[0]["jurisdiction"] == {"township": "T01", "station": "S01", "village": "V01"}


async def test_a_new_appointment_is_possible_once_the_old_one_ended(grid: httpx.AsyncClient) -> None:
    first = await nominate(grid, DEPUTY)
    again = await grid.post("/appointments", json=DEPUTY, headers=ADMIN)
    assert again.status_code == 409 and again.json()["error"] == "already_holds_active_appointment"
    await ok(
        await grid.post(
            f"/appointments/{first}/end", json={"reason": "revoked", "ended_on": "2023-06-01"}, headers=ADMIN
        )
    )
    await nominate(grid, DEPUTY)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**DEPUTY, "person_id": "K001"}, "appointment_kind_mismatch"),
        ({**DEPUTY, "organisation_code": "V03"}, "village_not_covered_by_station"),
        ({**DEPUTY, "organisation_code": "S01"}, "not_a_village"),
        ({**DEPUTY, "organisation_code": "V99"}, "unknown_org_unit"),
        ({**DEPUTY, "person_id": "P999"}, "person_not_active"),
        ({**DEPUTY, "term_end": "2023-03-01"}, "dates_incoherent"),
        ({**DIRECTOR, "organisation_code": "S02"}, "village_not_covered_by_station"),
    ],
)
async def test_broken_rules_are_409_with_their_code_and_append_nothing(
    grid: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    answer = await grid.post("/appointments", json=body, headers=ADMIN)
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"] == code
    assert (await grid.get("/people/P001/history", headers=ADMIN)).json()[-1][
        "event_type"
    ] == "PoliceOfficerRegistered"


async def test_no_certificate_before_approval_and_nothing_after_the_end(grid: httpx.AsyncClient) -> None:
    appointment = await nominate(grid, DEPUTY)
    early = await grid.post(
        f"/appointments/{appointment}/certificate", json={"issued_on": "2023-03-15"}, headers=T01
    )
    assert early.status_code == 409 and early.json()["error"] == "certificate_before_approval"
    await ok(
        await grid.post(
            f"/appointments/{appointment}/end",
            json={"reason": "revoked", "ended_on": "2023-04-01"},
            headers=ADMIN,
        )
    )
    late = await grid.post(
        f"/appointments/{appointment}/approve", json={"approved_on": "2023-04-02"}, headers=T01
    )
    assert late.status_code == 409 and late.json()["error"] == "appointment_ended"


async def test_a_transfer_ends_the_deputy_post_in_a_village_the_new_station_does_not_cover(
    grid: httpx.AsyncClient,
) -> None:
    appointment = await nominate(grid, DEPUTY)
    await ok(
        await grid.post(
            "/people/P001/transfer",
            json={"to_station_code": "S02", "effective_on": "2024-01-01"},
            headers=ADMIN,
        )
    )
    state = await ok(await grid.get(f"/appointments/{appointment}", headers=ADMIN))
    assert (state["status"], state["end_reason"], state["ended_on"]) == ("ended", "transferred", "2024-01-01")
    assert (await ok(await grid.get("/people/P001", headers=ADMIN)))["station_code"] == "S02"


async def test_leaving_service_revokes_every_active_appointment(grid: httpx.AsyncClient) -> None:
    appointment = await nominate(grid, DIRECTOR)
    await ok(
        await grid.post(
            "/people/K001/leave", json={"reason": "retired", "effective_on": "2024-05-01"}, headers=ADMIN
        )
    )
    state = await ok(await grid.get(f"/appointments/{appointment}", headers=ADMIN))
    assert (state["status"], state["end_reason"]) == ("ended", "revoked")
    again = await grid.post("/appointments", json=DIRECTOR, headers=ADMIN)
    assert again.json()["error"] == "person_not_active"


async def test_coverage_changes_over_time(grid: httpx.AsyncClient) -> None:
    moved = await ok(
        await grid.post(
            "/org-units/V02/coverage",
            json={"station_code": "S02", "effective_from": "2024-07-01"},
            headers=T01,
        )
    )
    assert moved["coverage"] == [
        {"station_code": "S01", "effective_from": "2023-01-01", "effective_until": "2024-06-30"},
        {"station_code": "S02", "effective_from": "2024-07-01", "effective_until": None},
    ]
    # A deputy secretary of S01 for V02 whose term starts after the move no longer fits.
    late = {**DEPUTY, "organisation_code": "V02", "term_start": "2024-08-01"}
    assert (await grid.post("/appointments", json=late, headers=ADMIN)).json()[
        "error"
    ] == "village_not_covered_by_station"


async def test_idempotent_retry_returns_the_same_appointment_and_appends_once(
    grid: httpx.AsyncClient,
) -> None:
    headers = {**S01, "Idempotency-Key": "nominate-P001-2023"}
    first, again = [await grid.post("/appointments", json=DEPUTY, headers=headers) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    history = (
        await grid.get(f"/appointments/{first.json()['appointment_id']}/history", headers=ADMIN)
    ).json()
    assert len(history) == 1


async def test_concurrent_nominations_of_one_person_leave_one_active_appointment(
    grid: httpx.AsyncClient,
) -> None:
    answers = await asyncio.gather(
        *(grid.post("/appointments", json=DEPUTY, headers=ADMIN) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} <= {
        "already_holds_active_appointment",
        "version_conflict",
    }


async def test_unknown_ids_are_404(grid: httpx.AsyncClient) -> None:
    for path in ["/appointments/nope", "/appointments/nope/history", "/people/nobody", "/org-units/X999"]:
        answer = await grid.get(path, headers=ADMIN)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found", path
    approve = await grid.post("/appointments/nope/approve", json={"approved_on": "2023-03-10"}, headers=ADMIN)
    assert approve.status_code == 404


async def test_missing_or_invalid_token_is_401(grid: httpx.AsyncClient) -> None:
    assert (await grid.get("/org-units/V01")).status_code == 401
    assert (await grid.post("/appointments", json=DEPUTY)).status_code == 401
    assert (await grid.get("/org-units/V01", headers={"Authorization": "Bearer nonsense"})).status_code == 401


async def test_outside_the_jurisdiction_is_403_on_every_record(grid: httpx.AsyncClient) -> None:
    appointment = await nominate(grid, DEPUTY)
    t02 = bearer(Role.TOWNSHIP_OFFICER, "T02")
    s02 = bearer(Role.STATION_OFFICER, "S02")
    refused = [
        await grid.get(f"/appointments/{appointment}", headers=t02),
        await grid.get(f"/appointments/{appointment}/history", headers=s02),
        await grid.post(
            f"/appointments/{appointment}/approve", json={"approved_on": "2023-03-10"}, headers=t02
        ),
        await grid.get("/people/P001", headers=s02),
        await grid.post("/org-units/V01/rename", json={"name_zh": "改名", "name_en": "Renamed"}, headers=t02),
        await grid.post("/appointments", json=DEPUTY, headers=bearer(Role.VIEWER, "T01")),
        # A station officer may nominate, but approval belongs to the party committee (township, city).
        await grid.post(
            f"/appointments/{appointment}/approve", json={"approved_on": "2023-03-10"}, headers=S01
        ),
        await grid.post(
            "/org-units",
            json={
                "code": "S09",
                "kind": "police_station",
                "name_zh": "新所",
                "name_en": "New",
                "parent_code": "C4604",
            },
            headers=T01,
        ),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert (
        await grid.get(f"/appointments/{appointment}", headers=bearer(Role.VILLAGE_CADRE, "V01"))
    ).status_code == 200


async def test_authorisation_comes_before_rules_and_errors_name_no_unseen_record(
    grid: httpx.AsyncClient,
) -> None:
    """An officer of S02 sending commands about S01's people gets 403 without detail, never a rule's
    409 naming S01's records; where the caller may act, a 409 still names no record of another."""
    await nominate(grid, DEPUTY)  # P001 (of S01) now holds an active deputy post in V01
    s02 = bearer(Role.STATION_OFFICER, "S02")
    taken_badge = {"person_id": "P777", "badge_number": "460001", "display_name": "x"}
    refused = [
        await grid.post("/appointments", json=DEPUTY, headers=s02),
        await grid.post("/people/officers", json={**taken_badge, "station_code": "S01"}, headers=s02),
    ]
    assert [(r.status_code, r.json()["error"]) for r in refused] == [(403, "forbidden")] * 2
    assert all("P001" not in r.text and "S01" not in r.text for r in refused)

    own_station = await grid.post(
        "/people/officers", json={**taken_badge, "station_code": "S02"}, headers=s02
    )
    assert (own_station.status_code, own_station.json()["error"]) == (409, "badge_number_taken")
    assert "P001" not in own_station.text


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/appointments", {**DEPUTY, "term_start": "2023-02-30"}, "body.term_start"),
        ("/appointments", {**DEPUTY, "kind": "mayor"}, "body.kind"),
        ("/appointments", {**DEPUTY, "extra": 1}, "body.extra"),
        ("/org-units", {"code": "X 1", "kind": "village", "name_zh": "x", "name_en": "x"}, "body.code"),
        (
            "/people/officers",
            {"person_id": "P9", "station_code": "S01", "display_name": "x"},
            "body.badge_number",
        ),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    grid: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    answer = await grid.post(path, json=body, headers=ADMIN)
    assert answer.status_code == 422
    details = answer.json()["detail"]
    assert [d["field"] for d in details] == [field]
    assert details[0]["reason"]
