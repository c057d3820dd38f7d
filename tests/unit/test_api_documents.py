"""The published API documents pass the official validators: every service's OpenAPI document
(openapi-spec-validator) and the events' AsyncAPI document (the @asyncapi/parser of npm, run by node
from tools/asyncapi, which `make lint` installs). Tools such as Swagger UI, AsyncAPI Studio or a code
generator load only documents these accept."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

REPO = Path(__file__).resolve().parents[2]
SERVICES = sorted(path.parent.name for path in (REPO / "services").glob("*/main.py"))
ASYNCAPI_CHECK = REPO / "tools" / "asyncapi"


def test_every_service_has_an_api() -> None:
    assert SERVICES == ["appointments", "field", "mediation", "outreach", "patrols", "projections", "tips"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_openapi_document_is_valid(service: str) -> None:
    document: dict[str, Any] = importlib.import_module(f"services.{service}.main").create_app().openapi()

    validate(document)  # raises with the path of the first problem
    assert document["paths"]


def test_every_operation_keeps_its_path_method_and_operation_id() -> None:
    """A client generated from a document calls operations by their operationId: one renamed by a
    refactoring (a route is named after its handler) breaks it. Change api_operations.txt only on
    purpose (a new route, or a rename announced to the clients)."""
    operations = [
        f"{service} {method.upper()} {path} {operation.get('operationId')}"
        for service in SERVICES
        for path, methods in sorted(
            importlib.import_module(f"services.{service}.main").create_app().openapi()["paths"].items()
        )
        for method, operation in sorted(methods.items())
    ]
    assert operations == (REPO / "tests" / "unit" / "api_operations.txt").read_text().splitlines()


def test_the_asyncapi_document_passes_the_official_parser() -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed to run the AsyncAPI parser"
    assert (ASYNCAPI_CHECK / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        "the AsyncAPI parser is not installed: make tools/asyncapi/node_modules/.package-lock.json"
    )

    checked = subprocess.run(
        [node, str(ASYNCAPI_CHECK / "validate.mjs"), str(REPO / "schemas" / "asyncapi.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid AsyncAPI 3.0.0" in checked.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_every_day_and_number_a_caller_sends_in_a_path_or_query_is_bounded(service: str) -> None:
    """Year 9999 overflowed ``day + 1`` and offsets of 2**63 reached the driver (500s): every date and
    integer parameter declares both bounds, so FastAPI answers 422 and the document says why."""
    document: dict[str, Any] = importlib.import_module(f"services.{service}.main").create_app().openapi()
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                for kind in schema.get("anyOf", [schema]):
                    if kind.get("format") == "date" and not {"formatMinimum", "formatMaximum"} <= (
                        kind.keys() | schema.keys()
                    ):
                        unbounded.append(f"{method} {path} {parameter['name']}")
                    if kind.get("type") == "integer" and not {"minimum", "maximum"} <= (
                        kind.keys() | schema.keys()
                    ):
                        unbounded.append(f"{method} {path} {parameter['name']}")
    assert unbounded == []
