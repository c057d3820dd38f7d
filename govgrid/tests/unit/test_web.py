"""Error mapping and health endpoints, on small test apps."""

from __future__ import annotations

import asyncio
import json
import logging
from io import StringIO
from uuid import UUID

import asyncpg  # type: ignore[import-untyped,unused-ignore]  # asyncpg ships no type hints
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pydantic import Field

from govgrid.config import GovgridSettings
from govgrid.errors import ConcurrencyConflict
from govgrid.errors import DependencyUnavailable
from govgrid.errors import Forbidden
from govgrid.errors import IdempotencyKeyReused
from govgrid.errors import NotFound
from govgrid.errors import RuleBroken
from govgrid.errors import Unauthenticated
from govgrid.observability import JsonLogFormatter
from govgrid.web.errors import install_error_handlers
from govgrid.web.health import ReadyCheck
from govgrid.web.health import health_router
from govgrid.web.health import postgres_ready_check
from govgrid.web.middleware import install_observability

pytestmark = pytest.mark.unit

SETTINGS = GovgridSettings(service_name="test-web", retry_after_seconds=7)
SECRET = "password=hunter2"


class NewUnit(BaseModel):
    name_zh: str = Field(min_length=1)
    code: str


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, SETTINGS)
    install_observability(app, SETTINGS)

    @app.post("/units")
    async def create_unit(unit: NewUnit) -> NewUnit:
        return unit

    @app.get("/units/{code}")
    async def get_unit(code: str) -> None:
        raise NotFound("unit", code)

    @app.post("/rule-broken")
    async def rule_broken() -> None:
        raise RuleBroken("unit_closed", "unit V1 is closed")

    @app.post("/conflict")
    async def conflict() -> None:
        raise ConcurrencyConflict("unit-V1", 3, 4)

    @app.post("/key-reused")
    async def key_reused() -> None:
        raise IdempotencyKeyReused("k-1")

    @app.get("/unauthenticated")
    async def unauthenticated() -> None:
        raise Unauthenticated("token expired")

    @app.get("/forbidden")
    async def forbidden() -> None:
        raise Forbidden("outside your jurisdiction")

    @app.get("/kafka-down")
    async def kafka_down() -> None:
        raise DependencyUnavailable("kafka unreachable")

    @app.get("/postgres-down")
    async def postgres_down() -> None:
        raise asyncpg.exceptions.PostgresConnectionError("connection was closed in the middle of operation")

    @app.get("/postgres-refused")
    async def postgres_refused() -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    @app.get("/pool-timeout")
    async def pool_timeout() -> None:
        raise TimeoutError

    @app.get("/invalid-inside")
    async def invalid_inside() -> None:
        NewUnit.model_validate({"name_zh": "", "code": "V1"})

    @app.get("/closed-under-transaction")
    async def closed_under_transaction() -> None:
        raise asyncpg.InterfaceError(
            "cannot call Transaction.__aexit__(): the underlying connection is closed"
        )

    @app.get("/driver-misuse")
    async def driver_misuse() -> None:
        raise asyncpg.InterfaceError("the server expects 0 arguments for this query, 1 was passed")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(SECRET)

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app(), raise_server_exceptions=False)


def assert_correlation_id(body: dict[str, object]) -> None:
    assert isinstance(body["correlation_id"], str)
    UUID(body["correlation_id"])


def test_bad_json_body_is_422_with_field_and_reason(client: TestClient) -> None:
    response = client.post("/units", content=b'{"name_zh": ', headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert body["detail"] == [{"field": "body.12", "reason": "JSON decode error"}]
    assert_correlation_id(body)


def test_missing_and_empty_fields_are_422_with_dotted_field(client: TestClient) -> None:
    response = client.post("/units", json={"name_zh": ""})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "body.name_zh", "reason": "String should have at least 1 character"},
        {"field": "body.code", "reason": "Field required"},
    ]


def test_pydantic_error_inside_a_handler_is_422(client: TestClient) -> None:
    response = client.get("/invalid-inside")

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "name_zh", "reason": "String should have at least 1 character"}
    ]


def test_not_found_is_404(client: TestClient) -> None:
    response = client.get("/units/V9")

    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert body["detail"] == "unit 'V9' not found"
    assert_correlation_id(body)


