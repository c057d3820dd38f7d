"""The platform as an operator runs it for a province, on one machine: `deploy/local/supervisor.py`
with a 3-broker Kafka cluster, two replicas of the write service, two relays and two projection
workers; a steady load of commands from clients that retry as the API asks; and the faults an
operator meets, each injected by process id."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import asyncpg

from govgrid.testing.servers import LAUNCHER
from govgrid.testing.servers import free_port_pair
from govgrid.testing.servers import free_ports
from govgrid.testing.supervised import SupervisorRun

SERVICE = "appointments"
RELAY_LOCK_CLASS = 0x7265  # govgrid.outbox.relay.RELAY_LOCK_CLASS


@dataclass
class Answer:
    """One HTTP exchange of the load: its status (0: no answer, the connection failed or timed out)."""

    status: int
    retry_after: str | None
    is_retry: bool
    at: float


class Platform(SupervisorRun):
    """The supervisor in a home of its own, every port free."""

    def __init__(self) -> None:
        home = Path(tempfile.mkdtemp(prefix="govgrid-faults-"))
        home.chmod(0o755)
        self.kafka_port, self.pg_port = free_ports(6), free_port_pair()
        self.api_port, self.read_port = free_port_pair(), free_port_pair()
        ports = {
            "GOVGRID_KAFKA_PORT": self.kafka_port,
            "GOVGRID_PG_PORT": self.pg_port,
            "APPOINTMENTS_PORT": self.api_port,
            "READ_API_PORT": self.read_port,
            "FIELD_PORT": free_port_pair(),
        }
        args = ["--no-demo", "--brokers", "3", "--replicas", "2", "--services", SERVICE]
        super().__init__(home, args, ports)

    def stop_and_keep_logs(self, keep_logs: Path) -> None:
        self.stop()
        (keep_logs / "supervisor.log").write_text("\n".join(self.lines))
        for log in [*self.home.glob("logs/*.log"), *self.home.glob("kafka/node-*/kafka.log*")]:
            shutil.copy(log, keep_logs / "-".join(log.relative_to(self.home).parts))
        shutil.copy(self.home / "postgres" / "postgres.log", keep_logs / "postgres.log")
        subprocess.run(["rm", "-rf", str(self.home)], check=False)

    @property
    def database_url(self) -> str:
        return f"postgresql://govgrid:govgrid@127.0.0.1:{self.pg_port}/govgrid"

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{self.kafka_port + 2 * node}" for node in range(3))

    def infra_status(self) -> dict[str, Any]:
        where = ["--home", str(self.home), "--kafka-port", str(self.kafka_port)]
        where += ["--pg-port", str(self.pg_port), "--brokers", "3"]
        result = subprocess.run(
            [sys.executable, str(LAUNCHER), "status", "--json", *where], capture_output=True, text=True
        )
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def pids(self) -> dict[str, int | None]:
        """Every supervised part's pid (None while it is down), from the supervisor's record; a pid
        that no longer runs is None too (the record is written half a second after a death at worst)."""
        state = json.loads((self.home / "supervisor.json").read_text())
        return {part["name"]: part["pid"] if runs(part["pid"]) else None for part in state["processes"]}

    def query(self, sql: str, *args: object) -> list[asyncpg.Record]:
        async def fetch() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(self.database_url, timeout=5)
            try:
                rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
                return rows
            finally:
                await conn.close()

        return asyncio.run(fetch())

    def active_relay(self) -> str:
        """The relay holding the publishing lock (its application_name, set by the supervisor)."""
        rows = self.query(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.granted",
            RELAY_LOCK_CLASS,
        )
        assert len(rows) == 1, rows
        name: str = rows[0]["application_name"]
        return name

    def unpublished(self) -> int:
        count: int = self.query(f"SELECT count(*) FROM {SERVICE}.outbox WHERE published_at IS NULL")[0][0]
        return count


def runs(pid: int | None) -> bool:
    """Whether ``pid`` is a live process (a zombie is dead)."""
    try:
        return pid is not None and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def call(
    method: str, url: str, token: str, body: dict[str, Any] | None = None, key: str | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request; status 0 when no answer came (connection refused or reset, timeout)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")
    except (OSError, TimeoutError):  # URLError, ConnectionResetError, RemoteDisconnected...
        return 0, {}, None


@dataclass
class Load:
    """Clients registering villages under one township at a steady rate, each command with its own
    Idempotency-Key, retried with that key until it gets an answer: after no answer at once, after a
    503 when Retry-After says."""

    base_url: str
    token: str
    parent: str
    rate_per_second: float = 4.0
    clients: int = 2
    answers: list[Answer] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # village codes, in the order answered
    failed: list[tuple[str, int, Any]] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for client in range(self.clients):
            thread = threading.Thread(target=self._client, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a client is still retrying a command after 2 minutes"

    def statuses(self) -> Counter[str]:
        return answer_kinds(self.answers)

    def _client(self, client: int) -> None:
        interval = self.clients / self.rate_per_second
        number = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            number += 1
            self._register(f"F{client}{number:05d}")
            self._stopping.wait(max(0.0, interval - (time.monotonic() - started)))

    def _register(self, code: str) -> None:
        body = {"code": code, "kind": "village", "name_zh": "村", "name_en": code, "parent_code": self.parent}
        key = str(uuid.uuid4())
        is_retry = False
        while True:
            status, headers, answer = call("POST", f"{self.base_url}/org-units", self.token, body, key)
            retry_after = headers.get("Retry-After") or headers.get("retry-after")
            self.answers.append(Answer(status, retry_after, is_retry, time.monotonic()))
            if 200 <= status < 300 or (status == 409 and is_retry):
                self.acknowledged.append(code)
                return
            if status == 0:
                time.sleep(0.5)
            elif status == 503 and retry_after:
                time.sleep(min(float(retry_after), 5.0))
            else:
                self.failed.append((code, status, answer))
                return
            is_retry = True


def answer_kinds(answers: list[Answer]) -> Counter[str]:
    """How often each kind of answer came."""
    kinds: Counter[str] = Counter()
    for answer in answers:
        if answer.status == 0:
            kinds["no answer"] += 1
        elif answer.status == 503:
            kinds["503 with Retry-After" if answer.retry_after else "503 without Retry-After"] += 1
        elif answer.status == 409:
            kinds["409 on a retry" if answer.is_retry else "409 first time"] += 1
        else:
            kinds[str(answer.status)] += 1
    return kinds
