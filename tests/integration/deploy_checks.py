"""Checks shared by the docker-compose and Kubernetes tests: what a deployment file promises about the
code (the processes exist and accept their arguments, the variables are settings, every write service
is deployed) is verified against the code itself. Pure file and subprocess checks: no server, no Docker.
"""

from __future__ import annotations

import importlib
import importlib.resources
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs pinned; only Draft7Validator is used
from pydantic_settings import BaseSettings

from demo.settings import DemoSettings
from govgrid.config import GovgridSettings
from services.projections.settings import ProjectionsSettings

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
K8S_DIR = REPO / "deploy" / "k8s"

# Values for the variables the deployment files require from the operator (tests only).
TEST_SECRETS = {
    "AUTH_ISSUER": "https://login.example.test/realms/govgrid",
    "INFORMANT_MASTER_KEY": "dGVzdC1vbmx5LWluZm9ybWFudC1tYXN0ZXIta2V5ISE=",  # base64 of 32 bytes
}


def write_services() -> list[str]:
    """Every write service in services/: a package run with ``python -m`` that has its own settings
    (the read side, services/projections, is deployed as a worker and a read API instead; the field app
    forwards to the write services; the alerts process only reads topics)."""
    return sorted(
        path.name
        for path in (REPO / "services").iterdir()
        if (path / "__main__.py").is_file()
        and (path / "settings.py").is_file()
        and path.name not in {"projections", "field", "alerts"}
    )


# ---------------------------------------------------------------- Compose


def compose_schema() -> dict[str, Any]:
    """The Compose specification's JSON Schema, as vendored by the pinned check-jsonschema."""
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))
    return schema


def compose_errors(document: object) -> list[str]:
    """Every violation of the Compose specification in ``document`` (empty when valid)."""
    schema = compose_schema()
    assert "draft-07" in schema["$schema"]  # named without the trailing '#' that jsonschema looks up
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    )


_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(LookupError):
    """A ``${VAR:?message}`` whose variable is not set: compose refuses to start, with the message."""


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable interpolation: ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
    ``${VAR:?error}``, ``${VAR?error}`` and ``$$``."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg") or ""
        value = env.get(name)
        empty = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in (":-", "-"):
            return arg if empty else str(value)
        if op in (":?", "?"):
            if empty:
                raise MissingVariable(f"{name}: {arg}")
            return str(value)
        return value or ""

    return _VARIABLE.sub(substitute, text)


def environment_of(service: dict[str, Any], env: dict[str, str]) -> dict[str, str]:
    """A compose service's environment (mapping or list form), interpolated."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {str(key): interpolate(str(value), env) for key, value in raw.items()}


# ---------------------------------------------------------------- processes


@dataclass(frozen=True)
class Process:
    """One container's process: where it is declared, its argv and its environment."""

    where: str
    argv: tuple[str, ...]
    env: dict[str, str]

    @property
    def module(self) -> str | None:
        """The module of ``python -m MODULE ...`` (None for ``python -c``)."""
        if len(self.argv) >= 3 and self.argv[0] == "python" and self.argv[1] == "-m":
            return self.argv[2]
        return None

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[3:]

    @property
    def inline_code(self) -> str | None:
        if len(self.argv) == 3 and self.argv[0] == "python" and self.argv[1] == "-c":
            return self.argv[2]
        return None


def settings_class(module: str | None) -> type[BaseSettings]:
    """The settings class a process reads its environment with."""
    if module is None or module.startswith("govgrid."):
        return GovgridSettings  # the relay, and the topic creation script
    if module == "services.projections" or module.startswith("services.projections."):
        return ProjectionsSettings
    if module == "demo":
        return DemoSettings
    service = module.split(".")[1]
    settings_module = importlib.import_module(f"services.{service}.settings")
    classes = [
        value
        for value in vars(settings_module).values()
        if isinstance(value, type)
        and issubclass(value, GovgridSettings)
        and value.__module__ == settings_module.__name__  # not the kit's base it imports
    ]
    assert len(classes) == 1, f"services.{service}.settings should define one settings class: {classes}"
    return classes[0]


