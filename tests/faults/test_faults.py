"""Faults survived with nothing lost (`make faults`; also part of `make test`).

One platform (3 Kafka brokers, two replicas of the appointments service, two relays, two projection
workers, the read API, all supervised) under a steady load of village registrations through the public
API. Meanwhile, one after the other, each fault is injected by process id, and the platform must be
ready and caught up again within 30 s, and whole again (the killed part back) within 30 s too but for
a Kafka node's JVM, bounded apart. Afterwards every acknowledged command must be in the event store
exactly once, on its topic, and in the read model; and the clients must have seen only 2xx, 409 on
their own retries, or 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from platform_under_faults import SERVICE
from platform_under_faults import Load
from platform_under_faults import Platform
from platform_under_faults import answer_kinds
from platform_under_faults import call
from platform_under_faults import runs

from govgrid.config import GovgridSettings
from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic
from govgrid.testing.kafka import read_topic

pytestmark = pytest.mark.e2e

RECOVERY_LIMIT_SECONDS = 30.0
# A killed Kafka node's own start (a JVM: 21-48 s measured on this shared 2-core machine, see
# docs/operations.md) is bounded apart: the cluster serves with two nodes meanwhile, so the platform
# is ready and caught up within RECOVERY_LIMIT_SECONDS all the same.
KAFKA_NODE_START_LIMIT_SECONDS = 90.0
RELAY_BATCH_SIZE: int = GovgridSettings.model_fields["relay_batch_size"].default
ALARM = re.compile(r'"level": "(WARNING|ERROR)"|\[(WARNING|ERROR)\]')  # JSON lines, faust's lines
# An outage is told once per interval (30 s) per dependency and client, not once per retry: a few
# lines per fault and process (the issue saw 15,000-23,000 ERROR lines per service for one outage).
ALARM_LINES_LIMIT = 60
CITY, TOWNSHIP = "CF01", "TF01"


@dataclass
class Fault:
    name: str
    detail: str
    served_after: float  # every service ready, the read model caught up
    whole_after: float  # and the killed Kafka node back in the cluster
    answers: Counter[str]


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = Platform()
    try:
        yield running
    finally:
        # Every process's log outlives the run, under pytest's temporary folders (the last 3 runs).
        running.stop_and_keep_logs(tmp_path_factory.mktemp("faults-logs"))


def setup_places(platform: Platform, token: str) -> None:
    base = f"http://127.0.0.1:{platform.api_port}"
    for unit in (
        {"code": CITY, "kind": "city", "name_zh": "市", "name_en": "City"},
        {"code": TOWNSHIP, "kind": "township", "name_zh": "镇", "name_en": "Town", "parent_code": CITY},
    ):
        status, _, answer = call("POST", f"{base}/org-units", token, unit, key=f"setup-{unit['code']}")
        assert status == 201, answer


def villages_seen(platform: Platform, token: str) -> int | None:
    status, _, summary = call("GET", f"http://127.0.0.1:{platform.read_port}/coverage/summary", token)
    return int(summary["villages"]) if status == 200 else None


def waiting_for(platform: Platform, load: Load, token: str, *, brokers: bool) -> str | None:
    """What is not back yet: a part not running, not ready, or the read model behind what was
    acknowledged before this check; None once everything is. With ``brokers`` false, a Kafka node
    still starting is not waited for (the cluster serves with two)."""
    acknowledged = len(load.acknowledged)
    down = [name for name, pid in platform.pids().items() if pid is None and (brokers or "kafka" not in name)]
    if down:
        return f"{', '.join(down)} running"
    servers = platform.infra_status()
    if not servers["postgres"]["up"]:
        return "postgres ready"
    starting = [f"kafka-{node['id']}" for node in servers["kafka"]["nodes"] if not node["up"]]
    if starting and brokers:
        return f"{', '.join(starting)} ready"
    # Both replicas listen on the port; a few asks reach both.
    for _ in range(4):
        if call("GET", f"http://127.0.0.1:{platform.api_port}/readyz", token)[0] != 200:
            return f"{SERVICE} ready"
    status, _, answer = call("GET", f"http://127.0.0.1:{platform.read_port}/readyz", token)
    if status != 200:
        checks = (answer or {}).get("checks", {})
        return f"read-api ready {[f'{name}: {result}' for name, result in checks.items() if result != 'ok']}"
    seen = villages_seen(platform, token)
    if seen is None or seen < acknowledged:
        return "read model caught up"
    return None


def measure_recovery(
    platform: Platform, load: Load, token: str, since: float, *, brokers: bool
) -> tuple[float, list[str]]:
    """Seconds until nothing is waited for, and what was waited for meanwhile (with when it was done)."""
    steps: list[str] = []
    current: str | None = ""
    while True:
        waiting = waiting_for(platform, load, token, brokers=brokers)
        if waiting != current:
            if current:
                steps.append(f"{current} at {time.monotonic() - since:.1f} s")
            current = waiting
        if waiting is None:
            return time.monotonic() - since, steps
        tail = platform.lines[-30:]
        assert time.monotonic() - since < 180, "\n".join([f"still waiting for {waiting}:", *tail])
        time.sleep(0.5)


def wait_until(condition: Callable[[], bool], what: str | Callable[[], str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what if isinstance(what, str) else what()
        time.sleep(0.2)


def positions_reached(platform: Platform, ends: dict[int, int]) -> list[str]:
    """Each read model's Kafka positions (what it applied) beside the topic's end: a read model short
    of its villages with its positions at the end lost events; one behind them is stuck."""
    schemas = platform.query(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'read_positions'"
    )
    lines = [f"the topic's partitions end at {ends}"]
    for row in schemas:
        reached = platform.query(
            f"SELECT kafka_topic, kafka_partition, next_offset FROM {row[0]}.read_positions ORDER BY 1, 2"
        )
        lines.append(f"{row[0]}: {[tuple(r) for r in reached]}")
    return lines


def tail(log: Path, lines: int) -> list[str]:
    return [f"{log.stem}: {line}" for line in log.read_text(errors="replace").splitlines()[-lines:]]


def end(pid: int, sig: signal.Signals) -> float:
    """Send ``sig`` and wait until ``pid`` is dead; the moment it was sent, which recovery is
    measured from."""
    sent = time.monotonic()
    os.kill(pid, sig)
    wait_until(lambda: not runs(pid), f"pid {pid} still runs after {sig.name}", timeout=30)
    return sent


def kill_a_write_service_replica(platform: Platform) -> tuple[str, float]:
    pid = platform.pids()[f"{SERVICE}-1"]
    assert pid is not None
    at = end(pid, signal.SIGKILL)
    return f"SIGKILL {SERVICE}-1 (pid {pid}); {SERVICE}-2 serves the port meanwhile", at


def kill_the_active_relay_mid_backlog(platform: Platform) -> tuple[str, float]:
    active = platform.active_relay()
    pid = platform.pids()[active]
    assert pid is not None
    # Paused, it keeps the lock while rows pile up: then it dies with a backlog in hand.
    os.kill(pid, signal.SIGSTOP)
    wait_until(lambda: platform.unpublished() >= 20, "no backlog built up")
    backlog = platform.unpublished()
    at = end(pid, signal.SIGKILL)
    assert backlog >= 20
    return f"SIGKILL the active relay {active} (pid {pid}) with {backlog} rows unpublished", at


def kill_a_projection_worker_mid_batch(platform: Platform) -> tuple[str, float]:
    pid = platform.pids()["projections-worker-1"]
    assert pid is not None
    # Paused for 3 s, its partitions fall behind; resumed, it applies the batch and dies in the middle.
    os.kill(pid, signal.SIGSTOP)
    time.sleep(3)
    os.kill(pid, signal.SIGCONT)
    time.sleep(0.3)
    at = end(pid, signal.SIGKILL)
    return f"SIGKILL projections-worker-1 (pid {pid}) 0.3 s after it resumed 3 s of events", at


def kill_a_kafka_broker(platform: Platform) -> tuple[str, float]:
    kafka = platform.infra_status()["kafka"]
    node = next(n for n in kafka["nodes"] if n["id"] != kafka["controller_leader"])
    at = end(node["pid"], signal.SIGKILL)
    return f"SIGKILL Kafka node {node['id']} (pid {node['pid']}), a follower; restarted by the supervisor", at


def kill_the_kafka_controller_leader(platform: Platform) -> tuple[str, float]:
    wait_until(lambda: platform.infra_status()["kafka"]["controller_leader"] is not None, "no leader")
    kafka = platform.infra_status()["kafka"]
    node = next(n for n in kafka["nodes"] if n["id"] == kafka["controller_leader"])
    at = end(node["pid"], signal.SIGKILL)
    return f"SIGKILL Kafka node {node['id']} (pid {node['pid']}), the active KRaft controller", at


def stop_postgres_abruptly(platform: Platform) -> tuple[str, float]:
    pid = platform.pids()["postgres"]
    assert pid is not None
    at = end(pid, signal.SIGQUIT)  # immediate shutdown: no checkpoint, crash recovery at the next start
    return f"SIGQUIT the postmaster (pid {pid}): immediate shutdown; the supervisor starts it again", at


FAULTS = (
    kill_a_write_service_replica,
    kill_the_active_relay_mid_backlog,
    kill_a_projection_worker_mid_batch,
    kill_a_kafka_broker,
    kill_the_kafka_controller_leader,
    stop_postgres_abruptly,
)


def test_faults_lose_nothing_and_every_part_recovers_in_bounded_time(platform: Platform) -> None:
    token = platform.token()
    setup_places(platform, token)
    load = Load(f"http://127.0.0.1:{platform.api_port}", token, TOWNSHIP)
    load.start()
    faults: list[Fault] = []
    try:
        measure_recovery(platform, load, token, time.monotonic(), brokers=True)  # ready before any fault
        for inject in FAULTS:
            time.sleep(5)  # steady load before the fault
            answers_before = len(load.answers)
            detail, at = inject(platform)
            served_after, steps = measure_recovery(platform, load, token, at, brokers=False)
            whole_after, more_steps = measure_recovery(platform, load, token, at, brokers=True)
            during = answer_kinds(load.answers[answers_before:])
            faults.append(Fault(inject.__name__, detail, served_after, whole_after, during))
            print(
                f"{inject.__name__}: {detail}; ready and caught up after {served_after:.1f} s,"
                f" every server back after {whole_after:.1f} s; answers meanwhile {dict(during)}"
            )
            print(f"    waited for: {'; '.join(steps + more_steps)}")
        time.sleep(5)
    finally:
        load.stop()

    # Clients saw only 2xx, 409 on their own retries, or 503 with Retry-After; never a 500.
    statuses = load.statuses()
    print(f"answers: {dict(statuses)}; acknowledged: {len(load.acknowledged)}")
    assert load.failed == []
    assert set(statuses) <= {"201", "no answer", "409 on a retry", "503 with Retry-After"}, statuses
    acknowledged = sorted(load.acknowledged)
    assert len(set(acknowledged)) == len(acknowledged)
    # A steady load ran through every fault: commands were answered while each part was away. With
    # PostgreSQL away the services can only refuse (503 with Retry-After): a window of only 503s is right.
    assert all(sum(fault.answers.values()) > 0 for fault in faults), [fault.answers for fault in faults]
    assert all(
        fault.answers["201"] > 0 for fault in faults if fault.name != stop_postgres_abruptly.__name__
    ), [fault.answers for fault in faults]
    assert sum(sum(fault.answers.values()) for fault in faults) <= len(load.answers)
    assert sum(statuses.values()) == len(load.answers)

    # Every acknowledged command's event is in the event store exactly once, and nothing else is.
    rows = platform.query(
        f"SELECT stream_id, event_id, event_type FROM {SERVICE}.events WHERE stream_id LIKE 'orgunit-F%'"
    )
    assert sorted(row["stream_id"] for row in rows) == [f"orgunit-{code}" for code in acknowledged]
    assert {row["event_type"] for row in rows} == {"OrganisationUnitRegistered"}
    stored = {str(row["event_id"]) for row in rows}

    # Every event reached its topic (a relay killed mid-batch may have sent some twice).
    every_event = {str(row["event_id"]) for row in platform.query(f"SELECT event_id FROM {SERVICE}.events")}
    assert len(every_event) == len(stored) + 2  # and the city's and the township's
    records = asyncio.run(read_topic(platform.bootstrap_servers, events_topic(SERVICE), len(every_event)))
    on_topic = [str(EventEnvelope.from_json_bytes(r.value).event_id) for r in records]
    assert set(on_topic) == every_event
    # Only the relay killed mid-backlog may have sent rows twice: at most the batch it had in hand.
    sent_twice = len(on_topic) - len(every_event)
    print(f"events stored: {len(stored)}; on the topic: {len(on_topic)} records, {sent_twice} sent twice")
    assert 0 <= sent_twice <= RELAY_BATCH_SIZE

    ends = {r.partition: r.offset + 1 for r in sorted(records, key=lambda r: r.offset)}
    # The read model counts each acknowledged village once: nothing lost, nothing counted twice.
    wait_until(
        lambda: villages_seen(platform, token) == len(acknowledged),
        lambda: "\n".join(
            [
                f"read model counts {villages_seen(platform, token)} of {len(acknowledged)} villages",
                *positions_reached(platform, ends),
                *platform.lines[-20:],
                *(line for log in platform.home.glob("logs/projections*.log") for line in tail(log, 15)),
            ]
        ),
    )
    assert villages_seen(platform, token) == len(acknowledged)

    # Outages are logged once per interval, not once per retry: a few lines per process, not thousands.
    alarms = {
        log.stem: sum(1 for line in log.read_text(errors="replace").splitlines() if ALARM.search(line))
        for log in platform.home.glob("logs/*.log")
    }
    print(f"WARNING and ERROR lines per process: {alarms}")
    processes = {name for name in platform.pids() if name != "postgres" and not name.startswith("kafka")}
    assert set(alarms) == processes and max(alarms.values()) < ALARM_LINES_LIMIT, alarms

    # Every part was ready and caught up within 30 s of its fault, and the killed part whole again
    # within 30 s too; a killed Kafka node's JVM within its own bound.
    assert [fault.name for fault in faults] == [inject.__name__ for inject in FAULTS]
    report = {fault.name: (round(fault.served_after, 1), round(fault.whole_after, 1)) for fault in faults}
    kafka_nodes = {kill_a_kafka_broker.__name__, kill_the_kafka_controller_leader.__name__}
    for fault in faults:
        whole_limit = KAFKA_NODE_START_LIMIT_SECONDS if fault.name in kafka_nodes else RECOVERY_LIMIT_SECONDS
        assert fault.served_after <= RECOVERY_LIMIT_SECONDS and fault.whole_after <= whole_limit, report
