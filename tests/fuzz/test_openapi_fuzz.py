"""Property-based fuzzing of every service's OpenAPI document with Schemathesis (issue 16.8).

Every service with an HTTP API (the five write services, the read API and the field app's forwarder;
alerts has none) runs once for the whole session under uvicorn, as in production, on real PostgreSQL
and Kafka from the fixtures, each in a schema of its own; the forwarder forwards to the others. For
every operation of every document, Schemathesis generates requests (valid and invalid) and sends them
with a city admin's token and without a token. No answer may be a 5xx, and every answer must be one the
document declares, with the content type and body schema it declares.

Bounded for CI: a fixed number of examples per operation and kind of data (``WITH_TOKEN``,
``WITHOUT_TOKEN``), derandomised so that every run sends the same requests (a failure here is
reproducible, and new cases come from a change of the documents or of the bounds, not from luck), no
shrinking (the first failing request is reported, with a curl line) and no deadline per example (the
machine is shared).
"""

from __future__ import annotations

import asyncio
import importlib
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.config import GovgridSettings
from govgrid.config import get_settings
from govgrid.testing.servers import free_ports

pytestmark = [
    pytest.mark.e2e,
    # Schemathesis' own strategies use `random`; nothing of ours to change.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

WRITE_SERVICES = ("appointments", "mediation", "outreach", "patrols", "tips")
SERVICES = (*WRITE_SERVICES, "projections", "field")
WITH_TOKEN, WITHOUT_TOKEN = 4, 1
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Probes, not inputs: /readyz is a 503 while a dependency is not ready, which is its purpose.
NOT_FUZZED = r"^/(healthz|readyz|metrics)$"
# A stream that never ends when the token is good: fuzzed without a token only.
ENDLESS = r"^/live$"


def settings_of(service: str, **values: Any) -> GovgridSettings:
    module = importlib.import_module(f"services.{service}.settings")
    name = "ProjectionsSettings" if service == "projections" else f"{service.capitalize()}Settings"
    made: GovgridSettings = getattr(module, name)(**values)
    return made


class Platform:
    """The services served by uvicorn on one event loop in a thread of its own."""

    def __init__(self, database_url: str, kafka_bootstrap: str) -> None:
        first_port = free_ports(len(SERVICES))
        self.urls = {s: f"http://127.0.0.1:{first_port + i}" for i, s in enumerate(SERVICES)}
        run = uuid.uuid4().hex[:8]
        common = {"database_url": database_url, "kafka_bootstrap_servers": kafka_bootstrap}
        upstreams = {f"{s}_url": self.urls[s] for s in WRITE_SERVICES} | {
            "read_api_url": self.urls["projections"]
        }
        self.servers = []
        for i, service in enumerate(SERVICES):
            extra = upstreams if service == "field" else {"database_schema": f"fuzz_{service}_{run}"}
            app = importlib.import_module(f"services.{service}.main").create_app(
                settings_of(service, **common, **extra, http_port=first_port + i)
            )
            config = uvicorn.Config(app, host="127.0.0.1", port=first_port + i, log_level="warning")
            self.servers.append(uvicorn.Server(config))
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    async def _serve(self) -> None:
        await asyncio.gather(*(server.serve() for server in self.servers))

    def __enter__(self) -> Platform:
        self._thread.start()
        deadline = time.monotonic() + 120
        while not all(server.started for server in self.servers):
            assert self._thread.is_alive(), "a service did not start (see its log above)"
            assert time.monotonic() < deadline, "the services did not start in 120 s"
            time.sleep(0.1)
        return self

    def __exit__(self, *_: object) -> None:
        for server in self.servers:
            server.should_exit = True
        self._thread.join(timeout=60)


@pytest.fixture(scope="session")
def platform(database_url: str, kafka_bootstrap: str) -> Iterator[Platform]:
    with Platform(database_url, kafka_bootstrap) as running:
        yield running


ADMIN = {"Authorization": f"Bearer {mint_token(get_settings(), 'fuzzer', Role.CITY_ADMIN, [])}"}
BOUNDS = settings(
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing request is reported
    suppress_health_check=list(HealthCheck),
    database=None,
)


def failures(url: str, examples: dict[GenerationMode, int], headers: dict[str, str]) -> list[str]:
    """Every operation of the document at ``url`` fuzzed with ``examples`` requests per kind of data
    (valid, invalid), sent with ``headers``; what went wrong, per operation."""
    found = []
    for loaded in schemathesis.openapi.from_url(f"{url}/openapi.json").get_all_operations():
        assert isinstance(loaded, Ok), loaded.err()
        operation = loaded.ok()
        if re.match(NOT_FUZZED, operation.path) or (headers and re.match(ENDLESS, operation.path)):
            continue
        for mode, count in examples.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(BOUNDS, max_examples=count)
            def sent(case: Any) -> None:
                if not headers and case.headers:  # nor one the document's examples would add
                    case.headers.pop("Authorization", None)
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

            try:
                sent()
            except Unsatisfiable:  # every value of every parameter is valid: no invalid request exists
                assert mode is GenerationMode.NEGATIVE, operation.path
            except (
                Exception,
                BaseExceptionGroup,
            ) as failure:  # every operation is tried; each failure is reported
                found.append(f"{operation.method.upper()} {operation.path} ({mode}): {failure}"[:2000])
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_a_city_admins_requests_never_get_a_5xx_or_an_undocumented_answer(
    platform: Platform, service: str
) -> None:
    examples = {GenerationMode.POSITIVE: WITH_TOKEN, GenerationMode.NEGATIVE: WITH_TOKEN // 2}
    assert failures(platform.urls[service], examples, ADMIN) == []


@pytest.mark.parametrize("service", SERVICES)
def test_requests_without_a_token_never_get_a_5xx_or_an_undocumented_answer(
    platform: Platform, service: str
) -> None:
    examples = {GenerationMode.POSITIVE: WITHOUT_TOKEN, GenerationMode.NEGATIVE: WITHOUT_TOKEN}
    assert failures(platform.urls[service], examples, {}) == []
