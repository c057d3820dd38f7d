"""The whole platform under load: commands over HTTP at a fixed offered rate, open loop.

    .venv/bin/python bench/platform_load.py rate --rate 500 --seconds 10      one fixed offered rate
    .venv/bin/python bench/platform_load.py knee [--rates 25,50,100,...]     step the rate, then 500/s
    .venv/bin/python bench/platform_load.py cpu [--commands 600]             CPU per command at 10/s
    .venv/bin/python bench/platform_load.py demo                             seconds of `python -m demo`
    ... [--attach]   use the platform `make up` runs (its ports, its .local/infra) instead of starting one

Without --attach it starts the whole platform itself (deploy/local/supervisor.py --no-demo, its own
throw-away Kafka and PostgreSQL on free ports in a temporary folder) and stops it at the end.

Open loop: command i is due at ``start + i / rate`` and is sent then, whatever the earlier answers do;
its latency counts from the moment it was due, so a slow platform cannot hide behind a slow client
("coordinated omission", wrk2). Every run is bounded in commands (--max-commands) and in time.
Only local addresses are accepted: the generator refuses any URL that does not resolve to loopback.

The mix is the services' real commands, each with its own Idempotency-Key: village registrations
(appointments), disputes registered (mediation) and leads submitted (tips) in a seeded village.
Reported per run: offered and achieved rate, answers by status, acknowledgement latency and, for the
village registrations, command -> read-model latency (p50, p99, p99.9): the read API is polled
(GET /org-units?kind=village&parent=..., for each township with a village acknowledged and not seen
yet, every 10 ms), and a village counts as visible at the first answer that lists it.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import itertools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TypeVar

import httpx
from lean_http import Answer
from lean_http import HttpError
from lean_http import LeanClient

from govgrid.auth.principal import Role
from govgrid.auth.tokens import mint_token
from govgrid.config import GovgridSettings
from govgrid.testing.servers import PROJECT_ROOT
from govgrid.testing.servers import free_port_pair

SUPERVISOR = PROJECT_ROOT / "deploy" / "local" / "supervisor.py"
WRITE_SERVICES = {  # service: (port variable, `make up`'s port)
    "appointments": ("APPOINTMENTS_PORT", 8101),
    "patrols": ("PATROLS_PORT", 8102),
    "tips": ("TIPS_PORT", 8103),
    "mediation": ("MEDIATION_PORT", 8104),
    "outreach": ("OUTREACH_PORT", 8105),
}
P99_BOUND_SECONDS = 0.100
READ_MODEL_DRAIN_SECONDS = 60.0  # how long a run waits, after its last command, for the read model
ANSWER_TIMEOUT_SECONDS = 30.0
IN_FLIGHT = 64  # commands the client has on the wire at once (and so connections per service)
RUN_GRACE_SECONDS = 90.0  # how long a run waits, after its last command is due, for the answers
DEMO_TIMEOUT_SECONDS = 1200
POLL_PAUSE_SECONDS = 0.01  # between two reads of the read model: its resolution, and its load
CITY, TOWNSHIP, STATION, VILLAGE = "LC01", "LT01", "LS01", "LV01"  # the seed: one covered village


# --- where the platform is ----------------------------------------------------------------------


@dataclass(frozen=True)
class Addresses:
    """The write services' and the read API's base URLs, and the supervisor's state file (its pids)."""

    services: dict[str, str]
    read_api: str
    state_file: Path


