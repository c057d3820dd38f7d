"""The forwarding app against a recording stand-in for the services: only the six upstreams, only plain
paths, the headers a command needs both ways, and a 4xx (or a 503 to retry) for everything else."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi import Request
from fastapi.responses import JSONResponse

from services.field.main import create_app
from services.field.settings import FieldSettings

SETTINGS = FieldSettings(
    appointments_url="http://appointments:1",
    patrols_url="http://patrols:2",
    tips_url="http://tips:3",
    mediation_url="http://mediation:4",
    outreach_url="http://outreach:5",
    read_api_url="http://read:6",
)


def upstream() -> tuple[FastAPI, list[dict[str, Any]]]:
    """Answers every request with what it received, and remembers it."""
    seen: list[dict[str, Any]] = []
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def echo(path: str, request: Request) -> JSONResponse:
        received = {
            "method": request.method,
            "url": str(request.url),
            "headers": dict(request.headers),
            "body": (await request.body()).decode(),
        }
        seen.append(received)
        return JSONResponse(
            received,
            status_code=409 if path.endswith("refuse") else 201,
            headers={"Idempotent-Replayed": "true", "Set-Cookie": "x=1", "X-Internal": "no"},
        )

    return app, seen


@pytest.fixture
async def field() -> AsyncIterator[tuple[httpx.AsyncClient, list[dict[str, Any]]]]:
    services, seen = upstream()
    app = create_app(SETTINGS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=services)) as to_services:
        app.state.client = to_services  # what the lifespan sets
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://field", follow_redirects=True
        ) as client:
            yield client, seen


@pytest.mark.parametrize(
    ("service", "host"),
    [
        ("appointments", "appointments:1"),
        ("patrols", "patrols:2"),
        ("tips", "tips:3"),
        ("mediation", "mediation:4"),
        ("outreach", "outreach:5"),
        ("read", "read:6"),
    ],
)
async def test_each_service_is_reached_at_its_address(
    field: tuple[httpx.AsyncClient, list[dict[str, Any]]], service: str, host: str
) -> None:
    client, seen = field
    answer = await client.get(f"/api/{service}/disputes/d1?overdue=true&on=2026-12-03")
    assert answer.status_code == 201
    assert [r["url"] for r in seen] == [f"http://{host}/disputes/d1?overdue=true&on=2026-12-03"]


async def test_a_command_goes_with_its_token_key_and_body_and_nothing_else(
    field: tuple[httpx.AsyncClient, list[dict[str, Any]]],
) -> None:
    client, seen = field
    answer = await client.post(
        "/api/mediation/disputes/d1/sessions",
        content=b'{"summary": "first"}',
        headers={
            "Authorization": "Bearer t0ken",
            "Idempotency-Key": "key-12345678",
            "Content-Type": "application/json",
            "Cookie": "session=secret",
            "X-Forwarded-For": "10.0.0.1",
        },
    )
    assert answer.status_code == 201
    [received] = seen
    assert (received["method"], received["body"]) == ("POST", '{"summary": "first"}')
    headers = received["headers"]
    assert (headers["authorization"], headers["idempotency-key"], headers["content-type"]) == (
        "Bearer t0ken",
        "key-12345678",
        "application/json",
    )
    assert "cookie" not in headers and "x-forwarded-for" not in headers
    # The answer keeps what the page reads (a replay is a replay), not the services' other headers.
    assert answer.headers["idempotent-replayed"] == "true"
    assert answer.headers["cache-control"] == "no-store"
    assert "set-cookie" not in answer.headers and "x-internal" not in answer.headers


async def test_a_refusal_comes_back_as_it_is(field: tuple[httpx.AsyncClient, list[dict[str, Any]]]) -> None:
    client, _ = field
    answer = await client.post("/api/tips/leads/l1/refuse", json={})
    assert answer.status_code == 409 and answer.json()["url"] == "http://tips:3/leads/l1/refuse"


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/api/projections-admin/anything", 404, "not_found"),
        ("GET", "/api/metrics/x", 404, "not_found"),
        ("GET", "/api/mediation/../metrics", 404, "not_found"),  # the client resolves "..": service "metrics"
        ("GET", "/api/mediation/%2E%2E/metrics", 422, "validation_failed"),
        ("GET", "/api/mediation/disputes/%2E%2E%2Fmetrics", 422, "validation_failed"),
        ("GET", "/api/mediation/disputes//x", 422, "validation_failed"),
        ("GET", "/api/mediation/disputes/a%20b", 422, "validation_failed"),
        ("GET", "/api/mediation/" + "x" * 600, 422, "validation_failed"),
        ("GET", "/api/mediation", 422, "validation_failed"),  # redirected to /api/mediation/: no path
        ("PUT", "/api/mediation/disputes", 405, "method_not_allowed"),
        ("DELETE", "/api/mediation/disputes/d1", 405, "method_not_allowed"),
    ],
)
async def test_bad_paths_are_refused_before_any_service_is_reached(
    field: tuple[httpx.AsyncClient, list[dict[str, Any]]], method: str, path: str, status: int, error: str
) -> None:
    client, seen = field
    answer = await client.request(method, path)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert seen == []


async def test_a_body_over_one_mebibyte_is_refused(
    field: tuple[httpx.AsyncClient, list[dict[str, Any]]],
) -> None:
    client, seen = field
    answer = await client.post("/api/patrols/patrols", content=b"x" * (1024 * 1024 + 1))
    assert (answer.status_code, answer.json()["error"]) == (413, "request_entity_too_large")
    assert seen == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_service_that_does_not_answer_is_a_503_to_retry() -> None:
    app = create_app(FieldSettings(mediation_url=f"http://127.0.0.1:{closed_port()}"))
    async with (
        httpx.AsyncClient(timeout=2) as to_services,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://field") as client,
    ):
        app.state.client = to_services
        answer = await client.post("/api/mediation/disputes", json={}, headers={"Idempotency-Key": "k" * 8})
    assert (answer.status_code, answer.json()["error"]) == (503, "dependency_unavailable")
    assert "retry-after" in answer.headers


async def test_the_app_is_served_and_home_leads_to_it(
    field: tuple[httpx.AsyncClient, list[dict[str, Any]]],
) -> None:
    client, seen = field
    home = await client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (307, "/app/")
    page = await client.get("/app/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert seen == []
