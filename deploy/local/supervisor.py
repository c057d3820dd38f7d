"""Run the whole platform on one machine, in the foreground: Kafka and PostgreSQL (infra.py), then
every service process, supervised. Ctrl-C stops everything.

    .venv/bin/python deploy/local/supervisor.py [--home DIR] [--keep-infra] [--no-demo]   (`make up`)

- A process that exits is reported and restarted, with a back-off (1 s doubling to 30 s).
- Each process logs to <home>/logs/<name>.log; this window shows the supervisor's own lines.
- When the services answer /readyz, it prints their addresses and a development token, then loads the
  Danzhou demo (`python -m demo`) through the services' APIs if the platform is empty; --no-demo skips it.
Ports: GOVGRID_KAFKA_PORT, GOVGRID_PG_PORT (infrastructure), READ_API_PORT (8100), APPOINTMENTS_PORT (8101),
PATROLS_PORT (8102), TIPS_PORT (8103), MEDIATION_PORT (8104), OUTREACH_PORT (8105).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import infra  # the sibling launcher: this script's folder is on sys.path when run as a script

MAX_BACKOFF_SECONDS = 30.0


@dataclass
class Supervised:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    ready_url: str | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    backoff: float = 1.0
    restart_at: float = 0.0
    started_at: float = 0.0

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

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# The write services: (name, port variable, default port). Each runs with its outbox relay.
WRITE_SERVICES = (
    ("appointments", "APPOINTMENTS_PORT", 8101),
    ("patrols", "PATROLS_PORT", 8102),
    ("tips", "TIPS_PORT", 8103),
    ("mediation", "MEDIATION_PORT", 8104),
    ("outreach", "OUTREACH_PORT", 8105),
)


def service_urls() -> dict[str, str]:
    """The write services' addresses, as the demo reads them (demo/settings.py: APPOINTMENTS_URL...)."""
    return {
        f"{name.upper()}_URL": f"http://127.0.0.1:{os.environ.get(variable, str(default))}"
        for name, variable, default in WRITE_SERVICES
    }


def services(python: str, inst: infra.Instance, logs: Path) -> list[Supervised]:
    env = {
        **os.environ,
        "DATABASE_URL": inst.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": inst.kafka_bootstrap,
    }
    procs: list[Supervised] = []
    for name, variable, default in WRITE_SERVICES:
        port = os.environ.get(variable, str(default))
        procs += [
            Supervised(
                name,
                [python, "-m", f"services.{name}"],
                {**env, "HTTP_PORT": port},
                logs / f"{name}.log",
                ready_url=f"http://127.0.0.1:{port}/readyz",
            ),
            Supervised(
                f"{name}-relay",
                [python, "-m", "govgrid.outbox", "--service", name],
                env,
                logs / f"{name}-relay.log",
            ),
        ]
    read_port = os.environ.get("READ_API_PORT", "8100")
    return [
        *procs,
        Supervised(
            "projections-worker",
            [python, "-m", "services.projections.worker", "worker", "--without-web", "-l", "warn"],
            env,
            logs / "projections-worker.log",
        ),
        Supervised("alerts", [python, "-m", "services.alerts"], env, logs / "alerts.log"),
        Supervised(
            "read-api",
            [python, "-m", "services.projections"],
            {**env, "HTTP_PORT": read_port},
            logs / "read-api.log",
            ready_url=f"http://127.0.0.1:{read_port}/healthz",
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


def supervise(procs: list[Supervised], stopping: list[bool], demo: Supervised | None) -> None:
    """Restart what exits; announce the platform once ready, then run ``demo`` once (not restarted)."""
    announced = demo_reported = False
    while not stopping:
        now = time.monotonic()
        for proc in procs:
            assert proc.process is not None
            code = proc.process.poll()
            if code is not None and proc.restart_at == 0.0:
                # A process that ran a while before dying starts the back-off afresh.
                proc.backoff = (
                    1.0 if now - proc.started_at > 60 else min(proc.backoff * 2, MAX_BACKOFF_SECONDS)
                )
                proc.restart_at = now + proc.backoff
                say(f"{proc.name} exited with code {code}; restart in {proc.backoff:.0f}s ({proc.log_path})")
            elif code is not None and now >= proc.restart_at:
                proc.restarts += 1
                proc.restart_at = 0.0
                proc.start()
                say(f"{proc.name} restarted (restart #{proc.restarts})")
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
    args = parser.parse_args(argv)
    inst = infra.Instance(
        Path(args.home).resolve(),
        int(os.environ.get("GOVGRID_KAFKA_PORT", "9092")),
        int(os.environ.get("GOVGRID_PG_PORT", "5432")),
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
    procs = services(sys.executable, inst, logs)
    demo = (
        None
        if args.no_demo
        else Supervised(
            "demo", [sys.executable, "-m", "demo"], {**os.environ, **service_urls()}, logs / "demo.log"
        )
    )
    for proc in procs:
        proc.start()
        say(f"{proc.name} started (log: {proc.log_path})")
    try:
        supervise(procs, stopping, demo)
    finally:
        say("stopping ...")
        for proc in [*([demo] if demo else []), *reversed(procs)]:
            proc.stop()
        if not args.keep_infra:
            infra.stop(inst, infra.SERVERS)
        say("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
