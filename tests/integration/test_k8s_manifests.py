"""deploy/k8s/: every YAML document parsed and checked against the code, without a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_checks import K8S_DIR
from deploy_checks import TEST_SECRETS
from deploy_checks import Process
from deploy_checks import check_env_names
from deploy_checks import probe
from deploy_checks import topics_created_by
from deploy_checks import write_services

from govgrid.kafka import events_topic

WORKLOADS = ("Deployment", "Job")
# Processes that serve no HTTP, so no probe can ask them (faust --without-web; the alerts process):
# each retries its dependencies itself and exits on a crash, for the kubelet to restart it.
NO_HTTP = {"projections-worker": "--without-web", "alerts": "services.alerts"}
KUBERNETES_VERSION = "1.33.0"  # the oldest Kubernetes the manifests must run on


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    found = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document is not None:
                assert isinstance(document, dict), path
                assert {"apiVersion", "kind"} <= set(document), path
                document["__file__"] = path.name
                found.append(document)
    return found


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def config(documents: list[dict[str, Any]]) -> dict[str, str]:
    data: dict[str, str] = of_kind(documents, "ConfigMap")["govgrid-config"]["data"]
    return data


def secret_keys(documents: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {name: secret["stringData"] for name, secret in of_kind(documents, "Secret").items()}


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return found


def process_of(
    documents: list[dict[str, Any]], workload: dict[str, Any], container: dict[str, Any]
) -> Process:
    """The container's argv and the environment it would get (Secrets filled with test values)."""
    secrets = secret_keys(documents)
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env |= of_kind(documents, "ConfigMap")[source["configMapRef"]["name"]]["data"]
        else:
            env |= secrets[source["secretRef"]["name"]]
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            assert ref["key"] in secrets[ref["name"]], item
            env[item["name"]] = secrets[ref["name"]][ref["key"]]
    env |= {name: value for name, value in TEST_SECRETS.items() if name in env}
    where = f"{workload['__file__']} {workload['kind']} {workload['metadata']['name']}"
    return Process(where, tuple(container["command"]), env)


def test_every_document_is_a_namespaced_govgrid_object(documents: list[dict[str, Any]]) -> None:
    kinds = {d["kind"] for d in documents}
    assert {"Namespace", "ConfigMap", "Secret", "Deployment", "Service", "Job", "Ingress"} <= kinds
    for document in documents:
        if document["kind"] not in ("Namespace", "Kustomization"):
            assert document["metadata"]["namespace"] == "govgrid", document["metadata"]["name"]


def test_kustomization_lists_every_manifest_but_the_secret_template(documents: list[dict[str, Any]]) -> None:
    (kustomization,) = [d for d in documents if d["kind"] == "Kustomization"]
    manifests = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml", "secrets.example.yaml"}
    assert set(kustomization["resources"]) == manifests
    images = {
        c["image"] for kind in WORKLOADS for w in of_kind(documents, kind).values() for c in containers(w)
    }
    assert {image.rsplit(":", 1)[0] for image in images} == {kustomization["images"][0]["name"]}


