"""Turning an HTTP command request into one idempotent command run."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from govgrid.auth import Principal
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.commands import ContextHandler
from govgrid.commands import PostgresCommandRunner
from govgrid.commands import U
from govgrid.commands import request_fingerprint

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="A client-chosen unique key: retrying with it returns the first answer, appends nothing.",
    ),
]

REPLAYED_HEADER = "Idempotent-Replayed"


async def execute(
    runner: PostgresCommandRunner[U],
    principal: Principal,
    route: str,
    body: BaseModel | str | None,
    idempotency_key: str | None,
    handler: ContextHandler[U],
) -> JSONResponse:
    """Run one command for the caller, once per (caller, Idempotency-Key): the same request again
    replays the first answer. ``route`` names the command with its path ids; ``body`` is the command,
    or a digest of a raw upload."""
    ctx = CommandContext.current(principal)

    async def run(unit_of_work: U) -> CommandResult:
        return await handler(unit_of_work, ctx)

    fingerprint = request_fingerprint(
        principal.subject, route, body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    )
    # Keys are per caller: two callers choosing the same key never see each other's answers.
    key = f"{principal.subject}\x1f{idempotency_key}" if idempotency_key is not None else None
    result = await runner.run(run, idempotency_key=key, fingerprint=fingerprint)
    return as_response(result)


def as_response(result: CommandResult) -> JSONResponse:
    headers = {REPLAYED_HEADER: "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)
