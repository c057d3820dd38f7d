"""Live updates for the dashboard: a server-sent event whenever a read model changes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Query
from fastapi import Request
from fastapi.responses import StreamingResponse

from govgrid.auth import Principal
from govgrid.auth import read_token
from govgrid.auth.dependencies import current_settings
from govgrid.config import GovgridSettings
from govgrid.errors import Unauthenticated
from govgrid.web.errors import error_responses
from services.projections.api.dependencies import get_generations
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS

router = APIRouter(tags=["live updates"], responses=error_responses(401, 422, 503))

POLL_SECONDS = 1.0
KEEP_ALIVE_SECONDS = 15.0


async def token_in_query(
    request: Request,
    settings: Annotated[GovgridSettings, Depends(current_settings)],
    access_token: Annotated[
        str | None, Query(description="The bearer token: EventSource cannot send headers.")
    ] = None,
) -> Principal:
    if access_token is None:
        raise Unauthenticated("expected an access_token query parameter")
    principal = read_token(settings, access_token)
    request.state.principal = principal  # for the read audit
    return principal


async def latest_change(generations: Generations) -> str | None:
    stamps = []
    for model in READ_MODELS:
        pool = await generations.active_pool(model)
        stamps.append(await pool.fetchval("SELECT max(updated_at)::text FROM read_positions"))
    return max((s for s in stamps if s is not None), default=None)


@router.get("/live", summary="Server-sent events: 'changed' whenever a read model changed")
async def live(
    request: Request,
    _principal: Annotated[Principal, Depends(token_in_query)],
    generations: Annotated[Generations, Depends(get_generations)],
) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        last = await latest_change(generations)
        quiet = 0.0
        yield f"event: ready\ndata: {json.dumps({'at': last})}\n\n"
        while not await request.is_disconnected():
            await asyncio.sleep(POLL_SECONDS)
            now = await latest_change(generations)
            if now != last:
                last, quiet = now, 0.0
                yield f"event: changed\ndata: {json.dumps({'at': now})}\n\n"
            else:
                quiet += POLL_SECONDS
                if quiet >= KEEP_ALIVE_SECONDS:  # proxies close silent connections
                    quiet = 0.0
                    yield ": keep-alive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