def refuse_unless_local(url: str) -> None:
    """Exit unless every address ``url``'s host resolves to is a loopback address: a load generator
    pointed at someone else's server is a denial of service."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise SystemExit(f"refused: {url} does not resolve") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refused: {url} is not a local address ({', '.join(sorted(addresses))})")


def attached() -> Addresses:
    """The platform `make up` runs: the same variables as the supervisor and the demo read."""
    services = {
        name: os.environ.get(f"{name.upper()}_URL", f"http://127.0.0.1:{os.environ.get(var, str(port))}")
        for name, (var, port) in WRITE_SERVICES.items()
    }
    read_api = os.environ.get("READ_API_URL", f"http://127.0.0.1:{os.environ.get('READ_API_PORT', '8100')}")
    home = Path(os.environ.get("GOVGRID_INFRA_HOME", str(PROJECT_ROOT / ".local" / "infra")))
    return Addresses(services, read_api, home.resolve() / "supervisor.json")


@contextmanager
def own_platform() -> Iterator[Addresses]:
    """deploy/local/supervisor.py --no-demo in a throw-away folder on free ports; stopped (SIGINT, as
    Ctrl-C) on the way out, its folder removed."""
    home = Path(tempfile.mkdtemp(prefix="govgrid-load-"))
    ports = {var: free_port_pair() for var, _ in WRITE_SERVICES.values()}
    read_port = free_port_pair()
    env = {
        **os.environ,
        "GOVGRID_INFRA_HOME": str(home),
        "GOVGRID_KAFKA_PORT": str(free_port_pair()),
        "GOVGRID_PG_PORT": str(free_port_pair()),
        "READ_API_PORT": str(read_port),
        "FIELD_PORT": str(free_port_pair()),
        **{var: str(port) for var, port in ports.items()},
    }
    for variable in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"):  # the platform brings its own
        env.pop(variable, None)
    log = open(home / "supervisor.out", "wb")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        [sys.executable, str(SUPERVISOR), "--no-demo", "--home", str(home)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        services = {name: f"http://127.0.0.1:{ports[var]}" for name, (var, _) in WRITE_SERVICES.items()}
        addresses = Addresses(services, f"http://127.0.0.1:{read_port}", home / "supervisor.json")
        wait_ready(addresses, process, home / "supervisor.out")
        yield addresses
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=120)
        log.close()
        subprocess.run(["rm", "-rf", str(home)], check=False)


def wait_ready(
    addresses: Addresses, process: subprocess.Popen[bytes], log: Path, timeout: float = 300
) -> None:
    urls = [f"{url}/readyz" for url in addresses.services.values()] + [f"{addresses.read_api}/healthz"]
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the platform stopped: {log.read_text(errors='replace')[-2000:]}")
        waiting = [url for url in urls if not _answers(url)]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"not ready after {timeout:.0f}s: {waiting}")
        time.sleep(1)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# --- the commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One command: what it was, when it was due and when it was answered (monotonic seconds)."""

    what: str  # the new village's code, "dispute" or "lead"
    due: float
    answered: float
    status: int | str  # the HTTP status, or the transport error's name


VILLAGES_PER_TOWNSHIP = 50  # the read model is polled per township: small answers, only where pending


