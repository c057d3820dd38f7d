"""docker-compose.yml and deploy/docker/Dockerfile, checked without a Docker engine: the file is valid
Compose, and what it runs is what the code provides (modules, arguments, settings, ports, topics)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_checks import COMPOSE_FILE
from deploy_checks import DOCKERFILE
from deploy_checks import REPO
from deploy_checks import TEST_SECRETS
from deploy_checks import MissingVariable
from deploy_checks import Process
from deploy_checks import check_env_names
from deploy_checks import compose_errors
from deploy_checks import dockerfile_copy_sources
from deploy_checks import dockerfile_stages
from deploy_checks import environment_of
from deploy_checks import interpolate
from deploy_checks import probe
from deploy_checks import settings_class
from deploy_checks import topics_created_by
from deploy_checks import write_services

from govgrid.kafka import EVENTS_TOPIC_CONFIG
from govgrid.kafka import events_topic

INFRA = {"kafka", "postgres"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def services_of(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose["services"]
    return services


def project_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the project's own image (built from deploy/docker/Dockerfile)."""
    found = {}
    for name, service in services_of(compose).items():
        build = service.get("build")
        if build is not None:
            assert build["dockerfile"] == "deploy/docker/Dockerfile", name
            assert (REPO / build["context"] / build["dockerfile"]).is_file(), name
            found[name] = service
    return found


def process_of(name: str, service: dict[str, Any]) -> Process:
    command = service["command"]
    assert isinstance(command, list), f"{name}: use the exec (list) form of command"
    return Process(f"compose service {name}", tuple(command), environment_of(service, TEST_SECRETS))


def test_the_file_is_valid_compose(compose: dict[str, Any]) -> None:
    assert compose_errors(compose) == []


def test_a_broken_copy_is_caught(compose: dict[str, Any], tmp_path: Path) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["kafka"]["healthcheck"]["intervall"] = "10s"  # a typo
    broken["services"]["postgres"]["depends_on"] = {"kafka": {"condition": "when_it_feels_like_it"}}
    broken["services"]["read-api"]["ports"] = [{"target": 8100, "published": 8100, "protocl": "tcp"}]
    broken["services"]["topics"]["comand"] = broken["services"]["topics"].pop("command")
    broken["volumes"]["kafka-data"] = ["not", "a", "volume"]
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    errors = compose_errors(yaml.safe_load(path.read_text(encoding="utf-8")))
    joined = "\n".join(errors)
    assert "services/kafka/healthcheck: 'intervall' does not match" in joined
    assert "services/postgres/depends_on" in joined
    assert "services/read-api/ports/0" in joined
    assert "services/topics: 'comand' does not match" in joined
    assert "volumes/kafka-data" in joined
    assert len(errors) == 5, joined
    # ... and the project's own checks catch what the schema cannot: a service that does not exist.
    broken = copy.deepcopy(compose)
    broken["services"]["appointments"]["command"] = ["python", "-m", "services.appointmentz"]
    with pytest.raises(AssertionError, match="does not exist"):
        probe(process_of("appointments", broken["services"]["appointments"]), tmp_path)


