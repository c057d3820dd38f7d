"""Real Kafka and PostgreSQL for tests, found in this order (DESIGN.md):

1. the addresses in the environment (``DATABASE_URL``, ``KAFKA_BOOTSTRAP_SERVERS``);
2. testcontainers, where a Docker engine answers;
3. the project's own launcher (deploy/local/infra.py), on free ports in a throw-away folder.

Nothing here skips: if no server can be had, the fixture fails and so do the tests needing it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = PROJECT_ROOT / "deploy" / "local" / "infra.py"


def free_port_pair() -> int:
    """A port P with P and P+1 free (the launcher's Kafka uses P+1 for its controller)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


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

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def database_url(self) -> str:
        return f"postgresql://govgrid:govgrid@127.0.0.1:{self.pg_port}/govgrid"

    def _launch(self, command: str) -> None:
        args = [
            sys.executable,
            str(LAUNCHER),
            command,
            "--home",
            str(self.home),
            "--kafka-port",
            str(self.kafka_port),
            "--pg-port",
            str(self.pg_port),
        ]
        for server in self.only:
            args += ["--only", server]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"launcher {command} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> None:
        self._launch("start")

    def stop(self) -> None:
        self._launch("stop")


@contextlib.contextmanager
def local_instance(*only: str) -> Iterator[LocalInstance]:
    # Under /tmp with mode 755: the postgres system user must be able to reach its data folder.
    home = Path(tempfile.mkdtemp(prefix="govgrid-test-"))
    home.chmod(0o755)
    instance = LocalInstance(home, free_port_pair(), free_port_pair(), only)
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
