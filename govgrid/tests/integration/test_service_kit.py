"""A whole service on the kit, as docs/writing-a-service.md builds it: a two-command aggregate (a
village is registered under its township, then renamed), on real PostgreSQL. The example is the
first half of this file; the tests check what the kit promises every service: the pipeline's order
(authorisation before rules), the declared OpenAPI document, the one error body, idempotency, the
checkpoints of the event log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from fastapi import Path
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.commands import PostgresCommandRunner
from govgrid.config import get_settings
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.checkpoint import CHECKPOINT_STREAM
from govgrid.rules import BusinessRule
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.service import Aggregate
from govgrid.service import Command
from govgrid.service import EventsOnly
from govgrid.service import ServiceBase
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import running
from govgrid.service import service_app
from govgrid.service import state_response
from govgrid.service.lookups import Holds
from govgrid.service.lookups import insert_unique
from govgrid.service.settings import ServiceSettings
from govgrid.testing.factories import draft
from govgrid.testing.fixtures import wait_until

# ---------------------------------------------------------------- domain: pure, no I/O


@dataclass(frozen=True)
class Village:
    code: str
    township_code: str
    name_zh: str
    name_en: str


def stream_id(code: str) -> str:
    return f"village-{code}"


def evolve(state: Village | None, event: DomainEvent) -> Village:
    match event:
        case OrganisationUnitRegistered():
            assert event.parent_code is not None
            return Village(event.code, event.parent_code, event.name_zh, event.name_en)
        case OrganisationUnitRenamed():
            assert state is not None
            return Village(state.code, state.township_code, event.name_zh, event.name_en)
    raise ValueError(f"not a village event: {event.event_type}")


class CodeMustBeFree(BusinessRule):
    code = "village_already_registered"
    existing: Village | None

    def is_broken(self) -> bool:
        return self.existing is not None

    def message(self) -> str:
        assert self.existing is not None
        return f"village {self.existing.code} is already registered"


@broken_if("name_unchanged", "village {village.code} is already called {name_zh}")
def NameMustChange(village: Village, name_zh: str) -> bool:
    return village.name_zh == name_zh


def register(
    existing: Village | None, code: str, township_code: str, name_zh: str, name_en: str
) -> list[DomainEvent]:
    check(CodeMustBeFree(existing))
    kind = OrgUnitKind.VILLAGE
    return [
        OrganisationUnitRegistered(
            code=code, kind=kind, name_zh=name_zh, name_en=name_en, parent_code=township_code
        )
    ]


def rename(village: Village, name_zh: str, name_en: str) -> list[DomainEvent]:
    check(NameMustChange(village, name_zh))
    return [OrganisationUnitRenamed(code=village.code, name_zh=name_zh, name_en=name_en)]


# ---------------------------------------------------------------- application: commands and handlers


class RegisterVillage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    township_code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class RenameVillage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


EDITORS = frozenset({Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER})


async def in_township(uow: EventsOnly, village: Village, on: Any) -> Jurisdiction:
    return Jurisdiction(township=village.township_code, village=village.code)


VILLAGE = Aggregate("village", stream_id, evolve, in_township)


async def register_village(uow: EventsOnly, ctx: CommandContext, cmd: RegisterVillage) -> CommandResult:
    async def where() -> Jurisdiction:
        return Jurisdiction(township=cmd.township_code, village=cmd.code)

    t = await VILLAGE.create(uow, ctx, cmd.code, EDITORS, where)
    return await t.record(register(t.loaded.state, **cmd.model_dump()))


async def rename_village(
    uow: EventsOnly, ctx: CommandContext, code: str, cmd: RenameVillage
) -> CommandResult:
    return await VILLAGE.decide(uow, ctx, code, EDITORS, rename, cmd)


# ---------------------------------------------------------------- api, service, app


Answer = state_response(Village)
router = command_router(
    "/villages",
    ["villages"],
    {"code": Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")},
    [
        Command(
            "",
            register_village,
            "Register a village under its township",
        ),
        Command(
            "/{code}/rename",
            rename_village,
            "Rename a village",
        ),
    ],
    state=StateReads(VILLAGE, Answer),
)


class VillagesSettings(ServiceSettings):
    service_name: str = "villages"
    database_schema: str = "villages"


class VillagesService(ServiceBase[EventsOnly, VillagesSettings]):
    """Learns from no topic: no background work."""


def create_app(settings: VillagesSettings) -> FastAPI:
    async def start(settings: VillagesSettings) -> VillagesService:
        raise AssertionError("the tests hand the app a started service")

    return service_app(settings, start, title="villages", description="a kit example", routers=[router])


# ---------------------------------------------------------------- tests


def bearer(role: Role, *jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), 'tester', role, jurisdiction)}"}


T01 = bearer(Role.TOWNSHIP_OFFICER, "T01")
T02 = bearer(Role.TOWNSHIP_OFFICER, "T02")
V1 = {"code": "V1", "township_code": "T01", "name_zh": "新英村", "name_en": "Xinying"}


@pytest.fixture
async def api(pool: asyncpg.Pool, database_url: str, schema: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = VillagesSettings(database_url=database_url, database_schema=schema)
    app = create_app(settings)
    app.state.service = VillagesService(settings, pool, PostgresCommandRunner(pool, EventsOnly))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        yield client


async def test_two_commands_then_the_state_and_its_history(api: httpx.AsyncClient) -> None:
    created = await api.post("/villages", json=V1, headers=T01)
    assert (created.status_code, created.json()) == (201, {**V1, "version": 1})
    renamed = await api.post(
        "/villages/V1/rename", json={"name_zh": "新英社区", "name_en": "Xinying"}, headers=T01
    )
    assert (renamed.status_code, renamed.json()["version"]) == (200, 2)
    assert (await api.get("/villages/V1", headers=T01)).json() == renamed.json()
    history = (await api.get("/villages/V1/history", headers=T01)).json()
    assert [e["event_type"] for e in history] == ["OrganisationUnitRegistered", "OrganisationUnitRenamed"]


async def test_authorisation_comes_before_the_rules(api: httpx.AsyncClient) -> None:
    await api.post("/villages", json=V1, headers=T01)
    # T02 registering T01's village code gets 403 naming nothing, not T01's 409.
    taken = await api.post("/villages", json=V1, headers=T02)
    assert (taken.status_code, taken.json()["error"]) == (403, "forbidden") and "T01" not in taken.text
    unchanged = {"name_zh": "新英村", "name_en": "Xinying"}
    assert (await api.post("/villages/V1/rename", json=unchanged, headers=T02)).status_code == 403
    refused = await api.post("/villages/V1/rename", json=unchanged, headers=T01)
    assert (refused.status_code, refused.json()["error"]) == (409, "name_unchanged")
    viewer = bearer(Role.VIEWER, "T01")
    assert (await api.post("/villages", json={**V1, "code": "V2"}, headers=viewer)).status_code == 403
    assert (await api.post("/villages/V9/rename", json=unchanged, headers=T01)).status_code == 404


async def test_errors_have_the_one_body_and_a_missing_token_comes_first(api: httpx.AsyncClient) -> None:
    invalid = await api.post("/villages", json={**V1, "code": "V 1", "extra": 1}, headers=T01)
    assert invalid.status_code == 422
    assert {d["field"] for d in invalid.json()["detail"]} == {"body.code", "body.extra"}
    assert set(invalid.json()) == {"error", "detail", "correlation_id"}
    # A malformed body without a token: 401, not a 422 to a caller who is not even authenticated.
    malformed = await api.post(
        "/villages", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (malformed.status_code, malformed.json()["error"]) == (401, "unauthenticated")


async def test_a_retry_with_the_same_key_replays_the_answer(
    api: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    headers = {**T01, "Idempotency-Key": "register-V1-once"}
    first, again = [await api.post("/villages", json=V1, headers=headers) for _ in range(2)]
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await pool.fetchval("SELECT count(*) FROM events") == 1


async def test_the_openapi_document_declares_every_answer(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    rename_op = document["paths"]["/villages/{code}/rename"]["post"]
    assert set(rename_op["responses"]) == {"200", "400", "401", "403", "404", "409", "422", "503"}
    error = {"$ref": "#/components/schemas/ErrorBody"}
    assert all(
        rename_op["responses"][s]["content"]["application/json"]["schema"] == error for s in ("409", "422")
    )
    assert rename_op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Village"
    }
    assert {p["name"] for p in rename_op["parameters"]} == {"code", "Idempotency-Key"}
    register_op = document["paths"]["/villages"]["post"]
    assert "404" not in register_op["responses"] and "201" in register_op["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["Village"]["properties"]) == {
        "code",
        "township_code",
        "name_zh",
        "name_en",
        "version",
    }


async def test_the_kit_checkpoints_every_services_event_log(
    pool: asyncpg.Pool, database_url: str, schema: str
) -> None:
    settings = VillagesSettings(
        database_url=database_url, database_schema=schema, event_log_checkpoint_interval_seconds=0.2
    )
    service = VillagesService(settings, pool, PostgresCommandRunner(pool, EventsOnly))
    await PostgresEventStore(pool).append("village-V1", 0, [draft()])

    async def checkpointed() -> bool:
        return bool(
            await pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", CHECKPOINT_STREAM)
        )

    async with running(service):
        await wait_until(checkpointed, what="a checkpoint of the service's log")
    (row,) = await pool.fetch("SELECT actor, payload FROM events WHERE stream_id = $1", CHECKPOINT_STREAM)
    assert row["actor"] == "villages"
    assert (json.loads(row["payload"])["events"], json.loads(row["payload"])["streams"]) == (1, 1)


async def test_a_key_another_command_inserted_first_breaks_the_rule_it_keeps(pool: asyncpg.Pool) -> None:
    await pool.execute("CREATE TABLE village_names (name_zh text PRIMARY KEY, code text NOT NULL)")
    refusal = RuleBroken("name_taken", "another village is already called 新英村")
    insert = "INSERT INTO village_names VALUES ($1, $2)"
    async with pool.acquire() as conn:
        await insert_unique(conn, refusal, insert, "新英村", "V1")
        with pytest.raises(RuleBroken) as raised:
            await insert_unique(conn, refusal, insert, "新英村", "V2")
    assert raised.value is refusal
    assert await pool.fetchval("SELECT code FROM village_names") == "V1"


async def test_a_key_is_held_by_one_record_at_a_time_until_it_is_released(pool: asyncpg.Pool) -> None:
    await pool.execute(
        "CREATE TABLE village_heads (appointment_id text PRIMARY KEY, village_code text NOT NULL UNIQUE)"
    )
    heads = Holds("village_heads", "appointment_id", "one_head")
    async with pool.acquire() as conn:
        await heads.hold(conn, "V1 has a head", "A1", "V1")
        with pytest.raises(RuleBroken) as raised:
            await heads.hold(conn, "V1 has a head", "A2", "V1")
        await heads.release(conn, "A1")
        await heads.hold(conn, "V1 has a head", "A2", "V1")
    assert (raised.value.code, raised.value.message) == ("one_head", "V1 has a head")
    assert await pool.fetchval("SELECT appointment_id FROM village_heads") == "A2"
