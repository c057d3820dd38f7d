"""The tips API end to end on real PostgreSQL: the lead lifecycle, every status code, idempotency,
the overdue listing, contact groups and safety notices."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from govgrid.china_time import today_in_china
from services.tips.tests.integration.conftest import ADMIN
from services.tips.tests.integration.conftest import CADRE
from services.tips.tests.integration.conftest import COLLEAGUE
from services.tips.tests.integration.conftest import CONTACT
from services.tips.tests.integration.conftest import HANDLER
from services.tips.tests.integration.conftest import LEAD
from services.tips.tests.integration.conftest import S02_OFFICER
from services.tips.tests.integration.conftest import TOWNSHIP
from services.tips.tests.integration.conftest import VIEWER
from services.tips.tests.integration.conftest import bearer
from services.tips.tests.integration.conftest import ok
from services.tips.tests.integration.conftest import refused
from services.tips.tests.integration.conftest import submit
from services.tips.tests.integration.conftest import today
from services.tips.tests.integration.conftest import verified_lead


async def history_types(api: httpx.AsyncClient, lead_id: str) -> list[str]:
    return [e["event_type"] for e in (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()]


# ---------------------------------------------------------------- the lifecycle


async def test_a_lead_from_receipt_to_arrest_and_closing(api: httpx.AsyncClient) -> None:
    created = await ok(await api.post("/leads", json=LEAD, headers=CADRE), 201)
    lead_id = created["lead_id"]
    assert (created["status"], created["anonymous"], created["informant_contact"]) == (
        "received",
        False,
        "sealed",
    )
    assert (created["village_code"], created["station_code"], created["grid_code"]) == ("V01", "S01", None)
    assert "informant_contact" in LEAD and CONTACT not in str(created)

    triaged = await ok(
        await api.post(f"/leads/{lead_id}/triage", json={"priority": "high"}, headers=COLLEAGUE)
    )
    received_at = datetime.fromisoformat(created["received_at"])
    assert datetime.fromisoformat(triaged["due_at"]) == received_at + timedelta(days=3)
    await ok(
        await api.post(f"/leads/{lead_id}/assign", json={"officer_person_id": "P001"}, headers=COLLEAGUE)
    )
    await ok(await api.post(f"/leads/{lead_id}/verify", json={"verified_on": today()}, headers=HANDLER))
    arrest = {"outcome": "fugitive_arrested", "case_number": "DZ2023-1106", "outcome_on": today()}
    await ok(await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER))
    closed = await ok(
        await api.post(f"/leads/{lead_id}/close", json={"closed_on": today()}, headers=COLLEAGUE)
    )
    assert closed["status"] == "closed" and closed["version"] == 6
    assert closed["outcomes"] == [
        {"outcome": "fugitive_arrested", "case_number": "DZ2023-1106", "outcome_on": today()}
    ]
    retention_end = datetime.fromisoformat(today()) + timedelta(days=180)
    assert closed["informant_contact_shred_on"] == retention_end.date().isoformat()
    assert await ok(await api.get(f"/leads/{lead_id}", headers=COLLEAGUE)) == closed

    history = (await api.get(f"/leads/{lead_id}/history", headers=HANDLER)).json()
    assert [e["event_type"] for e in history] == [
        "LeadReceived",
        "LeadTriaged",
        "LeadAssigned",
        "LeadVerified",
        "LeadOutcomeRecorded",
        "LeadClosed",
    ]
    assert [e["actor"] for e in history] == ["K001", "P002", "P002", "P001", "P001", "P002"]
    assert history[0]["jurisdiction"] == {"township": "T01", "station": "S01", "village": "V01"}
    assert datetime.fromisoformat(history[0]["occurred_at"]) == received_at
    assert len(history[0]["payload"]["informant_ref"]) == 32


async def test_an_anonymous_lead_in_a_grid_dismissed_and_closed(api: httpx.AsyncClient) -> None:
    lead_id = await submit(
        api, headers=ADMIN, place_code="G01", category="safety_hazard", informant_contact=None
    )
    lead = await ok(await api.get(f"/leads/{lead_id}", headers=ADMIN))
    assert (lead["anonymous"], lead["informant_contact"], lead["informant_ref"]) == (True, "none", None)
    assert (lead["village_code"], lead["grid_code"]) == ("V01", "G01")
    dismissal = {"reason": "duplicate", "dismissed_on": today()}
    await ok(await api.post(f"/leads/{lead_id}/dismiss", json=dismissal, headers=COLLEAGUE))
    closed = await ok(
        await api.post(f"/leads/{lead_id}/close", json={"closed_on": today()}, headers=COLLEAGUE)
    )
    assert (closed["dismissal_reason"], closed["informant_contact_shred_on"]) == ("duplicate", None)


async def test_a_referral_to_mediation_emits_the_mediation_services_event(api: httpx.AsyncClient) -> None:
    lead_id = await verified_lead(api, category="dispute", place_code="G01")
    referral = {
        "outcome": "referred_to_mediation",
        "outcome_on": today(),
        "dispute_category": "land_or_house",
        "summary": "两户村民因宅基地边界争执多年",
    }
    await ok(await api.post(f"/leads/{lead_id}/outcomes", json=referral, headers=HANDLER))
    history = (await api.get(f"/leads/{lead_id}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in history[-2:]] == ["LeadOutcomeRecorded", "LeadReferredToMediation"]
    assert history[-1]["payload"] == {
        "lead_id": lead_id,
        "village_code": "V01",
        "grid_code": "G01",
        "dispute_category": "land_or_house",
        "summary": "两户村民因宅基地边界争执多年",
        "referred_on": today(),
    }
    assert history[-1]["jurisdiction"] == {"township": "T01", "station": "S01", "village": "V01"}
    again = await api.post(f"/leads/{lead_id}/outcomes", json=referral, headers=HANDLER)
    await refused(again, 409, "outcome_already_recorded")


async def test_a_lead_is_handed_to_another_officer_and_given_another_priority(api: httpx.AsyncClient) -> None:
    lead_id = await verified_lead(api)
    handed = await ok(
        await api.post(f"/leads/{lead_id}/assign", json={"officer_person_id": "P002"}, headers=ADMIN)
    )
    assert (handed["handler"], handed["status"]) == ("P002", "verified")
    later = await api.post(f"/leads/{lead_id}/triage", json={"priority": "low"}, headers=COLLEAGUE)
    await refused(later, 409, "lead_already_decided")


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"place_code": "V99"}, "unknown_org_unit"),
        ({"place_code": "S01"}, "wrong_org_unit_kind"),
        ({"place_code": "V04"}, "village_not_covered"),
        ({"received_at": "2099-01-01T08:00:00+08:00"}, "date_in_future"),
    ],
)
async def test_a_lead_breaking_a_rule_is_409_and_seals_nothing(
    api: httpx.AsyncClient, service: Any, changes: dict[str, Any], code: str
) -> None:
    answer = await api.post("/leads", json={**LEAD, **changes}, headers=ADMIN)
    await refused(answer, 409, code)
    assert await service.pool.fetchval("SELECT count(*) FROM lead_keys") == 0
    assert await service.pool.fetchval("SELECT count(*) FROM events") == 0


async def test_lifecycle_rules_are_409_with_their_code(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    assign = {"officer_person_id": "P001"}
    await refused(
        await api.post(f"/leads/{lead_id}/assign", json=assign, headers=COLLEAGUE), 409, "lead_not_triaged"
    )
    await ok(await api.post(f"/leads/{lead_id}/triage", json={"priority": "normal"}, headers=COLLEAGUE))
    again = await api.post(f"/leads/{lead_id}/triage", json={"priority": "normal"}, headers=COLLEAGUE)
    await refused(again, 409, "priority_unchanged")
    verify = {"verified_on": today()}
    await refused(
        await api.post(f"/leads/{lead_id}/verify", json=verify, headers=COLLEAGUE), 409, "lead_not_assigned"
    )
    for person, code in [
        ("P999", "unknown_officer"),
        ("P003", "officer_not_at_station"),
        ("P004", "officer_not_at_station"),
    ]:
        answer = await api.post(
            f"/leads/{lead_id}/assign", json={"officer_person_id": person}, headers=COLLEAGUE
        )
        await refused(answer, 409, code)
    await ok(await api.post(f"/leads/{lead_id}/assign", json=assign, headers=COLLEAGUE))
    await refused(
        await api.post(f"/leads/{lead_id}/assign", json=assign, headers=COLLEAGUE),
        409,
        "already_assigned_to_officer",
    )
    arrest = {"outcome": "fugitive_arrested", "case_number": "DZ2023-1", "outcome_on": today()}
    await refused(
        await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER), 409, "lead_not_verified"
    )
    close = {"closed_on": today()}
    await refused(
        await api.post(f"/leads/{lead_id}/close", json=close, headers=HANDLER), 409, "lead_not_concluded"
    )
    future = {"verified_on": (datetime.now(UTC) + timedelta(days=2)).date().isoformat()}
    await refused(
        await api.post(f"/leads/{lead_id}/verify", json=future, headers=HANDLER), 409, "date_in_future"
    )
    past = {"verified_on": "2020-01-01"}
    await refused(
        await api.post(f"/leads/{lead_id}/verify", json=past, headers=HANDLER), 409, "dates_incoherent"
    )
    await ok(await api.post(f"/leads/{lead_id}/verify", json=verify, headers=HANDLER))
    await ok(await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER))
    await refused(
        await api.post(f"/leads/{lead_id}/outcomes", json=arrest, headers=HANDLER),
        409,
        "outcome_already_recorded",
    )
    await ok(await api.post(f"/leads/{lead_id}/close", json=close, headers=HANDLER))
    await refused(await api.post(f"/leads/{lead_id}/close", json=close, headers=HANDLER), 409, "lead_closed")
    assert len(await history_types(api, lead_id)) == 6  # nothing refused left a trace


async def test_concurrent_commands_on_one_lead_append_once(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    answers = await asyncio.gather(
        *(
            api.post(f"/leads/{lead_id}/triage", json={"priority": "urgent"}, headers=headers)
            for headers in (COLLEAGUE, HANDLER)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} <= {
        "version_conflict",
        "priority_unchanged",
    }
    assert await history_types(api, lead_id) == ["LeadReceived", "LeadTriaged"]


async def test_unknown_ids_are_404(api: httpx.AsyncClient) -> None:
    for path in [
        "/leads/nope",
        "/leads/nope/history",
        "/notices/nope",
        "/notices/nope/history",
        "/contact-groups/nope",
    ]:
        await refused(await api.get(path, headers=ADMIN), 404, "not_found")
    for path, body in [
        ("/leads/nope/triage", {"priority": "low"}),
        ("/leads/nope/close", {"closed_on": today()}),
        ("/leads/nope/informant-contact/reveal", {"reason": "需要联系举报人核实情况"}),
        ("/notices/nope/deliveries", {"group_id": "G"}),
    ]:
        await refused(await api.post(path, json=body, headers=ADMIN), 404, "not_found")


async def test_missing_or_invalid_token_is_401(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    reveal = {"reason": "需要联系举报人核实情况"}
    for answer in [
        await api.get(f"/leads/{lead_id}"),
        await api.get("/leads"),
        await api.post("/leads", json=LEAD),
        await api.post(f"/leads/{lead_id}/informant-contact/reveal", json=reveal),
        await api.get(f"/leads/{lead_id}", headers={"Authorization": "Bearer nonsense"}),
    ]:
        await refused(answer, 401, "unauthenticated")
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert await history_types(api, lead_id) == ["LeadReceived"]  # no token, no recorded attempt


async def test_outside_the_jurisdiction_or_the_role_is_403_on_every_record(api: httpx.AsyncClient) -> None:
    lead_id = await submit(api)
    v03_cadre = bearer(Role.VILLAGE_CADRE, "V03", subject="K003")
    answers = [
        await api.get(f"/leads/{lead_id}", headers=S02_OFFICER),
        await api.get(f"/leads/{lead_id}/history", headers=S02_OFFICER),
        await api.post(f"/leads/{lead_id}/triage", json={"priority": "low"}, headers=S02_OFFICER),
        await api.post(
            f"/leads/{lead_id}/dismiss",
            json={"reason": "other", "dismissed_on": today()},
            headers=S02_OFFICER,
        ),
        await api.post("/leads", json=LEAD, headers=v03_cadre),  # a lead in another village
        await api.post("/leads", json=LEAD, headers=VIEWER),  # viewers read only
        # Lead details are police business: cadres and townships submit leads, they do not read them.
        await api.get(f"/leads/{lead_id}", headers=CADRE),
        await api.get(f"/leads/{lead_id}/history", headers=TOWNSHIP),
        await api.get("/leads", headers=CADRE),
        await api.post(f"/leads/{lead_id}/triage", json={"priority": "low"}, headers=CADRE),
        await api.post(f"/leads/{lead_id}/triage", json={"priority": "low"}, headers=TOWNSHIP),
    ]
    assert [a.status_code for a in answers] == [403] * len(answers), [a.text for a in answers]
    assert all(a.json()["error"] == "forbidden" for a in answers)
    assert await history_types(api, lead_id) == ["LeadReceived"]
    await submit(api, headers=TOWNSHIP)  # a township officer may submit within the township


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/leads", {**LEAD, "channel": "pigeon"}, "body.channel"),
        ("/leads", {**LEAD, "place_code": "V 01"}, "body.place_code"),
        ("/leads", {**LEAD, "description": ""}, "body.description"),
        ("/leads", {**LEAD, "received_at": "2023-11-02T09:30:00"}, "body.received_at"),  # no time zone
        ("/leads", {**LEAD, "informant_contact": "ab"}, "body.informant_contact"),
        ("/leads", {**LEAD, "informant_phone": "1"}, "body.informant_phone"),
        ("/leads/x/triage", {"priority": "asap"}, "body.priority"),
        (
            "/leads/x/outcomes",
            {"outcome": "fugitive_arrested", "outcome_on": "2023-11-06"},
            "body.fugitive_arrested.case_number",
        ),
        ("/leads/x/informant-contact/reveal", {"reason": "short"}, "body.reason"),
        (
            "/notices",
            {"station_code": "S01", "title": "t", "body": "b", "village_codes": []},
            "body.village_codes",
        ),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    answer = await refused(await api.post(path, json=body, headers=ADMIN), 422, "validation_failed")
    assert [d["field"] for d in answer["detail"]] == [field]
    assert answer["detail"][0]["reason"]


# ---------------------------------------------------------------- idempotency


async def test_a_retried_submission_returns_the_same_lead_and_seals_once(
    api: httpx.AsyncClient, service: Any
) -> None:
    headers = {**CADRE, "Idempotency-Key": "lead-2023-11-02-0001"}
    first, again = [await api.post("/leads", json=LEAD, headers=headers) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await service.pool.fetchval("SELECT count(*) FROM lead_keys") == 1
    assert await history_types(api, first.json()["lead_id"]) == ["LeadReceived"]
    # The key check sees the contact (through a keyed digest): another contact is another request.
    other = await api.post("/leads", json={**LEAD, "informant_contact": "+86 139 0000 0000"}, headers=headers)
    await refused(other, 409, "idempotency_key_reused")


# ---------------------------------------------------------------- the overdue listing


async def test_overdue_leads_are_listed_most_overdue_first_within_the_callers_jurisdiction(
    api: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC)

    def ago(hours: int) -> str:
        return (now - timedelta(hours=hours)).isoformat()

    untriaged = await submit(api, received_at=ago(30))  # triage was due 6 hours ago
    urgent = await submit(api, received_at=ago(26))
    await ok(await api.post(f"/leads/{urgent}/triage", json={"priority": "urgent"}, headers=COLLEAGUE))
    normal = await submit(api, received_at=ago(25))  # a week to decide: on time
    await ok(await api.post(f"/leads/{normal}/triage", json={"priority": "normal"}, headers=COLLEAGUE))
    decided = await submit(api, received_at=ago(50))
    await ok(
        await api.post(
            f"/leads/{decided}/dismiss",
            json={"reason": "unfounded", "dismissed_on": today()},
            headers=COLLEAGUE,
        )
    )
    elsewhere = await submit(api, headers=ADMIN, place_code="V03", received_at=ago(40))
    fresh = await submit(api)

    overdue = await ok(await api.get("/leads", params={"overdue": "true"}, headers=COLLEAGUE))
    assert [item["lead_id"] for item in overdue["items"]] == [untriaged, urgent]
    assert overdue["total"] == 2 and all(item["overdue"] for item in overdue["items"])
    assert overdue["items"][0]["status"] == "received" and overdue["items"][1]["priority"] == "urgent"
    assert set(overdue["items"][0]) == {
        "lead_id", "status", "channel", "category", "priority", "village_code", "grid_code",
        "station_code", "handler", "received_at", "due_at", "overdue", "closed_on", "version",
    }  # fmt: skip

    everywhere = await ok(await api.get("/leads", params={"overdue": "true"}, headers=ADMIN))
    assert [item["lead_id"] for item in everywhere["items"]] == [elsewhere, untriaged, urgent]
    page = await ok(
        await api.get("/leads", params={"overdue": "true", "limit": 1, "offset": 1}, headers=ADMIN)
    )
    assert ([i["lead_id"] for i in page["items"]], page["total"]) == ([untriaged], 3)
    s02 = await ok(await api.get("/leads", params={"overdue": "true"}, headers=S02_OFFICER))
    assert [item["lead_id"] for item in s02["items"]] == [elsewhere]

    newest = await ok(await api.get("/leads", headers=COLLEAGUE))
    assert [item["lead_id"] for item in newest["items"]] == [fresh, normal, urgent, untriaged, decided]
    dismissed = await ok(await api.get("/leads", params={"status": "dismissed"}, headers=COLLEAGUE))
    assert [item["lead_id"] for item in dismissed["items"]] == [decided]
    assert (await api.get("/leads", params={"limit": 0}, headers=ADMIN)).status_code == 422


# ---------------------------------------------------------------- contact groups and safety notices


async def register_groups(api: httpx.AsyncClient) -> None:
    groups = [
        (
            {
                "group_id": "V01-JM",
                "village_code": "V01",
                "kind": "police_resident",
                "name": "干冲村警民联络群",
                "registered_on": "2023-03-01",
            },
            CADRE,
        ),
        (
            {
                "group_id": "V01-AF",
                "village_code": "V01",
                "kind": "village_safety",
                "name": "干冲村安全防范群",
                "registered_on": "2023-03-01",
            },
            HANDLER,
        ),
        (
            {
                "group_id": "V02-JM",
                "village_code": "V02",
                "kind": "police_resident",
                "name": "前进社区警民群",
                "registered_on": "2023-03-02",
            },
            TOWNSHIP,
        ),
    ]
    for group, headers in groups:
        await ok(await api.post("/contact-groups", json=group, headers=headers), 201)


async def test_a_station_publishes_a_safety_notice_and_records_its_delivery_per_group(
    api: httpx.AsyncClient,
) -> None:
    await register_groups(api)
    assert (await ok(await api.get("/contact-groups/V01-JM", headers=CADRE)))["kind"] == "police_resident"
    notice = {
        "station_code": "S01",
        "title": "防范电信诈骗",
        "body": "近期冒充公检法诈骗高发，请勿向陌生账户转账。",
        "published_at": "2023-11-20T10:00:00+08:00",
    }
    published = await ok(await api.post("/notices", json=notice, headers=HANDLER), 201)
    assert (published["village_codes"], published["group_ids"]) == (
        ["V01", "V02"],
        ["V01-AF", "V01-JM", "V02-JM"],
    )
    notice_id = published["notice_id"]
    delivery = {"group_id": "V01-JM", "delivered_at": "2023-11-20T10:05:00+08:00"}
    delivered = await ok(await api.post(f"/notices/{notice_id}/deliveries", json=delivery, headers=HANDLER))
    assert [d["group_id"] for d in delivered["deliveries"]] == ["V01-JM"]
    twice = await api.post(f"/notices/{notice_id}/deliveries", json={"group_id": "V01-JM"}, headers=HANDLER)
    await refused(twice, 409, "notice_already_delivered")
    history = (await api.get(f"/notices/{notice_id}/history", headers=HANDLER)).json()
    assert [e["event_type"] for e in history] == ["SafetyNoticePublished", "SafetyNoticeDelivered"]
    assert history[0]["jurisdiction"] == {"township": None, "station": "S01", "village": None}
    # Each is dated when it happened in the world, not when it was entered.
    assert [datetime.fromisoformat(e["occurred_at"]) for e in history] == [
        datetime.fromisoformat(notice["published_at"]),
        datetime.fromisoformat(delivery["delivered_at"]),
    ]

    only_v02 = await ok(
        await api.post("/notices", json={**notice, "village_codes": ["V02"]}, headers=ADMIN), 201
    )
    assert only_v02["group_ids"] == ["V02-JM"]
    other = await api.post(
        f"/notices/{only_v02['notice_id']}/deliveries", json={"group_id": "V01-JM"}, headers=HANDLER
    )
    await refused(other, 409, "group_not_targeted")


FUTURE = "date_in_future"
TOMORROW = (today_in_china() + timedelta(days=1)).isoformat()


async def test_safety_notice_errors(api: httpx.AsyncClient) -> None:
    await register_groups(api)
    notice = {"station_code": "S01", "title": "防溺水", "body": "暑期请看护好儿童。"}
    group = {
        "group_id": "V01-JM",
        "village_code": "V01",
        "kind": "village_safety",
        "name": "x",
        "registered_on": "2023-03-01",
    }
    checks = [
        ("/notices", {**notice, "village_codes": ["V03"]}, ADMIN, 409, "village_not_covered_by_station"),
        ("/notices", {**notice, "station_code": "S02"}, S02_OFFICER, 409, "no_contact_groups"),
        ("/notices", {**notice, "station_code": "V01"}, ADMIN, 409, "wrong_org_unit_kind"),
        ("/notices", notice, S02_OFFICER, 403, "forbidden"),
        ("/notices", notice, CADRE, 403, "forbidden"),
        ("/contact-groups", {**group, "group_id": "V03-JM", "village_code": "V03"}, CADRE, 403, "forbidden"),
        ("/contact-groups", group, CADRE, 409, "contact_group_already_registered"),
        (
            "/contact-groups",
            {**group, "group_id": "S01-JM", "village_code": "S01"},
            ADMIN,
            409,
            "wrong_org_unit_kind",
        ),
        ("/contact-groups", {**group, "group_id": "V01-NEW", "registered_on": TOMORROW}, ADMIN, 409, FUTURE),
        ("/notices", {**notice, "published_at": f"{TOMORROW}T10:00:00+08:00"}, ADMIN, 409, FUTURE),
    ]
    for path, body, headers, status, error in checks:
        await refused(await api.post(path, json=body, headers=headers), status, error)
    published = await ok(await api.post("/notices", json=notice, headers=HANDLER), 201)
    deliveries = f"/notices/{published['notice_id']}/deliveries"
    await refused(
        await api.post(deliveries, json={"group_id": "V01-JM"}, headers=S02_OFFICER), 403, "forbidden"
    )
    await refused(await api.get(f"/notices/{published['notice_id']}", headers=S02_OFFICER), 403, "forbidden")
    early = {"group_id": "V01-JM", "delivered_at": "2023-01-01T00:00:00+08:00"}
    await refused(await api.post(deliveries, json=early, headers=HANDLER), 409, "dates_incoherent")
