"""What a declared command reads from elsewhere instead of repeating it in its route table: its body
from its handler, its answer from the router's record, its status from its path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from typing import Literal

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from pydantic import Field

from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.service import Aggregate
from govgrid.service import Command
from govgrid.service import EventsOnly
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Hut:
    hut_id: str


class BuildHut(BaseModel):
    hut_id: str


class Paint(BaseModel):
    kind: Literal["paint"]


class Mend(BaseModel):
    kind: Literal["mend"]


Care = Annotated[Paint | Mend, Field(discriminator="kind")]


async def build(uow: object, ctx: CommandContext, cmd: BuildHut) -> CommandResult:
    raise AssertionError("not run")


async def look_after(uow: object, ctx: CommandContext, hut_id: str, cmd: Care) -> CommandResult:
    raise AssertionError("not run")


HUT: Aggregate[Hut, EventsOnly] = Aggregate(
    "hut", lambda hut_id: f"hut-{hut_id}", lambda state, event: Hut("h")
)
Answer = state_response(Hut)


def test_the_body_is_what_the_handler_declares_for_its_last_parameter() -> None:
    assert Command("", build, "Build a hut").body is BuildHut
    assert Command("/{hut_id}/care", look_after, "Look after a hut").body == Care  # Annotated kept


def test_a_path_without_ids_creates_a_record_unless_the_command_says_otherwise() -> None:
    assert Command("", build, "Build a hut").success_status == 201
    assert Command("/{hut_id}/care", look_after, "Look after a hut").success_status == 200
    assert Command("/rebuild", build, "Build it again", status_code=200).success_status == 200


def test_the_answer_is_the_routers_record_unless_the_command_declares_one() -> None:
    reads = StateReads(HUT, Answer)
    assert Command("", build, "Build a hut").answer(reads) is Answer
    assert Command("", build, "Build a hut", BuildHut).answer(reads) is BuildHut
    with pytest.raises(TypeError, match="declares its commands' response"):
        Command("", build, "Build a hut").answer(None)


def test_the_openapi_document_shows_what_was_read() -> None:
    router = command_router(
        "/huts",
        ["huts"],
        {"hut_id": record_id()},
        [Command("", build, "Build a hut"), Command("/{hut_id}/care", look_after, "Look after a hut")],
        state=StateReads(HUT, Answer),
    )
    app = FastAPI()
    app.include_router(router)
    paths = app.openapi()["paths"]

    built, cared = paths["/huts"]["post"], paths["/huts/{hut_id}/care"]["post"]
    assert built["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BuildHut"
    }
    assert "201" in built["responses"] and "200" not in built["responses"]
    assert built["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Hut"
    }
    care_body = cared["requestBody"]["content"]["application/json"]["schema"]
    assert care_body["discriminator"]["propertyName"] == "kind"
    assert "200" in cared["responses"] and "201" not in cared["responses"]
