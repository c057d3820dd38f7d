"""Run the whole platform on one machine, in the foreground: Kafka and PostgreSQL (infra.py), then
every service process, supervised. Ctrl-C stops everything.

    .venv/bin/python deploy/local/supervisor.py [--home DIR] [--keep-infra] [--no-demo]   (`make up`)
        [--brokers 1|3] [--replicas 1|2] [--services appointments,...]

- A process that exits is reported and restarted, with a back-off (1 s doubling to 30 s); so is a
  Kafka node or PostgreSQL that dies (they are reaped, never left as zombies). `make status` shows
  every process's pid, restarts and last exit (<home>/supervisor.json).
- --brokers 3 runs a 3-node Kafka cluster (GOVGRID_KAFKA_BROKERS); --replicas 2 runs two of each write
  service on its port, two relays per service and two projection workers (GOVGRID_REPLICAS).
- Each process logs to <home>/logs/<name>.log; this window shows the supervisor's own lines.
- When the services answer /readyz, it prints their addresses and a development token, then loads the
  Danzhou demo (`python -m demo`) through the services' APIs if the platform is empty; --no-demo skips it.
Ports: GOVGRID_KAFKA_PORT, GOVGRID_PG_PORT (infrastructure), READ_API_PORT (8100), APPOINTMENTS_PORT (8101),
PATROLS_PORT (8102), TIPS_PORT (8103), MEDIATION_PORT (8104), OUTREACH_PORT (8105), FIELD_PORT (8106).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

import infra  # the sibling launcher: this script's folder is on sys.path when run as a script

MAX_BACKOFF_SECONDS = 30.0


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(kw_only=True)
class Part(ABC):
    """Something the supervisor keeps running: a service process or a server (Kafka node, PostgreSQL)."""

    name: str
    log_path: Path
    restarts: int = 0
    backoff: float = 1.0
    restart_at: float = 0.0
    started_at: float = 0.0
    exited: str | None = None  # how it last ended, for `make status`
    restarted_at: str | None = None

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def exit_status(self) -> str | None:
        """None while it runs; otherwise how it ended."""

    @abstractmethod
    def pid(self) -> int | None: ...

    def record(self) -> dict[str, object]:
        return {
            "name": self.name,
            "pid": self.pid(),
            "restarts": self.restarts,
            "exited": self.exited,
            "restarted_at": self.restarted_at,
        }


@dataclass(kw_only=True)
class Supervised(Part):
    command: list[str]
    env: dict[str, str]
    ready_url: str | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=infra.PROJECT_ROOT,
                start_new_session=True,  # Ctrl-C reaches the supervisor only
            )
        self.started_at = time.monotonic()

    def exit_status(self) -> str | None:
        assert self.process is not None
        code = self.process.poll()  # also reaps it: no zombie is left behind
        return None if code is None else f"exited with code {code}"

    def pid(self) -> int | None:
        return self.process.pid if self.process is not None and self.process.poll() is None else None

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass(kw_only=True)
class KafkaNodeServer(Part):
    inst: infra.Instance
    node: infra.KafkaNode

    def start(self) -> None:
        infra.start_kafka_node(self.inst, self.node)  # returns once the process runs, not when ready
        self.started_at = time.monotonic()

    def exit_status(self) -> str | None:
        # infra.pid_alive reaps the broker when it was started by this process, and takes a zombie
        # for dead.
        return None if infra.kafka_pid(self.node) is not None else "died"

    def pid(self) -> int | None:
        return infra.kafka_pid(self.node)


@dataclass(kw_only=True)
class PostgresServer(Part):
    inst: infra.Instance

    def start(self) -> None:
        infra.start_postgres(self.inst)  # pg_ctl start -w: returns once it accepts connections
        self.started_at = time.monotonic()

    def exit_status(self) -> str | None:
        return None if infra.pg_running(self.inst) else "died"

    def pid(self) -> int | None:
        return infra.pg_pid(self.inst)


def servers(inst: infra.Instance) -> list[Part]:
    """Kafka's nodes and PostgreSQL, already started by infra.start: restarted when they die."""
    nodes: list[Part] = [
        KafkaNodeServer(
            name="kafka" if inst.brokers == 1 else f"kafka-{node.node_id}",
            inst=inst,
            node=node,
            log_path=node.log_path,
        )
        for node in inst.kafka_nodes
    ]
    return [PostgresServer(name="postgres", inst=inst, log_path=inst.pg_dir / "postgres.log"), *nodes]


