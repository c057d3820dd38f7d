"""The local launcher's promises to a new user: one clear line when something is missing or taken."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from govgrid.testing.servers import LAUNCHER
from govgrid.testing.servers import free_port_pair
from govgrid.testing.servers import local_instance


def launch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LAUNCHER), *args], capture_output=True, text=True, timeout=120, env=env
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_a_taken_port_is_one_line_naming_the_port_and_the_fix(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = launch("start", "--only", "postgres", "--home", str(tmp_path), "--pg-port", str(port))
    line = one_error_line(result)
    assert f"port {port}" in line and "GOVGRID_PG_PORT" in line


def test_missing_java_or_maven_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin), "GOVGRID_KAFKA_LIBS": str(tmp_path / "no-jars")}
    args = [
        "start",
        "--only",
        "kafka",
        "--home",
        str(tmp_path / "home"),
        "--kafka-port",
        str(free_port_pair()),
    ]
    line = one_error_line(launch(*args, env=env))
    assert "java not found" in line and "apt-get install" in line

    java = shutil.which("java")
    assert java is not None
    (empty_bin / "java").symlink_to(java)
    line = one_error_line(launch(*args, env=env))
    assert "mvn not found" in line and "apt-get install -y maven" in line


def test_status_reports_a_running_instance_and_stop_stops_it() -> None:
    with local_instance("postgres") as instance:
        where = ["--home", str(instance.home), "--pg-port", str(instance.pg_port)]
        report = json.loads(launch("status", "--json", *where).stdout)
        assert report["postgres"]["up"] is True
        assert report["postgres"]["database_url"] == instance.database_url
        assert report["kafka"]["up"] is False

        instance.stop()
        down = launch("status", *where, "--only", "postgres")
        assert down.returncode == 1 and "postgres  down" in down.stdout
        # Data is kept between runs: the next start reuses the initialised cluster.
        assert (instance.home / "postgres" / "data" / "PG_VERSION").exists()
        instance.start()
        assert json.loads(launch("status", "--json", *where).stdout)["postgres"]["up"] is True
