"""The read audit on real PostgreSQL: every read recorded (caller, role, jurisdiction, endpoint, query,
time, status), queried by the city admin only, append-only, and written out on shutdown."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.config import get_settings
from govgrid.testing.fixtures import wait_until
from services.projections.generations import Generations
from services.projections.main import create_app

NOVEMBER = "from=2023-11-01&to=2023-11-30"


def token(subject: str, role: Role, *jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


ADMIN = token("A001", Role.CITY_ADMIN)
OFFICER = token("P001", Role.STATION_OFFICER, "S01")


async def recorded(read_api: httpx.AsyncClient, query: str = "") -> dict[str, Any]:
    answer = await read_api.get(f"/audit/reads?{query}", headers=ADMIN)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_every_read_is_recorded_with_its_caller_and_answer(read_api: httpx.AsyncClient) -> None:
    before = datetime.now(UTC)
    assert (await read_api.get(f"/leads/summary?{NOVEMBER}&village=V1", headers=OFFICER)).status_code == 200
    assert (await read_api.get("/coverage/summary")).status_code == 401
    assert (await read_api.get("/leads/summary?from=2023-02-30", headers=OFFICER)).status_code == 422
    assert (await read_api.get("/healthz")).status_code == 200  # not a read of anything

    async def both_recorded() -> bool:
        return bool((await recorded(read_api, "endpoint=/leads/summary"))["total"] == 2)

    await wait_until(both_recorded, timeout=10, what="the reads in the audit")
    reads = (await recorded(read_api, "subject=P001"))["items"]
    assert [(r["endpoint"], r["query"], r["status"]) for r in reads] == [
        ("/leads/summary", "from=2023-02-30", 422),  # newest first
        ("/leads/summary", "from=2023-11-01&to=2023-11-30&village=V1", 200),
    ]
    first = reads[1]
    assert (first["subject"], first["role"], first["jurisdiction"], first["method"]) == (
        "P001",
        "station_officer",
        ["S01"],
        "GET",
    )
    assert first["path"] == "/leads/summary"
    assert before <= datetime.fromisoformat(first["requested_at"]) <= datetime.now(UTC)
    assert first["correlation_id"]
    anonymous = (await recorded(read_api, "endpoint=/coverage/summary"))["items"]
    assert [(r["subject"], r["role"], r["jurisdiction"], r["status"]) for r in anonymous] == [
        (None, None, None, 401)
    ]
    every = await recorded(read_api)
    assert "/healthz" not in {r["path"] for r in every["items"]}
    # The audit's own reads are reads too.
    assert "/audit/reads" in {r["endpoint"] for r in every["items"]}


async def test_the_audit_is_paged_and_filtered_by_days(read_api: httpx.AsyncClient) -> None:
    for _ in range(3):
        assert (await read_api.get("/org-units", headers=OFFICER)).status_code == 200

    async def recorded_three() -> bool:
        return bool((await recorded(read_api, "endpoint=/org-units"))["total"] == 3)

    await wait_until(recorded_three, timeout=10, what="three reads in the audit")
    page = await recorded(read_api, "endpoint=/org-units&page=2&page_size=2")
    assert (page["total"], len(page["items"]), page["page"], page["page_size"]) == (3, 1, 2, 2)
    assert (await recorded(read_api, "endpoint=/org-units&from=2000-01-01&to=2000-12-31"))["total"] == 0


@pytest.mark.parametrize(
    "role", [Role.TOWNSHIP_OFFICER, Role.STATION_OFFICER, Role.VILLAGE_CADRE, Role.VIEWER]
)
async def test_only_the_city_admin_reads_the_audit(read_api: httpx.AsyncClient, role: Role) -> None:
    assert (await read_api.get("/audit/reads", headers=token("X", role, "T01"))).status_code == 403
    assert (await read_api.get("/audit/reads")).status_code == 401


async def test_the_audit_is_append_only(read_api: httpx.AsyncClient, generations: Generations) -> None:
    await read_api.get("/org-units", headers=OFFICER)

    async def one() -> bool:
        return bool(await generations.control.fetchval("SELECT count(*) FROM read_audit"))

    await wait_until(one, timeout=10, what="a read in the audit")
    for statement in (
        "UPDATE read_audit SET subject = 'nobody'",
        "DELETE FROM read_audit",
        "TRUNCATE read_audit",
    ):
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await generations.control.execute(statement)
    assert await generations.control.fetchval("SELECT count(*) FROM read_audit WHERE subject = 'P001'") == 1


async def test_a_normal_shutdown_writes_every_read_noted(generations: Generations) -> None:
    app = create_app()
    app.state.generations = generations
    transport = httpx.ASGITransport(app=app)
    async with (
        app.state.audit.running(generations.control),
        httpx.AsyncClient(transport=transport, base_url="http://read") as client,
    ):
        for _ in range(20):
            assert (await client.get("/org-units", headers=OFFICER)).status_code == 200
    # No waiting: leaving `running` wrote them.
    assert await generations.control.fetchval("SELECT count(*) FROM read_audit") == 20


async def test_a_path_with_a_nul_byte_is_recorded_and_the_reads_after_it_too(
    read_api: httpx.AsyncClient,
) -> None:
    # PostgreSQL's text holds no NUL byte: its COPY failed and the audit's writer stopped for good, so
    # no later read was recorded (and reads waited once 50,000 were noted).
    assert (await read_api.get("/leads/%00summary", headers=OFFICER)).status_code == 404
    assert (await read_api.get("/org-units", headers=OFFICER)).status_code == 200

    async def both_recorded() -> bool:
        paths = {r["path"] for r in (await recorded(read_api))["items"]}
        return {"/org-units", "/leads/%00summary"} <= paths

    await wait_until(both_recorded, timeout=10, what="both reads in the audit")
    reads = [r for r in (await recorded(read_api))["items"] if r["endpoint"] != "/audit/reads"]
    # No route matched the first: its caller is unknown (the route's dependency never ran).
    assert [(r["subject"], r["endpoint"], r["path"], r["status"]) for r in reads] == [
        ("P001", "/org-units", "/org-units", 200),
        (None, "/leads/%00summary", "/leads/%00summary", 404),
    ]


async def test_a_record_postgresql_refuses_is_logged_and_the_others_are_written(
    read_api: httpx.AsyncClient, generations: Generations, caplog: pytest.LogCaptureFixture
) -> None:
    # No read is known to be refused any more (NUL bytes are escaped): a constraint of this test's own
    # refuses one, as an unforeseen one would.
    await generations.control.execute(
        "ALTER TABLE read_audit ADD CONSTRAINT refuse_one CHECK (path <> '/org-units/refused')"
    )
    for path in ("/org-units", "/org-units/refused", "/coverage/summary"):
        assert (await read_api.get(path, headers=OFFICER)).status_code in (200, 404)

    async def both_others_recorded() -> bool:
        paths = {r["path"] for r in (await recorded(read_api))["items"]}
        return {"/org-units", "/coverage/summary"} <= paths

    await wait_until(both_others_recorded, timeout=10, what="the other reads in the audit")
    paths = [r["path"] for r in (await recorded(read_api))["items"] if r["endpoint"] != "/audit/reads"]
    assert sorted(paths) == ["/coverage/summary", "/org-units"]
    refused = [r.getMessage() for r in caplog.records if "refused a read's record" in r.getMessage()]
    assert len(refused) == 1 and "/org-units/refused" in refused[0]