# The write services: (name, port variable, default port). Each runs with its outbox relay.
WRITE_SERVICES = (
    ("appointments", "APPOINTMENTS_PORT", 8101),
    ("patrols", "PATROLS_PORT", 8102),
    ("tips", "TIPS_PORT", 8103),
    ("mediation", "MEDIATION_PORT", 8104),
    ("outreach", "OUTREACH_PORT", 8105),
)
WRITE_SERVICE_NAMES = tuple(name for name, _, _ in WRITE_SERVICES)


def service_urls() -> dict[str, str]:
    """The write services' addresses, as the demo reads them (demo/settings.py: APPOINTMENTS_URL...)."""
    return {
        f"{name.upper()}_URL": f"http://127.0.0.1:{os.environ.get(variable, str(default))}"
        for name, variable, default in WRITE_SERVICES
    }


def services(
    python: str,
    inst: infra.Instance,
    logs: Path,
    replicas: int = 1,
    write_services: tuple[str, ...] = WRITE_SERVICE_NAMES,
) -> list[Supervised]:
    """Every service process; with ``replicas`` > 1, that many of each write service (sharing its port:
    HTTP_REUSE_PORT), of each relay (one publishes, the others stand by) and of the projection worker
    (one consumer group)."""
    env = {
        **os.environ,
        "DATABASE_URL": inst.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": inst.kafka_bootstrap,
        "KAFKA_REPLICATION_FACTOR": str(inst.replication_factor),
    }

    def named(name: str, replica: int) -> str:
        return name if replicas == 1 else f"{name}-{replica}"

    def database_as(name: str) -> str:
        # PostgreSQL shows each connection's application_name (pg_stat_activity): who holds which lock.
        return f"{inst.database_url}?application_name={name}"

    procs: list[Supervised] = []
    for name, variable, default in WRITE_SERVICES:
        if name not in write_services:
            continue
        port = os.environ.get(variable, str(default))
        for replica in range(1, replicas + 1):
            service, relay = named(name, replica), named(f"{name}-relay", replica)
            procs += [
                Supervised(
                    name=service,
                    command=[python, "-m", f"services.{name}"],
                    env={
                        **env,
                        "DATABASE_URL": database_as(service),
                        "HTTP_PORT": port,
                        "HTTP_REUSE_PORT": str(replicas > 1).lower(),
                    },
                    log_path=logs / f"{service}.log",
                    ready_url=f"http://127.0.0.1:{port}/readyz",
                ),
                Supervised(
                    name=relay,
                    command=[python, "-m", "govgrid.outbox", "--service", name],
                    env={**env, "DATABASE_URL": database_as(relay)},
                    log_path=logs / f"{relay}.log",
                ),
            ]
    read_port = os.environ.get("READ_API_PORT", "8100")
    workers = [
        Supervised(
            name=named("projections-worker", replica),
            command=[python, "-m", "services.projections.worker", "worker", "--without-web", "-l", "warn"],
            env=env,
            log_path=logs / f"{named('projections-worker', replica)}.log",
        )
        for replica in range(1, replicas + 1)
    ]
    return [
        *procs,
        *workers,
        Supervised(
            name="read-api",
            command=[python, "-m", "services.projections"],
            env={**env, "HTTP_PORT": read_port},
            log_path=logs / "read-api.log",
            ready_url=f"http://127.0.0.1:{read_port}/healthz",
        ),
        Supervised(
            name="alerts", command=[python, "-m", "services.alerts"], env=env, log_path=logs / "alerts.log"
        ),
        Supervised(
            name="field",
            command=[python, "-m", "services.field"],
            env={
                **env,
                **service_urls(),
                "READ_API_URL": f"http://127.0.0.1:{read_port}",
                "HTTP_PORT": os.environ.get("FIELD_PORT", "8106"),
            },
            log_path=logs / "field.log",
            ready_url=f"http://127.0.0.1:{os.environ.get('FIELD_PORT', '8106')}/healthz",
        ),
    ]


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def say(message: str) -> None:
    print(f"[platform] {message}", flush=True)


def keep_running(part: Part, now: float) -> bool:
    """Restart ``part`` if it ended, after its back-off. True when something changed."""
    ended = part.exit_status()
    if ended is None:
        return False
    if part.restart_at == 0.0:
        # A part that ran a while before dying starts the back-off afresh.
        part.backoff = 1.0 if now - part.started_at > 60 else min(part.backoff * 2, MAX_BACKOFF_SECONDS)
        part.restart_at = now + part.backoff
        part.exited = f"{ended} at {now_utc()}"
        say(f"{part.name} {ended}; restart in {part.backoff:.0f}s ({part.log_path})")
        return True
    if now < part.restart_at:
        return False
    part.restarts += 1
    part.restart_at = 0.0
    part.restarted_at = now_utc()
    try:
        part.start()
    except infra.LauncherError as exc:  # e.g. its port not free yet: try again after a longer back-off
        part.started_at = now
        say(f"{part.name} did not start: {exc}")
        return True
    say(f"{part.name} restarted (restart #{part.restarts})")
    return True


