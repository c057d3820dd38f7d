"""Correlation ids, JSON log lines, logging setup and the observability middleware."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from govgrid.config import GovgridSettings
from govgrid.errors import NotFound
from govgrid.observability import JsonLogFormatter
from govgrid.observability import bind_correlation_id
from govgrid.observability import configure_logging
from govgrid.observability import current_correlation_id
from govgrid.web.errors import install_error_handlers
from govgrid.web.middleware import install_observability

pytestmark = pytest.mark.unit

SETTINGS = GovgridSettings(service_name="test-observability")
CALLER_ID = "6f1c3b0e-4a52-4f3e-9d6c-2b7a1e0c9f11"


class Capture:
    """JSON log lines written by one logger while the test runs."""

    def __init__(self, stream: StringIO) -> None:
        self.stream = stream

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


def capture(name: str) -> Iterator[Capture]:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter("test-observability"))
    logger = logging.getLogger(name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield Capture(stream)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def test_log() -> Iterator[Capture]:
    yield from capture("govgrid.test")


@pytest.fixture
def access_log() -> Iterator[Capture]:
    yield from capture("govgrid.access")


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield root
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app, SETTINGS)
    install_observability(app, SETTINGS)

    @app.get("/units/{code}")
    async def get_unit(code: str) -> dict[str, str | None]:
        if code == "missing":
            raise NotFound("unit", code)
        # What the route sees is what the response echoes.
        return {"code": code, "correlation_id": current_correlation_id()}

    return TestClient(app)


def test_correlation_id_is_bound_inside_the_block_only() -> None:
    assert current_correlation_id() is None
    with bind_correlation_id("abc"):
        assert current_correlation_id() == "abc"
    assert current_correlation_id() is None


def test_log_line_is_one_json_object_with_context_and_extras(test_log: Capture) -> None:
    with bind_correlation_id(CALLER_ID):
        logging.getLogger("govgrid.test").info("unit %s opened", "V1", extra={"unit_code": "V1", "count": 3})

    [line] = test_log.lines()
    assert line["message"] == "unit V1 opened"
    assert line["level"] == "INFO"
    assert line["logger"] == "govgrid.test"
    assert line["service"] == "test-observability"
    assert line["correlation_id"] == CALLER_ID
    assert (line["unit_code"], line["count"]) == ("V1", 3)
    assert line["time"].endswith("+00:00")
    assert "exc_info" not in line


def test_exception_is_one_exc_info_field(test_log: Capture) -> None:
    try:
        raise ValueError("bad value")
    except ValueError:
        logging.getLogger("govgrid.test").exception("failed")

    [line] = test_log.lines()
    assert line["correlation_id"] is None
    assert "Traceback" in line["exc_info"]
    assert "ValueError: bad value" in line["exc_info"]


def test_configure_logging_twice_keeps_one_handler(root_logger: logging.Logger) -> None:
    configure_logging(GovgridSettings(log_level="debug"))
    configure_logging(GovgridSettings(log_level="debug"))

    ours = [handler for handler in root_logger.handlers if isinstance(handler.formatter, JsonLogFormatter)]
    assert len(ours) == 1
    assert root_logger.level == logging.DEBUG


def test_caller_correlation_id_is_used_and_echoed(client: TestClient, access_log: Capture) -> None:
    response = client.get("/units/V1", headers={"X-Correlation-ID": CALLER_ID})

    assert response.headers["X-Correlation-ID"] == CALLER_ID
    assert response.json()["correlation_id"] == CALLER_ID
    [line] = access_log.lines()
    assert line["correlation_id"] == CALLER_ID
    assert (line["method"], line["route"], line["status"]) == ("GET", "/units/{code}", 200)
    assert line["duration_ms"] >= 0


@pytest.mark.parametrize("header", [None, "", "not-a-uuid", "x" * 500])
def test_correlation_id_is_generated_when_absent_or_not_a_uuid(
    client: TestClient, header: str | None
) -> None:
    headers = {} if header is None else {"X-Correlation-ID": header}

    response = client.get("/units/V1", headers=headers)

    generated = response.headers["X-Correlation-ID"]
    assert UUID(generated).version == 4
    assert response.json()["correlation_id"] == generated


def test_error_body_carries_the_request_correlation_id(client: TestClient) -> None:
    response = client.get("/units/missing", headers={"X-Correlation-ID": CALLER_ID})

    assert response.status_code == 404
    assert response.json()["correlation_id"] == CALLER_ID
    assert response.headers["X-Correlation-ID"] == CALLER_ID


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, {"service": "test-observability", **labels}) or 0.0


def test_metrics_are_labelled_with_the_route_template(client: TestClient) -> None:
    labels = {"method": "GET", "route": "/units/{code}"}
    requests_before = sample("http_requests_total", {**labels, "status": "404"})
    observed_before = sample("http_request_seconds_count", labels)

    client.get("/units/missing")

    assert sample("http_requests_total", {**labels, "status": "404"}) == requests_before + 1
    assert sample("http_request_seconds_count", labels) == observed_before + 1
    assert REGISTRY.get_sample_value("http_requests_total", {**labels, "route": "/units/missing"}) is None


def test_unrouted_request_is_labelled_unmatched(client: TestClient) -> None:
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    before = sample("http_requests_total", labels)

    client.get("/nowhere/123")

    assert sample("http_requests_total", labels) == before + 1


def test_unknown_method_is_labelled_other(client: TestClient) -> None:
    labels = {"method": "OTHER", "route": "/units/{code}", "status": "405"}
    before = sample("http_requests_total", labels)

    client.request("BREW", "/units/V1")

    assert sample("http_requests_total", labels) == before + 1