def test_secrets_are_required_and_nothing_else(compose: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in TEST_SECRETS:
        assert f"${{{name}:?" in text, f"{name} must be required with a message"
        without = {key: value for key, value in TEST_SECRETS.items() if key != name}
        with pytest.raises(MissingVariable, match=name):
            interpolate(text, without)
    interpolate(text, TEST_SECRETS)  # every other variable has a default


def test_infrastructure_is_kafka_kraft_and_postgres_with_healthchecks_and_volumes(
    compose: dict[str, Any],
) -> None:
    services = services_of(compose)
    kafka, postgres = services["kafka"], services["postgres"]
    assert kafka["image"].startswith("apache/kafka:")
    kafka_env = environment_of(kafka, TEST_SECRETS)
    assert kafka_env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "kafka:9092" in kafka_env["KAFKA_ADVERTISED_LISTENERS"]
    assert "/opt/kafka/bin/" in " ".join(kafka["healthcheck"]["test"])
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    volumes = set(compose["volumes"])
    for service in (kafka, postgres):
        mounted = {str(volume).split(":", 1)[0] for volume in service["volumes"]}
        assert mounted & volumes, service["image"]
    assert kafka_env["KAFKA_LOG_DIRS"] in " ".join(kafka["volumes"])


def test_every_write_service_has_a_service_and_a_relay(compose: dict[str, Any]) -> None:
    services = services_of(compose)
    assert write_services(), "no write service found in services/"
    for name in write_services():
        assert services[name]["command"] == ["python", "-m", f"services.{name}"]
        relay = services[f"{name}-relay"]["command"]
        assert relay[:5] == ["python", "-m", "govgrid.outbox", "--service", name]
        # the relay publishes the schema the service writes its event store and outbox to
        env = environment_of(services[name], TEST_SECRETS)
        schema = env.get(
            "DATABASE_SCHEMA", settings_class(f"services.{name}").model_fields["database_schema"].default
        )
        relay_schema = relay[relay.index("--schema") + 1] if "--schema" in relay else name.replace("-", "_")
        assert schema == relay_schema, name
    assert services["projections-worker"]["command"][:4] == [
        "python",
        "-m",
        "services.projections.worker",
        "worker",
    ]
    assert services["read-api"]["command"] == ["python", "-m", "services.projections"]


def test_every_project_process_starts_with_its_arguments_and_environment(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    reached = {}
    for name, service in project_services(compose).items():
        process = process_of(name, service)
        check_env_names(process)
        if process.inline_code is None:
            reached[name] = probe(process, tmp_path)
    # the web apps were built from the compose environment: bound to every interface, on the port
    # the file publishes and checks health on, serving the path the healthcheck asks for
    for name, service in project_services(compose).items():
        if reached.get(name, {}).get("kind") != "uvicorn":
            continue
        app = reached[name]
        assert app["host"] == "0.0.0.0", name
        published = [str(port).rsplit(":", 1)[-1] for port in service.get("ports", [])]
        assert published == [str(app["port"])], name
        health = " ".join(service["healthcheck"]["test"])
        url = f"http://127.0.0.1:{app['port']}/"
        assert url in health, name
        assert health.split(url, 1)[1].split("'", 1)[0] in {p.lstrip("/") for p in app["paths"]}, name
    kinds = {name: info["kind"] for name, info in reached.items()}
    assert {kinds[name] for name in write_services()} == {"uvicorn"}
    assert {kinds[f"{name}-relay"] for name in write_services()} == {"argparse"}
    assert kinds["projections-worker"] == "click" and kinds["read-api"] == "uvicorn"
    assert kinds["demo"] == "argparse" and kinds["alerts"] == "asyncio"


def test_relays_healthchecks_ask_their_metrics_port(compose: dict[str, Any]) -> None:
    for name in write_services():
        relay = services_of(compose)[f"{name}-relay"]
        port = relay["command"][relay["command"].index("--metrics-port") + 1]
        assert f"http://127.0.0.1:{port}/metrics" in " ".join(relay["healthcheck"]["test"])


def test_the_topics_service_creates_every_events_topic_forever(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    topics = services_of(compose)["topics"]
    process = process_of("topics", topics)
    assert process.inline_code is not None
    calls = topics_created_by(process.inline_code, process.env, tmp_path)
    assert len(calls) == 1
    (call,) = calls
    assert call["bootstrap"] == "kafka:9092"
    assert call["topics"] == {events_topic(name): 6 for name in write_services()}
    assert call["rf"] == 1
    assert EVENTS_TOPIC_CONFIG["retention.ms"] == "-1"  # what ensure_topics gives every topic
    # the worker reads the same partition count (faust crashes on a mismatch)
    worker_env = environment_of(services_of(compose)["projections-worker"], TEST_SECRETS)
    assert worker_env["KAFKA_TOPIC_PARTITIONS"] == process.env["KAFKA_TOPIC_PARTITIONS"] == "6"


def test_depends_on_targets_exist_with_the_right_condition(compose: dict[str, Any]) -> None:
    services = services_of(compose)
    one_shot = {name for name, service in services.items() if service.get("restart") == "no"}
    assert one_shot == {"topics", "demo"}
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if target in one_shot:
                expected = "service_completed_successfully"
            elif "healthcheck" in services[target]:
                expected = "service_healthy"
            else:
                expected = "service_started"
            assert rule["condition"] == expected, f"{name} -> {target}"
    for name, service in project_services(compose).items():
        if name not in one_shot:
            assert {"postgres", "kafka", "topics"} <= set(service["depends_on"]), name
    # The demo sends commands to every write service, once they are ready, and only when asked for.
    assert set(services["demo"]["depends_on"]) == set(write_services())
    assert services["demo"]["profiles"] == ["demo"]
    for name in write_services():
        assert f"{name}" in services[f"{name}-relay"]["depends_on"]


def test_every_long_running_process_restarts_and_every_web_process_has_a_healthcheck(
    compose: dict[str, Any],
) -> None:
    for name, service in services_of(compose).items():
        if name not in ("topics", "demo"):
            assert service.get("restart") == "unless-stopped", name
    for name in [*write_services(), "read-api"]:
        assert "urllib.request" in " ".join(services_of(compose)[name]["healthcheck"]["test"]), name


def test_dockerfile_copies_only_what_exists_and_runs_as_non_root() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    sources, stages = dockerfile_copy_sources(text)
    assert sources, "no COPY found"
    for source in sources:
        assert (REPO / source).exists(), f"COPY source {source} is not in the repository"
    assert set(stages) <= set(dockerfile_stages(text))
    assert "npm ci" in text and "services/projections/dashboard/static/vendor/echarts.min.js" in text
    assert "FROM python:3.11-slim" in text
    assert "[dev]" not in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and not users[-1].startswith(("root", "0")), users
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for needed in (".venv", ".local", "**/node_modules", "artifacts"):
        assert needed in ignored
    for source in sources:  # nothing the Dockerfile copies is excluded from the build context
        assert source.rstrip("/") not in ignored, source
