"""A small command API built only from kernel parts, against real PostgreSQL: every status code a
service answers (201, 401, 403, 404, 409, 422, 503) and Idempotency-Key retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Annotated
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from fastapi import Depends
from fastapi import FastAPI
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import Field

from govgrid.auth import CurrentPrincipal
from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import catalogue
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.commands import PostgresCommandRunner
from govgrid.config import get_settings
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import Jurisdiction
from govgrid.errors import NotFound
from govgrid.errors import RuleBroken
from govgrid.eventstore import MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.testing.servers import LocalInstance
from govgrid.testing.servers import local_instance
from govgrid.web.app import create_service_app
from govgrid.web.commands import IdempotencyKey
from govgrid.web.commands import execute
from govgrid.web.health import postgres_ready_check


class RegisterUnit(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    kind: OrgUnitKind
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    parent_code: str
    township: str


def runner(request: Request) -> PostgresCommandRunner[PostgresEventStore]:
    return PostgresCommandRunner(request.app.state.pool, PostgresEventStore)


Runner = Annotated[PostgresCommandRunner[PostgresEventStore], Depends(runner)]
router = APIRouter()


@router.post("/units", status_code=201)
async def register_unit(
    body: RegisterUnit, principal: CurrentPrincipal, commands: Runner, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    jurisdiction = Jurisdiction(township=body.township)
    principal.ensure_can_change(jurisdiction)

    async def handle(store: PostgresEventStore, ctx: CommandContext) -> CommandResult:
        stream = f"unit-{body.code}"
        if await store.read_stream(stream):
            raise RuleBroken("unit_already_registered", f"unit {body.code} is already registered")
        event = OrganisationUnitRegistered(**body.model_dump(exclude={"township"}))
        (stored,) = await store.append(stream, 0, [ctx.draft(event, jurisdiction)])
        return CommandResult(201, {"code": body.code, "event_id": str(stored.event_id)})

    return await execute(commands, principal, "POST /units", body, idempotency_key, handle)


@router.get("/units/{code}")
async def get_unit(code: str, principal: CurrentPrincipal, request: Request) -> dict[str, Any]:
    events = await PostgresEventStore(request.app.state.pool).read_stream(f"unit-{code}")
    if not events:
        raise NotFound("unit", code)
    principal.ensure_can_see(events[0].jurisdiction)  # check the record itself, not just the route
    return catalogue.decode(events[0]).model_dump(mode="json")


def make_app(pool: asyncpg.Pool) -> FastAPI:
    app = create_service_app(
        get_settings(),
        title="units (test)",
        description="kernel test app",
        routers=[router],
        ready_checks={"postgres": postgres_ready_check(pool)},
    )
    app.state.pool = pool
    return app


def bearer(role: Role, *jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), 'tester', role, jurisdiction)}"}


T01_OFFICER = bearer(Role.TOWNSHIP_OFFICER, "T01")
UNIT = {
    "code": "V0001",
    "kind": "village",
    "name_zh": "新英村",
    "name_en": "Xinying",
    "parent_code": "T01",
    "township": "T01",
}


@pytest.fixture
async def client(pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(pool))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def event_count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM events"))


async def test_command_creates_and_reads_back(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    created = await client.post("/units", json=UNIT, headers=T01_OFFICER)
    assert created.status_code == 201, created.text
    read = await client.get("/units/V0001", headers=T01_OFFICER)
    assert read.status_code == 200
    assert read.json()["name_zh"] == "新英村"
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_retry_with_the_same_key_replays_and_appends_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    headers = {**T01_OFFICER, "Idempotency-Key": "register-V0001-a"}
    first = await client.post("/units", json=UNIT, headers=headers)
    again = await client.post("/units", json=UNIT, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert await event_count(pool) == 1


async def test_concurrent_retries_append_once_and_answer_alike(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    headers = {**T01_OFFICER, "Idempotency-Key": "register-V0001-b"}
    answers = await asyncio.gather(*(client.post("/units", json=UNIT, headers=headers) for _ in range(6)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert await event_count(pool) == 1


async def test_same_key_different_request_is_refused(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    headers = {**T01_OFFICER, "Idempotency-Key": "register-V0001-c"}
    assert (await client.post("/units", json=UNIT, headers=headers)).status_code == 201
    other = await client.post("/units", json={**UNIT, "code": "V0002"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"] == "idempotency_key_reused"
    assert await event_count(pool) == 1


async def test_broken_rule_is_409_with_its_code(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    assert (await client.post("/units", json=UNIT, headers=T01_OFFICER)).status_code == 201
    again = await client.post("/units", json=UNIT, headers=T01_OFFICER)  # no key: a new command
    assert again.status_code == 409
    assert again.json()["error"] == "unit_already_registered"
    assert await event_count(pool) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "castle"}, "body.kind"),
        ({"code": "has space"}, "body.code"),
        ({"name_zh": ""}, "body.name_zh"),
        ({"township": None}, "body.township"),
    ],
)
async def test_bad_input_is_422_with_field_and_reason(
    client: httpx.AsyncClient, pool: asyncpg.Pool, change: dict[str, Any], field: str
) -> None:
    answer = await client.post("/units", json={**UNIT, **change}, headers=T01_OFFICER)
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "validation_failed"
    assert [d["field"] for d in body["detail"]] == [field]
    assert body["detail"][0]["reason"]
    assert await event_count(pool) == 0


async def test_unknown_id_is_404(client: httpx.AsyncClient) -> None:
    answer = await client.get("/units/V9999", headers=T01_OFFICER)
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


async def test_missing_or_bad_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.post("/units", json=UNIT)).status_code == 401
    forged = {"Authorization": "Bearer " + "x" * 40}
    assert (await client.get("/units/V0001", headers=forged)).status_code == 401


async def test_outside_the_jurisdiction_is_403_for_writes_and_for_each_record(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    other_township = bearer(Role.TOWNSHIP_OFFICER, "T02")
    assert (await client.post("/units", json=UNIT, headers=other_township)).status_code == 403
    assert (await client.post("/units", json=UNIT, headers=bearer(Role.VIEWER, "T01"))).status_code == 403
    assert await event_count(pool) == 0
    assert (await client.post("/units", json=UNIT, headers=T01_OFFICER)).status_code == 201
    assert (await client.get("/units/V0001", headers=other_township)).status_code == 403
    assert (await client.get("/units/V0001", headers=bearer(Role.CITY_ADMIN))).status_code == 200


@pytest.fixture
def private_postgres() -> Iterator[LocalInstance]:
    with local_instance("postgres") as instance:
        yield instance


async def test_postgres_down_is_503_with_retry_after_and_recovers(private_postgres: LocalInstance) -> None:
    pool = await create_pool(private_postgres.database_url, schema="units", max_size=4)
    await apply_migrations(pool, MIGRATIONS)
    transport = httpx.ASGITransport(app=make_app(pool))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            private_postgres.stop()
            for answer in [
                await client.post("/units", json=UNIT, headers=T01_OFFICER),
                await client.get("/units/V0001", headers=T01_OFFICER),
                await client.get("/readyz"),
            ]:
                assert answer.status_code == 503, answer.text
                assert answer.headers["Retry-After"] == str(get_settings().retry_after_seconds)
                assert "Traceback" not in answer.text
            private_postgres.start()
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.post("/units", json=UNIT, headers=T01_OFFICER)).status_code == 201
            assert await pool.fetchval("SELECT count(*) FROM events") == 1
    finally:
        await pool.close()
