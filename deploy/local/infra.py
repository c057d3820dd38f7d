"""Local infrastructure launcher: the official Apache Kafka broker (KRaft) and PostgreSQL.

No Docker engine exists on these machines, so the platform's servers run as plain processes:
- Kafka: the jars of org.apache.kafka:kafka_2.13 (pinned in deploy/kafka/pom.xml), fetched by
  Maven into a cache folder and run with the machine's Java 17 as a single-node broker+controller.
- PostgreSQL: Debian's `postgresql` package (installed with apt-get when missing and allowed).

Standard library only, so it runs before any virtual environment exists.

    python deploy/local/infra.py start   [--home DIR] [--kafka-port N] [--pg-port N] [--only kafka|postgres]
    python deploy/local/infra.py stop    [--home DIR] [--only ...]
    python deploy/local/infra.py status  [--home DIR] [--json]
    python deploy/local/infra.py wait    [--home DIR] [--timeout S]

Data is kept in --home (default .local/infra) between runs. Every failure ends in one line that
says what is wrong and how to fix it, and a non-zero exit.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
KAFKA_POM = PROJECT_ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_LOG4J = PROJECT_ROOT / "deploy" / "kafka" / "log4j2.xml"
# The jar cache is shared by every instance (dev platform, test sessions): one download per machine.
KAFKA_LIBS = Path(os.environ.get("GOVGRID_KAFKA_LIBS", PROJECT_ROOT / ".local" / "kafka-libs"))

PG_USER = "govgrid"
PG_PASSWORD = "govgrid"
PG_DATABASE = "govgrid"


class LauncherError(Exception):
    """A problem the operator must fix; printed as one line."""


@dataclass(frozen=True)
class Instance:
    home: Path
    kafka_port: int
    pg_port: int

    @property
    def controller_port(self) -> int:
        return self.kafka_port + 1

    @property
    def kafka_dir(self) -> Path:
        return self.home / "kafka"

    @property
    def pg_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def database_url(self) -> str:
        return f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{self.pg_port}/{PG_DATABASE}"


# ---------------------------------------------------------------- helpers


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def require_free(port: int, what: str, env_var: str) -> None:
    if not port_is_free(port):
        raise LauncherError(
            f"port {port} ({what}) is taken by another process: stop it, or choose another port "
            f"with {env_var}=<port>"
        )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(cmd: list[str], what: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = subprocess.run(  # type: ignore[call-overload]
        cmd, capture_output=True, text=True, **kwargs
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise LauncherError(f"{what} failed: {tail[0]}")
    return result


# ---------------------------------------------------------------- Kafka


def ensure_kafka_jars() -> None:
    if list(KAFKA_LIBS.glob("kafka_2.13-*.jar")):
        return
    if shutil.which("java") is None:
        raise LauncherError("java not found: install Java 17 (apt-get install -y openjdk-17-jre-headless)")
    if shutil.which("mvn") is None:
        raise LauncherError("mvn not found: install Maven (apt-get install -y maven) to fetch the Kafka jars")
    print(f"fetching Apache Kafka jars with Maven into {KAFKA_LIBS} ...", flush=True)
    KAFKA_LIBS.mkdir(parents=True, exist_ok=True)
    run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(KAFKA_POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={KAFKA_LIBS}",
            "-Dmdep.includeScope=runtime",
        ],
        "fetching the Kafka jars with Maven (check access to Maven Central)",
    )


def kafka_properties(inst: Instance) -> str:
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"listeners=PLAINTEXT://127.0.0.1:{inst.kafka_port},CONTROLLER://127.0.0.1:{inst.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{inst.kafka_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"controller.quorum.bootstrap.servers=127.0.0.1:{inst.controller_port}",
            f"log.dirs={inst.kafka_dir / 'data'}",
            # The project creates its topics itself, with explicit partitions and infinite retention.
            "auto.create.topics.enable=false",
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=10",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            # A single local node: no point waiting for more group members to join.
            "group.initial.rebalance.delay.ms=0",
            "",
        ]
    )


def java_command(main_class: str, *args: str, heap: str = "512m") -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise LauncherError("java not found: install Java 17 (apt-get install -y openjdk-17-jre-headless)")
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={KAFKA_LOG4J}",
        "-cp",
        str(KAFKA_LIBS / "*"),
        main_class,
        *args,
    ]


def kafka_pid(inst: Instance) -> int | None:
    pid_file = inst.kafka_dir / "kafka.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip() or 0)
    return pid if pid and pid_alive(pid) else None


def start_kafka(inst: Instance) -> None:
    if kafka_pid(inst) is not None:
        return
    require_free(inst.kafka_port, "Kafka", "GOVGRID_KAFKA_PORT")
    require_free(inst.controller_port, "Kafka controller", "GOVGRID_KAFKA_PORT")
    ensure_kafka_jars()
    inst.kafka_dir.mkdir(parents=True, exist_ok=True)
    props = inst.kafka_dir / "server.properties"
    props.write_text(kafka_properties(inst))
    cluster_id_file = inst.kafka_dir / "cluster.id"
    if not cluster_id_file.exists():
        out = run(java_command("kafka.tools.StorageTool", "random-uuid", heap="128m"), "kafka random-uuid")
        cluster_id_file.write_text(out.stdout.strip().splitlines()[-1])
    run(
        java_command(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id_file.read_text().strip(),
            "-c",
            str(props),
            "--standalone",
            "--ignore-formatted",
            heap="128m",
        ),
        "formatting the Kafka storage",
    )
    log_path = inst.kafka_dir / "kafka.log"
    if log_path.exists():  # readiness looks for this start's "Kafka Server started" line
        log_path.replace(inst.kafka_dir / "kafka.log.1")
    with open(log_path, "ab") as log:  # the broker keeps its own copy of the descriptor
        proc = subprocess.Popen(
            java_command("kafka.Kafka", str(props)),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (inst.kafka_dir / "kafka.pid").write_text(str(proc.pid))


def stop_kafka(inst: Instance, timeout: float = 30.0) -> None:
    pid = kafka_pid(inst)
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)  # the broker shuts down cleanly on SIGTERM
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.2)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        _reap(pid)
    (inst.kafka_dir / "kafka.pid").unlink(missing_ok=True)


def _reap(pid: int) -> None:
    # The broker is our child when this same process started it; reaping ends its zombie.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def kafka_ready(inst: Instance) -> bool:
    # The broker logs "Kafka Server started" once it has joined the KRaft quorum and opened its
    # listener. The log grows without end, so the first sighting is remembered for this pid.
    pid = kafka_pid(inst)
    if pid is None or not port_answers(inst.kafka_port):
        return False
    marker = inst.kafka_dir / "started.pid"
    if marker.exists() and marker.read_text() == str(pid):
        return True
    log = inst.kafka_dir / "kafka.log"
    with open(log, "rb") as lines:
        if not any(b"Kafka Server started" in line for line in lines):
            return False
    marker.write_text(str(pid))
    return True


# ---------------------------------------------------------------- PostgreSQL


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_pg_major)
    if found:
        return found[-1]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's postgresql package ...", flush=True)
        run(["apt-get", "update", "-q"], "apt-get update")
        run(
            ["apt-get", "install", "-y", "-q", "postgresql"],
            "apt-get install postgresql",
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_pg_major)
        if found:
            return found[-1]
    raise LauncherError("PostgreSQL server not found: install it (sudo apt-get install -y postgresql)")


def _pg_major(path: str) -> int:
    return int(Path(path).parts[-3])


def as_postgres_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package creates the `postgres` system user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def pg_running(inst: Instance) -> bool:
    pid_file = inst.pg_dir / "data" / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return False
    return pid_alive(pid)


def start_postgres(inst: Instance) -> None:
    if pg_running(inst):
        return
    require_free(inst.pg_port, "PostgreSQL", "GOVGRID_PG_PORT")
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    data = inst.pg_dir / "data"
    inst.pg_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(inst.pg_dir, "postgres", "postgres")
        check = subprocess.run(as_postgres_user(["test", "-w", str(inst.pg_dir)]))
        if check.returncode != 0:
            raise LauncherError(
                f"the postgres user cannot reach {inst.pg_dir}: make its parent folders "
                "world-executable (chmod o+x) or choose another folder with GOVGRID_INFRA_HOME"
            )
    if not (data / "PG_VERSION").exists():
        pwfile = inst.pg_dir / "pwfile"
        pwfile.write_text(PG_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        run(
            as_postgres_user(
                [
                    initdb,
                    "-D",
                    str(data),
                    "-U",
                    PG_USER,
                    f"--pwfile={pwfile}",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--auth=scram-sha-256",
                ]
            ),
            "initdb",
        )
        pwfile.unlink()
    options = (
        f"-p {inst.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
        "-c max_connections=300 -c shared_buffers=256MB -c fsync=on"
    )
    run(
        as_postgres_user(
            [
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(inst.pg_dir / "postgres.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        f"starting PostgreSQL (see {inst.pg_dir / 'postgres.log'})",
    )
    _create_database(inst)


def _create_database(inst: Instance) -> None:
    psql = pg_bin("psql")
    env = {**os.environ, "PGPASSWORD": PG_PASSWORD}
    base = [psql, "-h", "127.0.0.1", "-p", str(inst.pg_port), "-U", PG_USER, "-d", "postgres", "-tAc"]
    exists = run([*base, f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"], "psql", env=env)
    if exists.stdout.strip() != "1":
        run([*base, f"CREATE DATABASE {PG_DATABASE}"], "creating the database", env=env)


def stop_postgres(inst: Instance) -> None:
    if not pg_running(inst):
        return
    run(
        as_postgres_user([pg_bin("pg_ctl"), "-D", str(inst.pg_dir / "data"), "-m", "fast", "-w", "stop"]),
        "stopping PostgreSQL",
    )


def postgres_ready(inst: Instance) -> bool:
    return pg_running(inst) and port_answers(inst.pg_port)


# ---------------------------------------------------------------- commands


SERVERS = ("postgres", "kafka")


def start(inst: Instance, only: tuple[str, ...], timeout: float) -> None:
    inst.home.mkdir(parents=True, exist_ok=True)
    os.chmod(inst.home, 0o755)
    if "postgres" in only:
        start_postgres(inst)
    if "kafka" in only:
        start_kafka(inst)
    wait(inst, only, timeout)


def stop(inst: Instance, only: tuple[str, ...]) -> None:
    if "kafka" in only:
        stop_kafka(inst)
    if "postgres" in only:
        stop_postgres(inst)


def wait(inst: Instance, only: tuple[str, ...], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    checks = {"postgres": postgres_ready, "kafka": kafka_ready}
    pending = [name for name in only]
    while pending:
        pending = [name for name in pending if not checks[name](inst)]
        if not pending:
            return
        if "kafka" in pending and kafka_pid(inst) is None and (inst.kafka_dir / "kafka.pid").exists():
            raise LauncherError(f"Kafka exited during start-up: see {inst.kafka_dir / 'kafka.log'}")
        if time.monotonic() > deadline:
            raise LauncherError(
                f"{', '.join(pending)} not ready after {timeout:.0f}s: see the logs in {inst.home}"
            )
        time.sleep(0.3)


def status(inst: Instance) -> dict[str, object]:
    return {
        "home": str(inst.home),
        "postgres": {"up": postgres_ready(inst), "port": inst.pg_port, "database_url": inst.database_url},
        "kafka": {
            "up": kafka_ready(inst),
            "port": inst.kafka_port,
            "bootstrap_servers": inst.kafka_bootstrap,
            "pid": kafka_pid(inst),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start, stop and inspect the local Kafka and PostgreSQL.")
    parser.add_argument("command", choices=["start", "stop", "status", "wait"])
    parser.add_argument(
        "--home", default=os.environ.get("GOVGRID_INFRA_HOME", str(PROJECT_ROOT / ".local" / "infra"))
    )
    parser.add_argument("--kafka-port", type=int, default=int(os.environ.get("GOVGRID_KAFKA_PORT", "9092")))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("GOVGRID_PG_PORT", "5432")))
    parser.add_argument("--only", choices=SERVERS, action="append", help="limit to one server (repeatable)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", action="store_true", help="status as JSON")
    args = parser.parse_args(argv)
    inst = Instance(Path(args.home).resolve(), args.kafka_port, args.pg_port)
    only = tuple(args.only or SERVERS)
    try:
        if args.command == "start":
            start(inst, only, args.timeout)
            if "postgres" in only:
                print(f"PostgreSQL ready: DATABASE_URL={inst.database_url}")
            if "kafka" in only:
                print(f"Kafka ready:      KAFKA_BOOTSTRAP_SERVERS={inst.kafka_bootstrap}")
        elif args.command == "stop":
            stop(inst, only)
        elif args.command == "wait":
            wait(inst, only, args.timeout)
        else:
            report = status(inst)
            if args.json:
                print(json.dumps(report))
            else:
                for name in SERVERS:
                    info = report[name]
                    assert isinstance(info, dict)
                    print(f"{name:9} {'up' if info['up'] else 'down':5} port {info['port']}")
                return 0 if all(report[n]["up"] for n in only) else 1  # type: ignore[index]
    except LauncherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
