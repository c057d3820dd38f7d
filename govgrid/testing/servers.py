"""Real Kafka and PostgreSQL for tests, found in this order (DESIGN.md):

1. the addresses in the environment (``DATABASE_URL``, ``KAFKA_BOOTSTRAP_SERVERS``);
2. testcontainers, where a Docker engine answers;
3. the project's own launcher (deploy/local/infra.py), on free ports in a throw-away folder.

Nothing here skips: if no server can be had, the fixture fails and so do the tests needing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = PROJECT_ROOT / "deploy" / "local" / "infra.py"


def free_port_pair() -> int:
    """A port P with P and P+1 free (the launcher's Kafka uses P+1 for its controller)."""
    return free_ports(2)


# Below Linux's ephemeral range (32768-60999 by default): a port chosen inside it can be taken by any
# outgoing connection before the server binds it. A Kafka cluster node once failed so: its controller
# port had become the local port of another node's connection ("Address already in use").
SERVER_PORTS = range(20_000, 32_000)


def free_ports(count: int) -> int:
    """A port P with P, P+1, ... P+count-1 free (a 3-broker Kafka cluster uses 6 from P)."""
    for _ in range(200):
        port = random.randrange(SERVER_PORTS.start, SERVER_PORTS.stop - count)
        if all(_free(port + offset) for offset in range(count)):
            return port
    raise RuntimeError(f"no {count} consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class LocalInstance:
    """One launcher instance (Kafka and/or PostgreSQL) that a test can stop and start again."""

    home: Path
    kafka_port: int
    pg_port: int
    only: tuple[str, ...]
    brokers: int = 1  # 3: a Kafka cluster on kafka_port, +2, +4

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{self.kafka_port + 2 * node}" for node in range(self.brokers))

    @property
    def database_url(self) -> str:
        return f"postgresql://govgrid:govgrid@127.0.0.1:{self.pg_port}/govgrid"

    def _launch(self, command: str, *options: str) -> str:
        args = [
            sys.executable,
            str(LAUNCHER),
            command,
            *options,
            "--home",
            str(self.home),
            "--kafka-port",
            str(self.kafka_port),
            "--pg-port",
            str(self.pg_port),
            "--brokers",
            str(self.brokers),
        ]
        for server in self.only:
            args += ["--only", server]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"launcher {command} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout

    def start(self) -> None:
        """Start what does not run (everything, or a Kafka node that was killed)."""
        self._launch("start")

    def status(self) -> dict[str, Any]:
        report: dict[str, Any] = json.loads(self._launch("status", "--json"))
        return report

    def stop(self) -> None:
        self._launch("stop")


@contextlib.contextmanager
def local_instance(*only: str, brokers: int = 1) -> Iterator[LocalInstance]:
    # Under /tmp with mode 755: the postgres system user must be able to reach its data folder.
    home = Path(tempfile.mkdtemp(prefix="govgrid-test-"))
    home.chmod(0o755)
    instance = LocalInstance(home, free_ports(2 * brokers), free_port_pair(), only, brokers)
    try:
        instance.start()
        yield instance
    finally:
        with contextlib.suppress(Exception):
            instance.stop()
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def kafka_server() -> Iterator[str]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    elif docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as container:
            yield container.get_bootstrap_server()
    else:
        with local_instance("kafka") as instance:
            yield instance.bootstrap_servers


@contextlib.contextmanager
def kafka_cluster() -> Iterator[LocalInstance]:
    """Three Kafka brokers (each also a KRaft controller) from the launcher, whose nodes a test can
    kill by pid and start again. Always the launcher's: a test of the cluster needs the processes."""
    with local_instance("kafka", brokers=3) as instance:
        yield instance


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    elif docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
    else:
        with local_instance("postgres") as instance:
            yield instance.database_url
