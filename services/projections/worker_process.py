"""The projection worker as a child process, for tests and benchmarks: started with its settings as
environment variables in a directory of its own (faust keeps its data directory there), its output in
``worker.log`` beside it; stopped with SIGTERM, as a supervisor stops it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from services.projections.settings import ProjectionsSettings

STOP_SECONDS = 30.0


def start_worker(settings: ProjectionsSettings, home: Path) -> subprocess.Popen[bytes]:
    """``python -m services.projections.worker`` with ``settings``, working in ``home`` (made if
    missing), its output in ``home/worker.log``."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "DATABASE_SCHEMA": settings.database_schema,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "KAFKA_TOPIC_PARTITIONS": str(settings.kafka_topic_partitions),
        "APP_ID": settings.app_id,
        "SOURCE_TOPICS": json.dumps(settings.source_topics),
    }
    home.mkdir(parents=True, exist_ok=True)
    with (home / "worker.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.projections.worker", "worker", "--without-web", "-l", "warn"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=home,
        )


def stop_workers(workers: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each (all of them first: they leave their consumer group together), then wait;
    one still running after STOP_SECONDS is killed."""
    running = list(workers)
    for worker in running:
        worker.terminate()
    for worker in running:
        try:
            worker.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
