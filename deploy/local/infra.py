"""Local infrastructure launcher: the official Apache Kafka broker (KRaft) and PostgreSQL.

No Docker engine exists on these machines, so the platform's servers run as plain processes:
- Kafka: the jars of org.apache.kafka:kafka_2.13 (pinned in deploy/kafka/pom.xml), fetched by
  Maven into a cache folder and run with the machine's Java 17 as a single-node broker+controller,
  or as a cluster of three (--brokers 3).
- PostgreSQL: Debian's `postgresql` package (installed with apt-get when missing and allowed).

Standard library only, so it runs before any virtual environment exists.

    python deploy/local/infra.py start   [--home DIR] [--kafka-port N] [--pg-port N] [--only kafka|postgres]
                                         [--brokers 1|3]
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
import re
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
class KafkaNode:
    """One Kafka process: a combined broker and KRaft controller."""

    node_id: int
    port: int
    controller_port: int
    dir: Path

    @property
    def pid_file(self) -> Path:
        return self.dir / "kafka.pid"

    @property
    def log_path(self) -> Path:
        return self.dir / "kafka.log"


@dataclass(frozen=True)
class Instance:
    home: Path
    kafka_port: int
    pg_port: int
    # 1: a single broker. 3: a cluster of three combined broker+controller nodes (a KRaft quorum that
    # survives one lost node), on the ports kafka_port, kafka_port+2, kafka_port+4 (controllers +1).
    brokers: int = 1

    @property
    def kafka_dir(self) -> Path:
        return self.home / "kafka"

    @property
    def kafka_nodes(self) -> list[KafkaNode]:
        # A single broker keeps the folder layout it always had, so existing local data stays usable.
        return [
            KafkaNode(
                node_id=i + 1,
                port=self.kafka_port + 2 * i,
                controller_port=self.kafka_port + 2 * i + 1,
                dir=self.kafka_dir if self.brokers == 1 else self.kafka_dir / f"node-{i + 1}",
            )
            for i in range(self.brokers)
        ]

    @property
    def pg_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def kafka_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.kafka_nodes)

    @property
    def replication_factor(self) -> int:
        """For the topics: every broker holds a copy (3 on the cluster)."""
        return self.brokers

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


def require_free(port: int, what: str, env_var: str, grace: float = 0.0) -> None:
    """Fail unless ``port`` is free, or frees within ``grace`` seconds (a killed JVM's threads may
    still hold its sockets for a moment after its main thread is already a zombie)."""
    deadline = time.monotonic() + grace
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not port_is_free(port):
        raise LauncherError(
            f"port {port} ({what}) is taken by another process: stop it, or choose another port "
            f"with {env_var}=<port>"
        )


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs. A dead child of ours is reaped here; a zombie (dead, not yet reaped by its
    parent: PID 1 of a container may never reap the orphaned postmaster) counts as dead, where
    ``os.kill(pid, 0)`` would take it for alive."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    # The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


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


def kafka_properties(inst: Instance, node: KafkaNode) -> str:
    replicas = inst.brokers
    # With three copies, a write needs two (acks=all): one broker may be lost without losing an event.
    min_isr = 2 if replicas >= 3 else 1
    if inst.brokers == 1:
        quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{node.controller_port}"
    else:  # a static quorum: every node knows every voter from the start
        quorum = "controller.quorum.voters=" + ",".join(
            f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in inst.kafka_nodes
        )
    return "\n".join(
        [
            "process.roles=broker,controller",
            f"node.id={node.node_id}",
            f"listeners=PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{node.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            quorum,
            f"log.dirs={node.dir / 'data'}",
            # The project creates its topics itself, with explicit partitions and infinite retention.
            "auto.create.topics.enable=false",
            "num.partitions=1",
            f"default.replication.factor={replicas}",
            f"min.insync.replicas={min_isr}",
            f"offsets.topic.replication.factor={replicas}",
            "offsets.topic.num.partitions=10",
            f"transaction.state.log.replication.factor={replicas}",
            f"transaction.state.log.min.isr={min_isr}",
            f"share.coordinator.state.topic.replication.factor={replicas}",
            f"share.coordinator.state.topic.min.isr={min_isr}",
            # Nobody waits for more group members to join; a dead consumer is expired after its own
            # session timeout (10 s for the projection workers), which this minimum allows.
            "group.initial.rebalance.delay.ms=0",
            "group.min.session.timeout.ms=6000",
            "",
        ]
    )


def java_command(main_class: str, *args: str, heap: str = "512m", quick_start: bool = False) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise LauncherError("java not found: install Java 17 (apt-get install -y openjdk-17-jre-headless)")
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-XX:+UseG1GC",
        # Three brokers on one machine: the C1 compiler only, which starts a JVM in about half the CPU
        # time (a restarted node rejoins sooner); peak speed matters less than in the benchmarks.
        *(["-XX:TieredStopAtLevel=1"] if quick_start else []),
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={KAFKA_LOG4J}",
        "-cp",
        str(KAFKA_LIBS / "*"),
        main_class,
        *args,
    ]


def kafka_pid(node: KafkaNode) -> int | None:
    if not node.pid_file.exists():
        return None
    pid = int(node.pid_file.read_text().strip() or 0)
    return pid if pid and pid_alive(pid) else None


def start_kafka(inst: Instance) -> None:
    """Start every node that does not run (all of them, or one that died)."""
    for node in inst.kafka_nodes:
        start_kafka_node(inst, node)


def start_kafka_node(inst: Instance, node: KafkaNode) -> None:
    if kafka_pid(node) is not None:
        return
    require_free(node.port, "Kafka", "GOVGRID_KAFKA_PORT", grace=15)
    require_free(node.controller_port, "Kafka controller", "GOVGRID_KAFKA_PORT", grace=15)
    ensure_kafka_jars()
    node.dir.mkdir(parents=True, exist_ok=True)
    props = node.dir / "server.properties"
    props.write_text(kafka_properties(inst, node))
    # One cluster id for every node of the instance.
    cluster_id_file = inst.kafka_dir / "cluster.id"
    if not cluster_id_file.exists():
        out = run(java_command("kafka.tools.StorageTool", "random-uuid", heap="128m"), "kafka random-uuid")
        cluster_id_file.write_text(out.stdout.strip().splitlines()[-1])
    single = ["--standalone"] if inst.brokers == 1 else []  # a cluster's voters are in its properties
    # Formatting once is enough; a restart (a node that died) spares the seconds of a JVM's start.
    if not (node.dir / "data" / "meta.properties").exists():
        run(
            java_command(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id_file.read_text().strip(),
                "-c",
                str(props),
                *single,
                "--ignore-formatted",
                heap="128m",
            ),
            "formatting the Kafka storage",
        )
    if node.log_path.exists():  # readiness looks for this start's "Kafka Server started" line
        node.log_path.replace(node.dir / "kafka.log.1")
    heap = "512m" if inst.brokers == 1 else "384m"
    with open(node.log_path, "ab") as log:  # the broker keeps its own copy of the descriptor
        proc = subprocess.Popen(
            java_command("kafka.Kafka", str(props), heap=heap, quick_start=inst.brokers > 1),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    node.pid_file.write_text(str(proc.pid))


def stop_kafka(inst: Instance, timeout: float = 30.0) -> None:
    pids = {node: pid for node in inst.kafka_nodes if (pid := kafka_pid(node)) is not None}
    for pid in pids.values():
        os.kill(pid, signal.SIGTERM)  # the broker shuts down cleanly on SIGTERM
    deadline = time.monotonic() + timeout
    while any(pid_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for node, pid in pids.items():
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.05)
        node.pid_file.unlink(missing_ok=True)


def kafka_node_ready(node: KafkaNode) -> bool:
    # The broker logs "Kafka Server started" once it has joined the KRaft quorum and opened its
    # listener. The log grows without end, so the first sighting is remembered for this pid.
    pid = kafka_pid(node)
    if pid is None or not port_answers(node.port):
        return False
    marker = node.dir / "started.pid"
    if marker.exists() and marker.read_text() == str(pid):
        return True
    with open(node.log_path, "rb") as lines:
        if not any(b"Kafka Server started" in line for line in lines):
            return False
    marker.write_text(str(pid))
    return True


def kafka_ready(inst: Instance) -> bool:
    return all(kafka_node_ready(node) for node in inst.kafka_nodes)


def kafka_quorum_leader(inst: Instance) -> int | None:
    """The node id of the active KRaft controller, or None while there is none. Read from the running
    nodes' logs (the Raft state of each: "Completed transition to Leader(" or "FollowerState(...
    leader=N"), since the jars carry no kafka-metadata-quorum tool."""
    said: list[int] = []
    for node in inst.kafka_nodes:
        if kafka_pid(node) is None or not node.log_path.exists():
            continue
        last = ""
        with open(node.log_path, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if "Completed transition to " in line:
                    last = line.split("Completed transition to ", 1)[1]
        if last.startswith("Leader("):
            said.append(node.node_id)
        elif last.startswith("FollowerState(") and (found := re.search(r"\bleader=(\d+)", last)):
            said.append(int(found.group(1)))
    # Right after an election the nodes may disagree for a moment: then there is no answer yet.
    return said[0] if said and len(set(said)) == 1 else None


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


def pg_pid(inst: Instance) -> int | None:
    """The postmaster's pid while it runs (its pid file outlives a killed server)."""
    pid_file = inst.pg_dir / "data" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid_alive(pid) else None


def pg_running(inst: Instance) -> bool:
    return pg_pid(inst) is not None


def processes_in(folder: Path) -> list[int]:
    """The live processes whose working folder is ``folder`` (those we may look at)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            in_folder = Path(os.readlink(entry / "cwd")) == folder
        except OSError:  # gone meanwhile, or another user's
            continue
        if in_folder and pid_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def wait_for_orphaned_children(data: Path, timeout: float = 30.0) -> None:
    """A killed postmaster's children (checkpointer, walwriter, backends) outlive it until they notice,
    and hold its shared memory meanwhile: a new postmaster started then refuses ("pre-existing shared
    memory block is still in use"). They all run in the data folder, so wait until none does."""
    deadline = time.monotonic() + timeout
    while (left := processes_in(data.resolve())) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        raise LauncherError(f"processes {left} of a stopped PostgreSQL still run in {data}")


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
    wait_for_orphaned_children(data)
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
        for node in inst.kafka_nodes if "kafka" in pending else []:
            if kafka_pid(node) is None and node.pid_file.exists():
                raise LauncherError(f"Kafka exited during start-up: see {node.log_path}")
        if time.monotonic() > deadline:
            raise LauncherError(
                f"{', '.join(pending)} not ready after {timeout:.0f}s: see the logs in {inst.home}"
            )
        time.sleep(0.3)


def supervisor_state_file(inst: Instance) -> Path:
    """Where deploy/local/supervisor.py records what it runs and what it restarted, for `status`."""
    return inst.home / "supervisor.json"


def supervised(inst: Instance) -> dict[str, object] | None:
    """The running supervisor's record, or None when no supervisor runs on this home."""
    try:
        state: dict[str, object] = json.loads(supervisor_state_file(inst).read_text())
    except (OSError, ValueError):
        return None
    pid = state.get("pid")
    return state if isinstance(pid, int) and pid_alive(pid) else None


def status(inst: Instance) -> dict[str, object]:
    return {
        "supervisor": supervised(inst),
        "home": str(inst.home),
        "postgres": {"up": postgres_ready(inst), "port": inst.pg_port, "database_url": inst.database_url},
        "kafka": {
            "up": kafka_ready(inst),
            "port": inst.kafka_port,
            "bootstrap_servers": inst.kafka_bootstrap,
            "nodes": [
                {"id": n.node_id, "port": n.port, "pid": kafka_pid(n), "up": kafka_node_ready(n)}
                for n in inst.kafka_nodes
            ],
            "controller_leader": kafka_quorum_leader(inst),
        },
    }


def print_supervised(state: object) -> None:
    if not isinstance(state, dict):
        print("no supervisor runs on this home (`make up` starts one)")
        return
    print(f"supervisor pid {state['pid']}, since {state['since']}:")
    for proc in state["processes"]:
        line = f"  {proc['name']:24} pid {proc['pid'] or '-':>7}  restarts {proc['restarts']}"
        if proc["restarts"] or proc["exited"]:
            line += f"  (last exit {proc['exited']}, restarted {proc['restarted_at'] or 'not yet'})"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start, stop and inspect the local Kafka and PostgreSQL.")
    parser.add_argument("command", choices=["start", "stop", "status", "wait"])
    parser.add_argument(
        "--home", default=os.environ.get("GOVGRID_INFRA_HOME", str(PROJECT_ROOT / ".local" / "infra"))
    )
    parser.add_argument("--kafka-port", type=int, default=int(os.environ.get("GOVGRID_KAFKA_PORT", "9092")))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("GOVGRID_PG_PORT", "5432")))
    parser.add_argument(
        "--brokers",
        type=int,
        choices=(1, 3),
        default=int(os.environ["GOVGRID_KAFKA_BROKERS"]) if "GOVGRID_KAFKA_BROKERS" in os.environ else None,
        help="1 Kafka broker, or a cluster of 3 on ports P, P+2, P+4 (default: what --home holds, else 1)",
    )
    parser.add_argument("--only", choices=SERVERS, action="append", help="limit to one server (repeatable)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", action="store_true", help="status as JSON")
    args = parser.parse_args(argv)
    home = Path(args.home).resolve()
    brokers = args.brokers or (3 if (home / "kafka" / "node-1").is_dir() else 1)
    inst = Instance(home, args.kafka_port, args.pg_port, brokers)
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
                kafka = report["kafka"]
                assert isinstance(kafka, dict)
                if inst.brokers > 1:
                    for node in kafka["nodes"]:
                        leads = "  (controller leader)" if node["id"] == kafka["controller_leader"] else ""
                        state = "up" if node["up"] else "down"
                        where = f"port {node['port']} pid {node['pid']}"
                        print(f"  kafka node {node['id']} {state:5} {where}{leads}")
                print_supervised(report["supervisor"])
                return 0 if all(report[n]["up"] for n in only) else 1  # type: ignore[index]
    except LauncherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
