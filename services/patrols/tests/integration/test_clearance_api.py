"""Clearance operations (清查行动) through the API on real PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from govgrid.auth import Role
from services.patrols.tests.integration.conftest import ADMIN
from services.patrols.tests.integration.conftest import S01
from services.patrols.tests.integration.conftest import S02
from services.patrols.tests.integration.conftest import T01
from services.patrols.tests.integration.conftest import T02
from services.patrols.tests.integration.conftest import bearer
from services.patrols.tests.integration.conftest import ok
from services.patrols.tests.integration.conftest import refused

PLAN = {
    "station_code": "S01",
    "focus": "出租屋、娱乐场所",
    "planned_on": "2023-11-20",
    "area_codes": ["V01", "G0101"],
}
RESULTS = {
    "carried_out_on": "2023-11-20",
    "places_checked": 40,
    "people_checked": 112,
    "officers_deployed": 6,
    "volunteers_deployed": 12,
    "findings": [
        {"category": "safety_hazard", "count": 3, "note": "电线私拉乱接"},
        {"category": "wanted_person", "count": 1},
    ],
}


async def plan(api: httpx.AsyncClient, body: dict[str, Any] = PLAN, headers: dict[str, str] = S01) -> str:
    operation_id: str = (await ok(await api.post("/clearance-operations", json=body, headers=headers), 201))[
        "operation_id"
    ]
    return operation_id


async def test_an_operation_from_plan_to_closure(api: httpx.AsyncClient) -> None:
    operation_id = await plan(api)
    path = f"/clearance-operations/{operation_id}"
    carried = await ok(await api.post(f"{path}/carry-out", json=RESULTS, headers=S01))
    assert carried["results"]["findings"][1] == {"category": "wanted_person", "count": 1, "note": ""}
    closed = await ok(
        await api.post(
            f"{path}/close", json={"closed_on": "2023-11-22", "summary": "隐患已整改"}, headers=S01
        )
    )
    assert (closed["status"], closed["version"], closed["results"]["people_checked"]) == ("closed", 3, 112)
    assert await ok(await api.get(path, headers=S01)) == closed

    events = (await api.get(f"{path}/history", headers=ADMIN)).json()
    assert [e["event_type"] for e in events] == [
        "ClearanceOperationPlanned",
        "ClearanceOperationCarriedOut",
        "ClearanceOperationClosed",
    ]
    # The whole area lies in 干冲村 (T01): every event of the operation is filed there and at S01.
    assert {tuple(e["jurisdiction"].values()) for e in events} == {("T01", "S01", "V01")}
    assert events[1]["occurred_at"].startswith("2023-11-19T16:00:00")  # 20 November, midnight in China
    for reader in (T01, bearer(Role.VILLAGE_CADRE, "V01"), bearer(Role.VIEWER, "S01")):
        assert (await api.get(path, headers=reader)).status_code == 200


async def test_an_operation_over_two_villages_is_filed_under_their_common_township(
    api: httpx.AsyncClient,
) -> None:
    operation_id = await plan(api, {**PLAN, "area_codes": ["V01", "G0201"]})
    events = (await api.get(f"/clearance-operations/{operation_id}/history", headers=ADMIN)).json()
    assert events[0]["jurisdiction"] == {"township": "T01", "station": "S01", "village": None}
    assert (
        await api.get(f"/clearance-operations/{operation_id}", headers=bearer(Role.VILLAGE_CADRE, "V01"))
    ).status_code == 403


async def test_a_planned_operation_can_be_cancelled_and_then_nothing_changes(api: httpx.AsyncClient) -> None:
    path = f"/clearance-operations/{await plan(api)}"
    cancelled = await ok(
        await api.post(f"{path}/cancel", json={"cancelled_on": "2023-11-19", "reason": "台风"}, headers=S01)
    )
    assert cancelled["status"] == "cancelled"
    refused(await api.post(f"{path}/carry-out", json=RESULTS, headers=S01), 409, "clearance_operation_closed")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"area_codes": ["G0301"]}, "outside_station_coverage"),  # S02's grid
        ({"area_codes": ["V02"], "planned_on": "2023-11-25"}, "outside_station_coverage"),  # moved to S02
        ({"area_codes": ["S02"]}, "wrong_org_unit_kind"),
        ({"area_codes": ["V01", "V99"]}, "unknown_org_unit"),
        ({"station_code": "V01"}, "wrong_org_unit_kind"),
    ],
)
async def test_a_plan_covers_only_the_station_s_villages_and_grids(
    api: httpx.AsyncClient, changes: dict[str, Any], code: str
) -> None:
    refused(await api.post("/clearance-operations", json={**PLAN, **changes}, headers=ADMIN), 409, code)


async def test_the_order_of_things_is_a_rule(api: httpx.AsyncClient) -> None:
    path = f"/clearance-operations/{await plan(api)}"
    refused(
        await api.post(f"{path}/close", json={"closed_on": "2023-11-22"}, headers=S01),
        409,
        "clearance_not_carried_out",
    )
    early = {**RESULTS, "carried_out_on": "2023-11-19"}
    refused(await api.post(f"{path}/carry-out", json=early, headers=S01), 409, "time_went_backwards")
    await ok(await api.post(f"{path}/carry-out", json=RESULTS, headers=S01))
    refused(
        await api.post(f"{path}/carry-out", json=RESULTS, headers=S01), 409, "clearance_already_carried_out"
    )
    refused(
        await api.post(f"{path}/close", json={"closed_on": "2023-11-19"}, headers=S01),
        409,
        "time_went_backwards",
    )
    refused(
        await api.post(f"{path}/cancel", json={"cancelled_on": "2023-11-21", "reason": "x"}, headers=S01),
        409,
        "clearance_already_carried_out",
    )
    await ok(await api.post(f"{path}/close", json={"closed_on": "2023-11-21"}, headers=S01))
    refused(
        await api.post(f"{path}/close", json={"closed_on": "2023-11-22"}, headers=S01),
        409,
        "clearance_operation_closed",
    )
    assert len((await api.get(f"{path}/history", headers=ADMIN)).json()) == 3


async def test_statuses_401_403_404(api: httpx.AsyncClient) -> None:
    path = f"/clearance-operations/{await plan(api)}"
    refused(await api.get(path), 401, "unauthenticated")
    forbidden = [
        await api.get(path, headers=S02),
        await api.get(f"{path}/history", headers=T02),
        await api.post(f"{path}/carry-out", json=RESULTS, headers=S02),
        await api.post(f"{path}/carry-out", json=RESULTS, headers=T01),  # a township officer reads only
        await api.post("/clearance-operations", json=PLAN, headers=S02),
        await api.post("/clearance-operations", json=PLAN, headers=bearer(Role.VIEWER, "S01")),
    ]
    assert [r.status_code for r in forbidden] == [403] * len(forbidden)
    refused(await api.get("/clearance-operations/nope", headers=ADMIN), 404, "not_found")
    refused(
        await api.post("/clearance-operations/nope/carry-out", json=RESULTS, headers=ADMIN), 404, "not_found"
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {**PLAN, "area_codes": []}, "body.area_codes"),
        ("", {**PLAN, "area_codes": ["V01", "V01"]}, "body"),
        ("", {**PLAN, "area_codes": ["V 01"]}, "body.area_codes.0"),
        ("/o/carry-out", {**RESULTS, "places_checked": -1}, "body.places_checked"),
        (
            "/o/carry-out",
            {**RESULTS, "findings": [{"category": "other", "count": 0}]},
            "body.findings.0.count",
        ),
        ("/o/cancel", {"cancelled_on": "2023-11-19"}, "body.reason"),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    answer = refused(
        await api.post(f"/clearance-operations{path}", json=body, headers=ADMIN), 422, "validation_failed"
    )
    assert [d["field"] for d in answer["detail"]] == [field]