def test_every_container_runs_the_project_image_with_a_command_that_exists(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    probed = 0
    for kind in WORKLOADS:
        for workload in of_kind(documents, kind).values():
            for container in containers(workload):
                assert container["image"] == "registry.example.org/govgrid/govgrid:0.1.0"
                process = process_of(documents, workload, container)
                check_env_names(process)
                if process.inline_code is None:
                    probe(process, tmp_path)
                    probed += 1
    assert probed == 2 * len(write_services()) + 4  # and the worker, the read API, the field app, alerts


def test_every_write_service_is_deployed_with_replicas_a_service_and_a_relay(
    documents: list[dict[str, Any]],
) -> None:
    deployments, services = of_kind(documents, "Deployment"), of_kind(documents, "Service")
    for name in write_services():
        (container,) = containers(deployments[name])
        assert container["command"] == ["python", "-m", f"services.{name}"]
        assert 2 <= deployments[name]["spec"]["replicas"] <= 3, name
        port = int(next(e["value"] for e in container["env"] if e["name"] == "HTTP_PORT"))
        assert container["ports"][0]["containerPort"] == port
        assert services[name]["spec"]["ports"][0]["port"] == port
        assert services[name]["spec"]["selector"] == deployments[name]["spec"]["selector"]["matchLabels"]
        assert container["resources"]["requests"] and container["resources"]["limits"]
        relay = deployments[f"{name}-relay"]
        assert containers(relay)[0]["command"][:5] == ["python", "-m", "govgrid.outbox", "--service", name]
        assert 1 <= relay["spec"]["replicas"] <= 2
    # only the tips service gets the informant master key, only the alerts process the webhooks' keys
    for name, deployment in deployments.items():
        env_names = {e["name"] for c in containers(deployment) for e in c.get("env", [])}
        assert ("INFORMANT_MASTER_KEY" in env_names) == (name == "tips"), name
        assert ("ALERT_RECEIVERS" in env_names) == (name == "alerts"), name


def test_every_serving_deployment_has_probes_on_paths_the_app_serves(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    for name, deployment in of_kind(documents, "Deployment").items():
        (container,) = containers(deployment)
        if name in NO_HTTP:
            assert NO_HTTP[name] in container["command"]
            assert "readinessProbe" not in container and "ports" not in container, name
            continue
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        probes = {kind: container[kind]["httpGet"] for kind in ("readinessProbe", "livenessProbe")}
        for get in probes.values():
            assert get["port"] in ports, name
        process = process_of(documents, deployment, container)
        if process.module == "govgrid.outbox":  # prometheus_client's server on --metrics-port
            command = container["command"]
            assert command[command.index("--metrics-port") + 1] == str(ports["metrics"])
            assert command[command.index("--metrics-host") + 1] == "0.0.0.0"
            assert {get["path"] for get in probes.values()} == {"/metrics"}
            continue
        app = probe(process, tmp_path)
        assert app["kind"] == "uvicorn" and app["host"] == "0.0.0.0" and app["port"] == ports["http"], name
        assert probes["readinessProbe"]["path"] == "/readyz", name
        assert probes["livenessProbe"]["path"] == "/healthz", name
        assert {"/readyz", "/healthz"} <= set(app["paths"]), name


def test_a_write_service_has_the_time_its_migrations_take_to_start(documents: list[dict[str, Any]]) -> None:
    # It migrates its event store before it serves; the liveness probe would kill a start still
    # rewriting a large events table (event store 0003) after about a minute, and roll it back.
    deployments = of_kind(documents, "Deployment")
    for name in write_services():
        (container,) = containers(deployments[name])
        startup = container["startupProbe"]
        assert startup["httpGet"]["path"] == "/healthz", name
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 30 * 60, name


def test_the_worker_is_scaled_within_the_topic_partitions(documents: list[dict[str, Any]]) -> None:
    worker = of_kind(documents, "Deployment")["projections-worker"]
    partitions = int(config(documents)["KAFKA_TOPIC_PARTITIONS"])
    assert 1 < worker["spec"]["replicas"] <= partitions


def test_alerts_run_once_so_that_no_alert_is_sent_twice(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    alerts = of_kind(documents, "Deployment")["alerts"]
    assert alerts["spec"]["replicas"] == 1 and alerts["spec"]["strategy"]["type"] == "Recreate"
    (container,) = containers(alerts)
    assert probe(process_of(documents, alerts, container), tmp_path) == {"kind": "asyncio"}


def test_kafka_is_a_three_node_cluster_that_keeps_two_copies_in_sync(documents: list[dict[str, Any]]) -> None:
    kafka = of_kind(documents, "StatefulSet")["kafka"]
    assert kafka["spec"]["replicas"] == 3
    (container,) = containers(kafka)
    env = {item["name"]: item["value"] for item in container["env"]}
    voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert voters == [f"{n}@kafka-{n}.kafka.govgrid.svc:9093" for n in range(3)]
    assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
    assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
    assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # The services reach every node, and create their topics with 3 copies.
    brokers = config(documents)["KAFKA_BOOTSTRAP_SERVERS"].split(",")
    assert brokers == [f"kafka-{n}.kafka.govgrid.svc:9092" for n in range(3)]
    assert int(config(documents)["KAFKA_REPLICATION_FACTOR"]) == 3
    assert of_kind(documents, "PodDisruptionBudget")["kafka"]["spec"]["maxUnavailable"] == 1


def test_postgres_is_a_cluster_with_a_synchronous_replica_and_fail_over(
    documents: list[dict[str, Any]],
) -> None:
    postgres = of_kind(documents, "Cluster")["govgrid-postgres"]
    assert postgres["apiVersion"] == "postgresql.cnpg.io/v1"
    spec = postgres["spec"]
    assert spec["instances"] == 3 and spec["minSyncReplicas"] >= 1 and spec["enablePDB"] is True
    assert spec["resources"]["requests"]
    assert spec["bootstrap"]["initdb"]["secret"]["name"] in secret_keys(documents)
    url = secret_keys(documents)["govgrid-secrets"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@govgrid-postgres-rw.govgrid.svc:5432/" in url


def test_every_workload_has_a_disruption_budget_readiness_and_resource_requests(
    documents: list[dict[str, Any]],
) -> None:
    budgets = {
        budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for budget in of_kind(documents, "PodDisruptionBudget").values()
    }
    for kind in ("Deployment", "StatefulSet"):
        for name, workload in of_kind(documents, kind).items():
            assert workload["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] in budgets, name
            for container in containers(workload):
                assert container["resources"]["requests"], name
                assert "readinessProbe" in container or name in NO_HTTP, name


def test_every_resource_validates_against_the_kubernetes_json_schemas(
    documents: list[dict[str, Any]],
) -> None:
    """kubernetes-validate ships the API's schemas (strict: no unknown field). The Kustomization and the
    CloudNativePG Cluster are not Kubernetes API kinds: their own tests above check them."""
    not_kubernetes = {"Kustomization", "Cluster"}
    validated = set()
    for document in documents:
        resource = {key: value for key, value in document.items() if key != "__file__"}
        if document["kind"] in not_kubernetes:
            continue
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        validated.add(document["kind"])
    assert validated == {
        "Namespace",
        "ConfigMap",
        "Secret",
        "Job",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "Ingress",
        "StatefulSet",
    }
    assert {d["kind"] for d in documents} - validated == not_kubernetes


def test_the_topics_job_creates_every_events_topic(documents: list[dict[str, Any]], tmp_path: Path) -> None:
    job = of_kind(documents, "Job")["govgrid-topics"]
    (container,) = containers(job)
    process = process_of(documents, job, container)
    assert process.inline_code is not None
    (call,) = topics_created_by(process.inline_code, process.env, tmp_path)
    partitions = int(config(documents)["KAFKA_TOPIC_PARTITIONS"])
    assert call["topics"] == {events_topic(name): partitions for name in write_services()}
    assert call["rf"] == int(config(documents)["KAFKA_REPLICATION_FACTOR"])
    assert call["bootstrap"] == config(documents)["KAFKA_BOOTSTRAP_SERVERS"]


def test_the_ingress_routes_to_the_read_api(documents: list[dict[str, Any]]) -> None:
    (ingress,) = of_kind(documents, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = of_kind(documents, "Service")[backend["name"]]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert service["spec"]["selector"]["app.kubernetes.io/name"] == "read-api"


def test_the_alerts_process_runs_alone(documents: list[dict[str, Any]]) -> None:
    """Its sender does not share undelivered rows with another process: one replica, never two during
    a rollout."""
    alerts = of_kind(documents, "Deployment")["alerts"]
    assert alerts["spec"]["replicas"] == 1 and alerts["spec"]["strategy"]["type"] == "Recreate"
    assert containers(alerts)[0]["command"] == ["python", "-m", "services.alerts"]