def setting_names(cls: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads: its field names in upper case."""
    return {name.upper() for name in cls.model_fields}


# Run a process's real entry point up to the moment it would serve: argparse and click parse the real
# arguments, uvicorn.run receives the app built from the real settings (its routes are printed), the
# worker's topic creation is skipped, and a plain asyncio process stops at its database pool. Nothing
# connects to a server.
_PROBE = r"""
import argparse, json, runpy, sys
module, args = sys.argv[1], sys.argv[2:]

def done(kind, **extra):
    print("COMMAND-OK " + json.dumps({"kind": kind, **extra}), flush=True)
    raise SystemExit(0)

parse_args = argparse.ArgumentParser.parse_args
def parse_then_stop(self, *a, **k):
    parse_args(self, *a, **k)
    done("argparse")
argparse.ArgumentParser.parse_args = parse_then_stop

import click
invoke = click.Command.invoke
def invoke_then_stop(self, ctx):
    if isinstance(self, click.Group):
        return invoke(self, ctx)
    done("click", command=self.name)
click.Command.invoke = invoke_then_stop

import uvicorn
from starlette.routing import Match
CANDIDATE_PATHS = ("/healthz", "/readyz", "/metrics", "/docs", "/dashboard/")
def serves(app, path):
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)
uvicorn.run = lambda app, **kw: done(
    "uvicorn", host=kw.get("host"), port=kw.get("port"), paths=[p for p in CANDIDATE_PATHS if serves(app, p)]
)

import govgrid.kafka
async def no_topics(*a, **k):
    return None
govgrid.kafka.ensure_topics = no_topics

# A process with no command line nor web app (the alerts process) has read its settings when it
# first asks for its database.
import govgrid.db
async def no_database(*a, **k):
    done("asyncio")
govgrid.db.create_pool = no_database

sys.argv = [module, *args]
runpy.run_module(module, run_name="__main__", alter_sys=True)
print("COMMAND-RETURNED", flush=True)
"""


def clean_env(env: dict[str, str]) -> dict[str, str]:
    """The process's environment on top of a minimal one (none of the test session's settings)."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**base, "PYTHONPATH": str(REPO), **env}


def probe(process: Process, cwd: Path) -> dict[str, Any]:
    """Run ``process`` up to its start; return what it reached (kind, and for a web app its routes).

    Fails with the process's output when the module is missing, refuses its arguments, or its
    settings refuse the environment.
    """
    module = process.module
    assert module is not None, f"{process.where}: not a `python -m MODULE` command: {process.argv}"
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{process.where}: module {module} does not exist"
    assert spec.submodule_search_locations is None or importlib.util.find_spec(f"{module}.__main__"), (
        f"{process.where}: package {module} has no __main__"
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, module, *process.args],
        env=clean_env(process.env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    marker = [line for line in result.stdout.splitlines() if line.startswith("COMMAND-OK ")]
    assert result.returncode == 0 and marker, (
        f"{process.where}: `{' '.join(process.argv)}` does not start:\n{result.stdout}\n{result.stderr}"
    )
    reached: dict[str, Any] = json.loads(marker[-1].removeprefix("COMMAND-OK "))
    return reached


_TOPICS_PROBE = r"""
import json, sys
import govgrid.kafka
calls = []
async def record(bootstrap, partitions_by_topic, replication_factor=1):
    calls.append({"bootstrap": bootstrap, "topics": dict(partitions_by_topic), "rf": replication_factor})
govgrid.kafka.ensure_topics = record
exec(compile(sys.argv[1], "<inline>", "exec"), {"__name__": "__main__"})
print("TOPICS " + json.dumps(calls))
"""


def topics_created_by(code: str, env: dict[str, str], cwd: Path) -> list[dict[str, Any]]:
    """The ensure_topics calls an inline ``python -c`` script makes (recorded, not sent to Kafka)."""
    result = subprocess.run(
        [sys.executable, "-c", _TOPICS_PROBE, code],
        env=clean_env(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("TOPICS ")]
    assert result.returncode == 0 and lines, f"the topic script fails:\n{result.stdout}\n{result.stderr}"
    calls: list[dict[str, Any]] = json.loads(lines[-1].removeprefix("TOPICS "))
    return calls


def check_env_names(process: Process) -> None:
    """Every variable given to a govgrid process is a field of the settings class it reads."""
    known = setting_names(settings_class(process.module))
    unknown = sorted(set(process.env) - known)
    assert not unknown, (
        f"{process.where}: {unknown} are not settings of {settings_class(process.module).__name__}"
    )


# ---------------------------------------------------------------- Dockerfile


def dockerfile_copy_sources(text: str) -> tuple[list[str], list[str]]:
    """(sources of COPY/ADD from the build context, stages named by COPY --from)."""
    joined = re.sub(r"\\\n", " ", text)
    sources: list[str] = []
    stages: list[str] = []
    for line in joined.splitlines():
        words = line.split()
        if not words or words[0].upper() not in ("COPY", "ADD"):
            continue
        flags = [w for w in words[1:] if w.startswith("--")]
        paths = [w for w in words[1:] if not w.startswith("--")]
        from_stage = [f.split("=", 1)[1] for f in flags if f.startswith("--from=")]
        if from_stage:
            stages += from_stage
        else:
            sources += paths[:-1]
    return sources, stages


def dockerfile_stages(text: str) -> list[str]:
    return re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, flags=re.MULTILINE | re.IGNORECASE)