class Mix:
    """Command i of a run: village registrations (every other command), disputes registered and leads
    submitted in turn. Every key and every new code carries the run's name, so runs never collide;
    the run's villages are spread over townships of their own, registered before the run."""

    def __init__(self, run: str) -> None:
        self.run = run

    def villages(self, commands: int) -> int:
        return (commands + 1) // 2

    def township(self, village: int) -> str:
        return f"L{self.run}T{village // VILLAGES_PER_TOWNSHIP}"

    def village(self, n: int) -> tuple[str, str, str, dict[str, Any]]:
        code = f"L{self.run}V{n}"
        body = {
            "code": code,
            "kind": "village",
            "name_zh": "负载村",
            "name_en": code,
            "parent_code": self.township(n),
        }
        return code, "appointments", "/org-units", body

    def command(self, i: int) -> tuple[str, str, str, dict[str, Any]]:
        """(what, service, path, body) of command ``i``; ``what`` is the new village's code for a
        village registration."""
        if i % 2 == 0:
            return self.village(i // 2)
        if i % 4 == 1:
            dispute = {
                "source": "walk_in",
                "village_code": VILLAGE,
                "category": "land_or_house",
                "parties": [
                    {"label": "party-A", "role": "claimant"},
                    {"label": "party-B", "role": "respondent"},
                ],
                "description": "party-A says party-B's new wall stands on party-A's homestead land.",
                "registered_on": "2024-03-01",
            }
            return "dispute", "mediation", "/disputes", dispute
        lead = {
            "channel": "wechat_group",
            "category": "safety_hazard",
            "place_code": VILLAGE,
            "description": "村口桥面有裂缝",
        }
        return "lead", "tips", "/leads", lead


class VillageMix(Mix):
    """Village registrations only: the command the issue's CPU figure was measured with."""

    def villages(self, commands: int) -> int:
        return commands

    def command(self, i: int) -> tuple[str, str, str, dict[str, Any]]:
        return self.village(i)


@dataclass
class Client:
    addresses: Addresses
    token: str
    clients: dict[str, LeanClient] = field(default_factory=dict)

    def http(self, service: str) -> LeanClient:
        if service not in self.clients:
            base = self.addresses.read_api if service == "read" else self.addresses.services[service]
            self.clients[service] = LeanClient(
                base, {"Authorization": f"Bearer {self.token}"}, IN_FLIGHT, ANSWER_TIMEOUT_SECONDS
            )
        return self.clients[service]

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def post(self, service: str, path: str, body: object, key: str) -> Answer:
        return await self.http(service).post(path, body, headers={"Idempotency-Key": key})

    async def villages_in(self, township: str) -> set[str]:
        """The villages of ``township`` the read model knows."""
        answer = await self.http("read").get("/org-units", params={"kind": "village", "parent": township})
        if answer.status_code != 200:
            raise HttpError(f"the read API answered {answer.status_code}: {answer.text}")
        return {unit["code"] for unit in answer.json()}


async def seed(client: Client) -> None:
    """The city, a township, a police station and one village it covers; then wait until mediation and
    tips know the village (they learn it from the appointments topic)."""
    units = [
        {"code": CITY, "kind": "city", "name_zh": "负载市", "name_en": "Load city"},
        {
            "code": TOWNSHIP,
            "kind": "township",
            "name_zh": "负载镇",
            "name_en": "Load town",
            "parent_code": CITY,
        },
        {
            "code": STATION,
            "kind": "police_station",
            "name_zh": "负载所",
            "name_en": "Load station",
            "parent_code": CITY,
        },
        {
            "code": VILLAGE,
            "kind": "village",
            "name_zh": "负载村",
            "name_en": "Load village",
            "parent_code": TOWNSHIP,
        },
    ]
    for unit in units:
        answer = await client.post("appointments", "/org-units", unit, f"load-seed-{unit['code']}")
        assert answer.status_code in (200, 201), answer.text
    coverage = {"station_code": STATION, "effective_from": "2020-01-01"}
    answer = await client.post(
        "appointments", f"/org-units/{VILLAGE}/coverage", coverage, "load-seed-coverage"
    )
    assert answer.status_code == 200, answer.text
    mix = Mix("seed")
    for i, kind in ((1, "dispute"), (3, "lead")):
        _, service, path, body = mix.command(i)
        deadline = time.monotonic() + 120
        while (answer := await client.post(service, path, body, f"load-seed-{kind}")).status_code != 201:
            if time.monotonic() > deadline:
                raise SystemExit(f"{service} does not take a {kind} after 120 s: {answer.text}")
            await asyncio.sleep(0.5)


# --- one run at a fixed offered rate ----------------------------------------------------------------


@dataclass
class Run:
    rate: float
    commands: int
    sent: list[Sent]
    seconds: float  # from the first command due to the last one answered
    lateness: float  # how late the client itself sent its most late command
    visible_after: list[float]  # command -> read model, for each village registration acknowledged

    def villages_acknowledged(self) -> int:
        return sum(
            1 for s in self.sent if s.what not in ("dispute", "lead", "unanswered") and s.status == 201
        )


async def register_townships(client: Client, mix: Mix, commands: int) -> None:
    townships = sorted({mix.township(n) for n in range(mix.villages(commands))})
    gate = asyncio.Semaphore(8)

    async def register(code: str) -> None:
        body = {"code": code, "kind": "township", "name_zh": "负载镇", "name_en": code, "parent_code": CITY}
        async with gate:
            answer = await client.post("appointments", "/org-units", body, f"load-{code}")
        assert answer.status_code in (200, 201), answer.text

    await asyncio.gather(*(register(code) for code in townships))


async def measure(client: Client, mix: Mix, rate: float, commands: int) -> dict[str, Any]:
    await register_townships(client, mix, commands)
    return report(await offer(client, mix, rate, commands))


async def offer(client: Client, mix: Mix, rate: float, commands: int, poll_pause: float = 0.01) -> Run:
    """Send ``commands`` at ``rate`` per second, open loop, while polling the read model for the
    villages acknowledged and not seen yet (one request per township that has some, ``poll_pause``
    between rounds); after the last answer, wait for the read model a while. The run's townships
    must be registered (register_townships)."""
    loop = asyncio.get_running_loop()
    sent: list[Sent] = []
    pending: dict[str, Sent] = {}  # village code: its command, acknowledged, not seen yet
    visible_after: list[float] = []
    sending = True
    # As wrk2 keeps a fixed set of connections: commands beyond IN_FLIGHT wait their turn in the
    # client (their latency still counts from when they were due). httpx's pool would queue them
    # itself, at a cost that grows with the square of the queue (a client stuck at 500/s).
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def poll() -> None:
        drained_by = None
        while sending or pending:
            if not sending:
                drained_by = drained_by or loop.time() + READ_MODEL_DRAIN_SECONDS
                if loop.time() > drained_by:
                    return
            townships = {mix.township(int(code.rsplit("V", 1)[1])) for code in pending}
            answers = await asyncio.gather(
                *(client.villages_in(t) for t in townships), return_exceptions=True
            )
            at = loop.time()
            for seen in answers:
                if isinstance(seen, BaseException):  # the read API overloaded: asked again next round
                    if not isinstance(seen, HttpError):
                        raise seen
                    continue
                for code in seen & pending.keys():
                    visible_after.append(at - pending.pop(code).due)
            await asyncio.sleep(poll_pause)

    async def send(i: int, due: float) -> None:
        what, service, path, body = mix.command(i)
        async with in_flight:  # waiting here is the platform being slow: it counts from ``due``
            try:
                answer = await client.post(service, path, body, f"load-{mix.run}-{i}")
                status: int | str = answer.status_code
            except HttpError as exc:
                status = type(exc.__cause__ or exc).__name__
        command = Sent(what, due, loop.time(), status)
        sent.append(command)
        if service == "appointments" and status == 201:
            pending[what] = command

    poller = asyncio.create_task(poll())
    start = loop.time() + 0.1
    lateness = 0.0
    tasks = []
    for i in range(commands):
        due = start + i / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        lateness = max(lateness, loop.time() - due)
        tasks.append(asyncio.create_task(send(i, due)))
    _, late = await asyncio.wait(tasks, timeout=RUN_GRACE_SECONDS)
    for task in late:  # bounded in time: what is still unanswered is cancelled and counted
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    sending = False
    await poller
    sent += [Sent("unanswered", start + commands / rate, loop.time(), "gave_up") for _ in late]
    seconds = max(s.answered for s in sent) - start
    return Run(rate, commands, sent, seconds, lateness, visible_after)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = math.ceil(len(ordered) * p / 100)
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def ms(values: Sequence[float]) -> str:
    return " / ".join(f"{percentile(values, p) * 1000:.0f}" for p in (50, 99, 99.9))


def summary(run: Run) -> dict[str, Any]:
    acked = [s.answered - s.due for s in run.sent if s.status in (200, 201)]
    all_answers = [s.answered - s.due for s in run.sent]
    return {
        "offered_per_s": run.rate,
        "commands": run.commands,
        "achieved_per_s": round(len(acked) / run.seconds, 1) if run.seconds > 0 else 0.0,
        "answers": dict(Counter(str(s.status) for s in run.sent)),
        "by_kind": dict(
            Counter(s.what if s.what in ("dispute", "lead", "unanswered") else "village" for s in run.sent)
        ),
        "ack_p99_s": percentile(all_answers, 99),
        "ack_ms_p50_p99_p999": ms(all_answers),
        "read_model_ms_p50_p99_p999": ms(run.visible_after),
        "villages_seen": f"{len(run.visible_after)} of {run.villages_acknowledged()}",
        "client_lateness_ms": round(run.lateness * 1000, 1),
    }


def report(run: Run) -> dict[str, Any]:
    figures = summary(run)
    print(json.dumps({k: v for k, v in figures.items() if k != "ack_p99_s"}, ensure_ascii=False), flush=True)
    return figures


def within_bound(figures: dict[str, Any]) -> bool:
    """p99 of every answer (errors too) within 100 ms, and nothing but acknowledgements."""
    return bool(figures["ack_p99_s"] <= P99_BOUND_SECONDS) and set(figures["answers"]) <= {"200", "201"}


# --- CPU per command ---------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")


def platform_pids(state_file: Path) -> dict[str, int]:
    """Every supervised part's pid (services, relays, projection worker, read API, PostgreSQL's
    postmaster, Kafka), from the supervisor's state file."""
    state = json.loads(state_file.read_text())
    return {p["name"]: p["pid"] for p in state["processes"] if p["pid"] is not None}


def cpu_ticks(roots: dict[str, int]) -> Counter[str]:
    """utime + stime (clock ticks) of each part and all its descendants (PostgreSQL's backends)."""
    stats: dict[int, tuple[int, int]] = {}  # pid: (parent, ticks)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    ticks: Counter[str] = Counter()
    for name, root in roots.items():
        todo = [root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                ticks[name] += stats[pid][1]
                todo += children.get(pid, [])
    return ticks


async def idle_ticks(roots: dict[str, int], seconds: float) -> Counter[str]:
    before = cpu_ticks(roots)
    await asyncio.sleep(seconds)
    return cpu_ticks(roots) - before


@dataclass(frozen=True)
class NetCpu:
    """CPU ticks of each part over a loaded window, and over as long idle."""

    commands: int
    seconds: float  # the loaded window
    loaded: Counter[str]
    idle: dict[str, float]

    @property
    def ms_per_command(self) -> dict[str, float]:
        """Each part's CPU per command net of idle, ms; the busiest part first."""
        return {
            name: (self.loaded[name] - self.idle[name]) * 1000 / TICK / self.commands
            for name in sorted(self.idle, key=lambda n: -self.loaded[n])
        }


async def cpu_net_of_idle(
    roots: dict[str, int], commands: int, rate: float, load: Callable[[], Awaitable[T]]
) -> tuple[T, NetCpu]:
    """``load()`` (``commands`` at ``rate``/s) and the CPU of the parts at ``roots`` while it ran, beside
    the same parts idle for as long: the mean of an idle window before it and one after it (a JVM's
    idle CPU wanders)."""
    idle_before = await idle_ticks(roots, commands / rate)
    before, started = cpu_ticks(roots), time.monotonic()
    result = await load()
    loaded, seconds = cpu_ticks(roots) - before, time.monotonic() - started
    await asyncio.sleep(5)
    idle_after = await idle_ticks(roots, seconds)
    idle_share = seconds / (commands / rate + seconds)  # idle ticks over ``seconds``, from both windows
    idle = {name: (idle_before[name] + idle_after[name]) * idle_share for name in roots}
    return result, NetCpu(commands, seconds, loaded, idle)


async def cpu_per_command(client: Client, addresses: Addresses, commands: int, rate: float) -> None:
    """CPU of every platform process over ``commands`` village registrations at ``rate``/s, minus the
    same platform idle for as long: ms per command, per process and in all."""
    roots = platform_pids(addresses.state_file)
    warm_up, measured = VillageMix(f"w{int(time.time())}"), VillageMix(f"c{int(time.time())}")
    await register_townships(client, warm_up, 20)
    await register_townships(client, measured, commands)
    await offer(client, warm_up, rate, 20, poll_pause=1.0)  # connections, caches
    await asyncio.sleep(5)
    run, cpu = await cpu_net_of_idle(
        roots, commands, rate, lambda: offer(client, measured, rate, commands, poll_pause=1.0)
    )
    report(run)
    per_command = cpu.ms_per_command
    print(f"CPU over {cpu.seconds:.1f} s loaded, net of the same platform idle, ms per command:")
    for name, value in per_command.items():
        print(
            f"  {name:<24} {value:7.2f}"
            f"   (loaded {cpu.loaded[name] / TICK:6.2f} s, idle {cpu.idle[name] / TICK:6.2f} s in as long)"
        )
    print(f"  {'all platform processes':<24} {sum(per_command.values()):7.2f}")


# --- the command line --------------------------------------------------------------------------------


def time_demo(addresses: Addresses) -> None:
    """`python -m demo` (8,658 commands through the HTTP APIs) on the platform, timed."""
    env = {**os.environ, **{f"{name.upper()}_URL": url for name, url in addresses.services.items()}}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "demo"], env=env, cwd=PROJECT_ROOT, timeout=DEMO_TIMEOUT_SECONDS
    )
    print(f"python -m demo: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)


async def main_async(args: argparse.Namespace, addresses: Addresses) -> None:
    for url in [*addresses.services.values(), addresses.read_api]:
        refuse_unless_local(url)
    if args.mode == "demo":
        time_demo(addresses)
        return
    token = mint_token(GovgridSettings(), "platform-load", Role.CITY_ADMIN, [], ttl_seconds=3600)
    client = Client(addresses, token)
    run_prefix = f"{int(time.time()) % 100000}"
    counter = itertools.count()
    try:
        await seed(client)
        if args.mode == "cpu":
            await cpu_per_command(client, addresses, min(args.commands, args.max_commands), args.cpu_rate)
            return
        # Warm-up, not reported: the first commands open connections and fill caches in every process.
        warm_up = Mix(f"{run_prefix}w")
        await register_townships(client, warm_up, 40)
        await offer(client, warm_up, 10, 40)
        if args.mode == "rate":
            commands = min(int(args.rate * args.seconds), args.max_commands)
            await measure(client, Mix(f"{run_prefix}r{next(counter)}"), args.rate, commands)
            return
        best = None
        for rate in args.rates:
            commands = min(int(rate * args.step_seconds), args.max_commands)
            figures = await measure(client, Mix(f"{run_prefix}k{next(counter)}"), rate, commands)
            if not within_bound(figures):
                break
            best = rate
        print(f"highest offered rate with p99 <= 100 ms and no error: {best} cmd/s", flush=True)
        commands = min(int(500 * args.seconds), args.max_commands)
        print("at 500 cmd/s offered:", flush=True)
        await measure(client, Mix(f"{run_prefix}f{next(counter)}"), 500, commands)
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("rate", "knee", "cpu", "demo"))
    parser.add_argument("--attach", action="store_true", help="load the platform `make up` runs")
    parser.add_argument("--rate", type=float, default=100.0, help="rate: commands per second offered")
    parser.add_argument("--seconds", type=float, default=10.0, help="rate, and knee's 500/s: seconds offered")
    parser.add_argument(
        "--rates",
        type=lambda s: [float(r) for r in s.split(",")],
        default=[5, 10, 25, 50, 100, 200, 300, 400, 500],
        help="knee: the offered rates to step through, until p99 leaves 100 ms",
    )
    parser.add_argument("--step-seconds", type=float, default=10.0, help="knee: seconds per step")
    parser.add_argument("--commands", type=int, default=600, help="cpu: village registrations measured")
    parser.add_argument("--cpu-rate", type=float, default=10.0, help="cpu: their rate")
    parser.add_argument("--max-commands", type=int, default=10_000, help="bound on any one run")
    args = parser.parse_args(argv)
    # A stop by SIGTERM (a timeout) unwinds like Ctrl-C: the platform this started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.attach:
        asyncio.run(main_async(args, attached()))
    else:
        with own_platform() as addresses:
            asyncio.run(main_async(args, addresses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