def test_unknown_route_is_404_in_the_same_shape(client: TestClient) -> None:
    response = client.get("/no-such-route")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert_correlation_id(response.json())


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/rule-broken", "unit_closed"),
        ("/conflict", "version_conflict"),
        ("/key-reused", "idempotency_key_reused"),
    ],
)
def test_rule_broken_is_409_with_its_code(client: TestClient, path: str, code: str) -> None:
    response = client.post(path)

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == code
    assert isinstance(body["detail"], str)
    assert_correlation_id(body)


def test_unauthenticated_is_401_with_www_authenticate(client: TestClient) -> None:
    response = client.get("/unauthenticated")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthenticated"
    assert response.json()["detail"] == "token expired"


def test_forbidden_is_403(client: TestClient) -> None:
    response = client.get("/forbidden")

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert_correlation_id(response.json())


@pytest.mark.parametrize(
    "path",
    ["/kafka-down", "/postgres-down", "/postgres-refused", "/pool-timeout", "/closed-under-transaction"],
)
def test_unavailable_dependency_is_503_with_retry_after(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    body = response.json()
    assert body["error"] == "dependency_unavailable"
    assert "5432" not in response.text
    assert_correlation_id(body)


def test_unexpected_error_is_500_without_traceback_but_logged_with_one(client: TestClient) -> None:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter("test-web"))
    logging.getLogger("govgrid.web.errors").addHandler(handler)
    try:
        response = client.get("/boom")
    finally:
        logging.getLogger("govgrid.web.errors").removeHandler(handler)

    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"error", "detail", "correlation_id"}
    assert (body["error"], body["detail"]) == ("internal_error", "internal error")
    assert_correlation_id(body)
    assert "Traceback" not in response.text
    assert SECRET not in response.text
    assert response.headers["X-Correlation-ID"] == body["correlation_id"]
    logged = json.loads(stream.getvalue())
    assert logged["correlation_id"] == body["correlation_id"]
    assert "Traceback" in logged["exc_info"]
    assert SECRET in logged["exc_info"]


def test_debug_app_is_refused() -> None:
    with pytest.raises(ValueError, match="debug"):
        install_error_handlers(FastAPI(debug=True), SETTINGS)


def passing() -> ReadyCheck:
    async def check() -> None:
        return None

    return check


def failing() -> ReadyCheck:
    async def check() -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 5432)")

    return check


def hanging() -> ReadyCheck:
    async def check() -> None:
        await asyncio.sleep(3600)

    return check


def health_client(checks: dict[str, ReadyCheck]) -> TestClient:
    app = FastAPI()
    app.include_router(health_router(checks, retry_after_seconds=7, check_timeout_seconds=0.05))
    return TestClient(app)


def test_healthz_is_200() -> None:
    response = health_client({"postgres": failing()}).get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_every_check_passes() -> None:
    response = health_client({"postgres": passing(), "kafka": passing()}).get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"postgres": "ok", "kafka": "ok"}}


def test_readyz_is_503_when_a_check_fails() -> None:
    response = health_client({"postgres": failing(), "kafka": passing()}).get("/readyz")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.json() == {
        "status": "not_ready",
        "checks": {"postgres": "ConnectionRefusedError", "kafka": "ok"},
    }


def test_readyz_is_503_when_a_check_hangs() -> None:
    response = health_client({"postgres": hanging()}).get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "checks": {"postgres": "timeout"}}


def test_a_failing_check_is_logged_once_not_once_per_probe(caplog: pytest.LogCaptureFixture) -> None:
    client = health_client({"postgres": failing(), "kafka": passing()})
    caplog.set_level(logging.INFO, logger="govgrid.web.health")

    answers = [client.get("/readyz").status_code for _ in range(20)]

    assert answers == [503] * 20
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith("ready check postgres away: ConnectionRefusedError(111,")


def test_metrics_is_prometheus_text() -> None:
    response = health_client({}).get("/metrics")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert "# TYPE http_requests_total counter" in response.text


class FakePool:
    def __init__(self) -> None:
        self.queries: list[str] = []

    async def fetchval(self, query: str) -> int:
        self.queries.append(query)
        return 1


async def test_postgres_ready_check_selects_one() -> None:
    pool = FakePool()

    await postgres_ready_check(pool)()

    assert pool.queries == ["SELECT 1"]


def test_a_programming_error_of_the_driver_is_a_500_not_an_outage(client: TestClient) -> None:
    answer = client.get("/driver-misuse")
    assert answer.status_code == 500
    assert "Retry-After" not in answer.headers
