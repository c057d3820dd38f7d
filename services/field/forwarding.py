"""``/api/<service>/<path>``: the field app's commands and reads, forwarded to the write services and
the read API unchanged.

The page, its service worker and its commands then share one origin: no CORS, and the services keep
deciding everything (auth, rules, idempotency). Only the named services are reached, only by paths
made of plain segments (no ``..``), with only the headers a command needs.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter
from fastapi import FastAPI
from fastapi import HTTPException
from fastapi import Request
from fastapi import Response

from govgrid.errors import DependencyUnavailable
from govgrid.errors import InvalidInput
from govgrid.errors import NotFound
from govgrid.web.errors import error_responses
from services.field.settings import FieldSettings

# A path segment of the services' routes: ids, codes, days (2026-12-03), action numbers.
SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9_.~-]*$")
MAX_PATH_LENGTH = 500
# The services' operational endpoints are for the platform, not for phones: their documentation pages
# would run third-party scripts on the origin that keeps officers' tokens.
NOT_FORWARDED = frozenset({"metrics", "healthz", "readyz", "docs", "redoc", "openapi.json", "dashboard"})
MAX_BODY_BYTES = 1024 * 1024

# What the page sends that the services read; everything else (cookies...) stays here.
FORWARDED_REQUEST_HEADERS = ("authorization", "idempotency-key", "content-type", "accept", "x-correlation-id")
# What the services answer that the page reads.
FORWARDED_RESPONSE_HEADERS = (
    "content-type",
    "idempotent-replayed",
    "www-authenticate",
    "retry-after",
    "cache-control",
    "x-correlation-id",
)


def upstream_path(path: str) -> str:
    """``path`` (after ``/api/<service>/``) if every segment is plain; else a 422 naming the path."""
    segments = path.split("/")
    if len(path) > MAX_PATH_LENGTH or not all(SEGMENT.match(segment) for segment in segments):
        raise InvalidInput(
            "bad path", [{"field": "path", "reason": "segments of letters, digits, '-', '_', '.', '~' only"}]
        )
    if segments[0] in NOT_FORWARDED:
        raise NotFound("path", segments[0])
    return "/" + path


@asynccontextmanager
async def upstream_client(app: FastAPI, settings: FieldSettings) -> AsyncIterator[None]:
    async with httpx.AsyncClient(timeout=settings.upstream_timeout_seconds) as client:
        app.state.client = client
        yield


def forwarding_router(settings: FieldSettings) -> APIRouter:
    router = APIRouter(tags=["forwarding"])
    upstreams = settings.upstreams()

    async def forward(service: str, path: str, request: Request) -> Response:
        base = upstreams.get(service)
        if base is None:
            raise NotFound("service", service)
        url = base.rstrip("/") + upstream_path(path)
        if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
            raise HTTPException(413, "a command is at most 1 MiB")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:  # a chunked body announces no length
            raise HTTPException(413, "a command is at most 1 MiB")
        headers = {name: value for name in FORWARDED_REQUEST_HEADERS if (value := request.headers.get(name))}
        client: httpx.AsyncClient = request.app.state.client
        try:
            answer = await client.request(
                request.method, url, params=request.url.query or None, content=body, headers=headers
            )
        except httpx.TransportError as exc:
            # The page keeps the command queued and sends it again later: a 503, as for a database.
            raise DependencyUnavailable(f"{service} does not answer") from exc
        kept = {name: value for name in FORWARDED_RESPONSE_HEADERS if (value := answer.headers.get(name))}
        kept.setdefault("cache-control", "no-store")  # answers are the caller's, never a cache's
        kept["x-content-type-options"] = "nosniff"
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    for method in ("GET", "POST"):  # one route per method: each its own OpenAPI operation
        router.add_api_route(
            "/api/{service}/{path:path}",
            forward,
            methods=[method],
            operation_id=f"forward_{method.lower()}",
            # Whatever the service answered, passed on; 404 for a service it does not know, 413 for a
            # body over 1 MiB, 503 when the service does not answer.
            responses={
                201: {"description": "Created (a command's answer, passed on)."},
                **error_responses(400, 401, 403, 404, 409, 413, 422, 503),
            },
            summary=f"Forward a {method} to a write service or the read API ('read'), with Authorization"
            " and Idempotency-Key",
        )
    return router