def write_state(path: Path, since: str, parts: list[Part]) -> None:
    """What runs and what was restarted, for `make status` (infra.py status)."""
    state = {"pid": os.getpid(), "since": since, "processes": [part.record() for part in parts]}
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(state, indent=1))
    scratch.replace(path)


def supervise(
    procs: list[Supervised],
    stopping: list[bool],
    demo: Supervised | None,
    servers: list[Part],
    state_file: Path,
) -> None:
    """Restart what exits (servers first, then processes); announce the platform once ready, then run
    ``demo`` once (not restarted)."""
    announced = demo_reported = False
    parts: list[Part] = [*servers, *procs]
    since = now_utc()
    write_state(state_file, since, parts)
    while not stopping:
        now = time.monotonic()
        changed = [keep_running(part, now) for part in parts]
        if any(changed):
            write_state(state_file, since, parts)
        if not announced and all(p.ready_url is None or ready(p.ready_url) for p in procs):
            announced = True
            say("ready:")
            for proc in procs:
                if proc.ready_url:
                    address = proc.ready_url.rsplit("/", 1)[0]
                    say(f"  {proc.name}: {address}  (API docs: {address}/docs)")
            token = subprocess.run(
                [sys.executable, "-m", "govgrid.auth.mint", "--role", "city_admin", "--subject", "dev"],
                capture_output=True,
                text=True,
                cwd=infra.PROJECT_ROOT,
                check=True,
            ).stdout.strip()
            read_api = next(p.ready_url for p in procs if p.name == "read-api" and p.ready_url)
            say(f"  dashboard: {read_api.rsplit('/', 1)[0]}/dashboard/#token={token}")
            say(f"  development token (city admin): {token}")
            say("Ctrl-C stops everything.")
            if demo is not None:
                demo.start()
                say(f"loading the demo (log: {demo.log_path}) ...")
        if demo is not None and demo.process is not None and not demo_reported:
            code = demo.process.poll()
            if code is not None:
                demo_reported = True
                last = demo.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                outcome = last[-1] if last else ""
                say(outcome if code == 0 else f"demo failed with code {code}: {outcome} ({demo.log_path})")
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the govgrid platform in the foreground.")
    parser.add_argument(
        "--home", default=os.environ.get("GOVGRID_INFRA_HOME", str(infra.PROJECT_ROOT / ".local" / "infra"))
    )
    parser.add_argument(
        "--keep-infra", action="store_true", help="leave Kafka and PostgreSQL running on exit"
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load the Danzhou demo into an empty platform"
    )
    parser.add_argument(
        "--brokers",
        type=int,
        choices=(1, 3),
        default=int(os.environ.get("GOVGRID_KAFKA_BROKERS", "1")),
        help="one Kafka broker, or a cluster of 3 (topics replicated 3 times, min.insync.replicas=2)",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        choices=(1, 2),
        default=int(os.environ.get("GOVGRID_REPLICAS", "1")),
        help="processes per write service, relay and projection worker",
    )
    parser.add_argument(
        "--services",
        type=lambda names: tuple(names.split(",")),
        default=WRITE_SERVICE_NAMES,
        help="comma-separated write services to run (default: all; the fault tests run appointments)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(WRITE_SERVICE_NAMES)
    if unknown:
        parser.error(f"unknown write services: {', '.join(sorted(unknown))}")
    inst = infra.Instance(
        Path(args.home).resolve(),
        int(os.environ.get("GOVGRID_KAFKA_PORT", "9092")),
        int(os.environ.get("GOVGRID_PG_PORT", "5432")),
        args.brokers,
    )
    stopping: list[bool] = []
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        say("starting Kafka and PostgreSQL ...")
        infra.start(inst, infra.SERVERS, timeout=180)
    except infra.LauncherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    logs = inst.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs = services(sys.executable, inst, logs, args.replicas, args.services)
    demo = (
        None
        if args.no_demo
        else Supervised(
            name="demo",
            command=[sys.executable, "-m", "demo"],
            env={**os.environ, **service_urls()},
            log_path=logs / "demo.log",
        )
    )
    for proc in procs:
        proc.start()
        say(f"{proc.name} started (log: {proc.log_path})")
    state_file = infra.supervisor_state_file(inst)
    try:
        supervise(procs, stopping, demo, servers(inst), state_file)
    finally:
        say("stopping ...")
        for proc in [*([demo] if demo else []), *reversed(procs)]:
            proc.stop()
        state_file.unlink(missing_ok=True)
        if not args.keep_infra:
            infra.stop(inst, infra.SERVERS)
        say("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
