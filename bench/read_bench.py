"""Read-path benchmarks on real Kafka and PostgreSQL, with data they make themselves.

The data: the demo's city (demo/danzhou.py: 19 townships, 34 stations, 204 villages, 408 grids) and
five years of its events through the real catalogue's types, in a realistic mix - each station's
daily police activity, patrols (scheduled, started, two checkpoints, completed), disputes (registered,
mediators, a session, agreement or escalation, closed), leads (received, triaged, verified or
dismissed, closed), enterprise visits and cases, and appointments - on one topic per write service.

1. Rebuild: every read model rebuilt from offset 0 (services.projections.rebuild), events read per
   second over all of them, beside the raw ceiling measured in the same run on the same topics: an
   aiokafka consumer reading every record plus asyncpg COPY of the raw rows, no logic at all; and
   beside the decoding ceiling: the same for each read model's topics, with the records of its types
   decoded (envelope and payload) as its rebuild must before folding them, and nothing more.
2. Live: the real faust worker (python -m services.projections.worker) started on the whole backlog,
   timed until its delivered positions reach the topics' ends (and, reported beside, until its
   consumer group has committed them); one replica, then two sharing the
   partitions (``--replicas``), each on a schema of its own. The topics have the platform's default
   partitions (6).
3. Read API: each summary (coverage, patrols, police activity, disputes, leads, outreach), city scope,
   a one-year period, p99 over R requests through the app in process, with the large data set and
   with a small one (10 k events), asked in turn: the growth is the ratio.

    .venv/bin/python bench/read_bench.py [--events 200000] [--small 10000] [--requests 200] [--json out.json]

Starts its own servers (govgrid/testing/servers.py), or uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS.

Iterating on the read API (3.) without making 1 M events again: with servers of your own
(deploy/local/infra.py start --home DIR), ``--summaries-only --keep`` makes the data, rebuilds it and
measures the summaries only (no ceiling, no live phase) and keeps both read-model schemas, named in the
output as ``kept``; ``--reuse BIG,SMALL`` then measures the summaries on them again (opening them
applies the read models' migrations added since), in seconds. Drop them by hand when done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from rebuild_bench import raw_ceiling

from demo.danzhou import City
from demo.danzhou import build
from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOpened
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import PatrolCompleted
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.catalogue.patrols import PoliceActivityRecorded
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.china_time import occurred_on
from govgrid.config import GovgridSettings
from govgrid.config import get_settings
from govgrid.envelope import EventDraft
from govgrid.envelope import Jurisdiction
from govgrid.kafka import ensure_topics
from govgrid.runtime import collect_garbage_in_bulk
from govgrid.testing.kafka import produce_all
from govgrid.testing.servers import kafka_server
from govgrid.testing.servers import postgres_server
from services.projections.delivery import delivered_positions
from services.projections.generations import Generations
from services.projections.lag import measure_with_progress
from services.projections.main import create_app
from services.projections.positions import KafkaRecords
from services.projections.readmodels import READ_MODELS
from services.projections.rebuild import Rebuild
from services.projections.settings import ProjectionsSettings
from services.projections.worker_process import start_worker
from services.projections.worker_process import stop_workers

# Each topic with as many partitions as the platform makes by default (govgrid/config.py): what the
# worker's replicas share among them.
PARTITIONS: int = GovgridSettings.model_fields["kafka_topic_partitions"].default
SERVICES = ("appointments", "patrols", "mediation", "tips", "outreach")
YEARS = 5
LAST_DAY = date(2026, 11, 30)
FIRST_DAY = LAST_DAY - timedelta(days=365 * YEARS)
PARTIES = (Party(label="party-A", role=PartyRole.CLAIMANT), Party(label="party-B", role=PartyRole.RESPONDENT))


@dataclass
class Streams:
    """Envelopes of many streams, each numbered in order, on the topic of their write service."""

    out: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)

    def add(
        self, service: str, stream_id: str, payload: DomainEvent, at: datetime, where: Jurisdiction
    ) -> None:
        version = self.versions.get(stream_id, 0) + 1
        self.versions[stream_id] = version
        draft = EventDraft(payload, at, where, "bench", uuid.uuid4())
        envelope = draft.seal(stream_id, version, at)
        self.out.append((service, stream_id.encode(), envelope.to_json_bytes()))


def organisation(city: City, s: Streams) -> None:
    at = occurred_on(FIRST_DAY)
    s.add(
        "appointments",
        "orgunit-C4604",
        OrganisationUnitRegistered(
            code="C4604", kind=OrgUnitKind.CITY, name_zh="儋州市", name_en="Danzhou", parent_code=None
        ),
        at,
        Jurisdiction(),
    )
    for t in city.townships:
        unit = OrganisationUnitRegistered(
            code=t.code, kind=OrgUnitKind(t.kind), name_zh=t.name_zh, name_en=t.name_en, parent_code="C4604"
        )
        s.add("appointments", f"orgunit-{t.code}", unit, at, Jurisdiction(township=t.code))
    for st in city.stations:
        unit = OrganisationUnitRegistered(
            code=st.code,
            kind=OrgUnitKind.POLICE_STATION,
            name_zh=st.name_zh,
            name_en=st.name_en,
            parent_code="C4604",
        )
        s.add("appointments", f"orgunit-{st.code}", unit, at, Jurisdiction(station=st.code))
    for v in city.villages:
        where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
        unit = OrganisationUnitRegistered(
            code=v.code,
            kind=OrgUnitKind(v.kind),
            name_zh=v.name_zh,
            name_en=v.name_en,
            parent_code=v.township_code,
        )
        s.add("appointments", f"orgunit-{v.code}", unit, at, where)
        covered = VillageCoverageAssigned(
            station_code=v.station_code, village_code=v.code, effective_from=FIRST_DAY
        )
        s.add("appointments", f"orgunit-{v.code}", covered, at, where)
        for grid in v.grid_codes:
            unit = OrganisationUnitRegistered(
                code=grid,
                kind=OrgUnitKind.GRID,
                name_zh=f"{grid}网格",
                name_en=f"Grid {grid}",
                parent_code=v.code,
            )
            s.add("appointments", f"orgunit-{grid}", unit, at, where)
    for n, v in enumerate(city.villages):  # a deputy party secretary in most villages
        if n % 5 == 4:
            continue
        where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
        ident = f"dep-{v.code}"
        nominated = AppointmentNominated(
            appointment_id=ident,
            kind=AppointmentKind.DEPUTY_PARTY_SECRETARY,
            person_id=f"PO{n:03d}",
            station_code=v.station_code,
            village_code=v.code,
            term_start=FIRST_DAY,
            term_end=LAST_DAY + timedelta(days=365),
        )
        s.add("appointments", f"appointment-{ident}", nominated, at, where)
        approved = AppointmentApproved(appointment_id=ident, approved_on=FIRST_DAY + timedelta(days=20))
        s.add("appointments", f"appointment-{ident}", approved, at, where)


def city_events(n: int, seed: int = 7) -> list[tuple[str, bytes, bytes]]:
    """About ``n`` events: the organisation, then each day's activity over five years."""
    rng = random.Random(seed)
    city = build()
    s = Streams()
    organisation(city, s)
    days = (LAST_DAY - FIRST_DAY).days + 1
    per_day = n / days
    # Each station's daily figures while the budget allows (a station-day is one stream), the rest in
    # shares: patrols 5 events each, disputes 5, leads 4, enterprise visits with a case 3.
    stations_a_day = min(len(city.stations), round(0.1 * per_day))
    rates = {
        "patrol": 0.5 * per_day / 5,
        "dispute": 0.2 * per_day / 5,
        "lead": 0.12 * per_day / 4,
        "enterprise": 0.08 * per_day / 3,
    }
    counters = dict.fromkeys(rates, 0)
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        noon = occurred_on(day)
        for st in rng.sample(city.stations, stations_a_day):
            figures = PoliceActivityRecorded(
                station_code=st.code,
                day=day,
                calls_for_service=rng.randint(5, 40),
                criminal_cases=rng.randint(0, 3),
                public_security_cases=rng.randint(0, 6),
            )
            s.add("patrols", f"police-activity-{st.code}-{day}", figures, noon, Jurisdiction(station=st.code))
        for kind, rate in rates.items():
            for _ in range(int(rate) + (rng.random() < rate - int(rate))):
                counters[kind] += 1
                village = city.villages[rng.randrange(len(city.villages))]
                ident = f"{kind[0].upper()}{counters[kind]:07d}"
                MAKERS[kind](s, ident, village, day, rng)
        if len(s.out) >= n:
            break
    return s.out


def _patrol(s: Streams, ident: str, v: Any, day: date, rng: random.Random) -> None:
    station = Jurisdiction(station=v.station_code)
    start = datetime(day.year, day.month, day.day, 1 + rng.randrange(12), tzinfo=UTC)
    sid = f"patrol-{ident}"
    s.add(
        "patrols",
        sid,
        PatrolScheduled(
            patrol_id=ident,
            team_id=f"team-{v.station_code}",
            station_code=v.station_code,
            planned_start=start,
            planned_end=start + timedelta(hours=3),
        ),
        start,
        station,
    )
    member = OfficerMember(person_id=f"PO-{v.station_code}-{rng.randrange(6)}")
    s.add(
        "patrols",
        sid,
        PatrolStarted(patrol_id=ident, started_at=start, participants=[member]),
        start,
        station,
    )
    where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
    for g, grid in enumerate(v.grid_codes):
        at = start + timedelta(minutes=40 * (g + 1))
        s.add("patrols", sid, CheckpointVisited(patrol_id=ident, grid_code=grid, visited_at=at), at, where)
    done = start + timedelta(hours=2)
    s.add(
        "patrols",
        sid,
        PatrolCompleted(
            patrol_id=ident, completed_at=done, duration_minutes=120, distance_km=round(rng.uniform(2, 20), 1)
        ),
        done,
        station,
    )


def _dispute(s: Streams, ident: str, v: Any, day: date, rng: random.Random) -> None:
    where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
    sid = f"dispute-{ident}"
    later = [day + timedelta(days=k) for k in sorted(rng.sample(range(1, 60), 3))]
    s.add(
        "mediation",
        sid,
        DisputeRegistered(
            dispute_id=ident,
            source=DisputeSource.WALK_IN,
            village_code=v.code,
            category=rng.choice(list(DisputeCategory)),
            parties=PARTIES,
            running_since=None,
            description="宅基地界线争执",
            registered_on=day,
        ),
        occurred_on(day),
        where,
    )
    s.add(
        "mediation",
        sid,
        MediatorsAssigned(
            dispute_id=ident, officer_person_id="P001", cadre_person_id="C001", assigned_on=later[0]
        ),
        occurred_on(later[0]),
        where,
    )
    s.add(
        "mediation",
        sid,
        MediationSessionHeld(
            dispute_id=ident,
            session_number=1,
            level=MediationLevel.VILLAGE,
            held_on=later[1],
            parties_present=("party-A", "party-B"),
            officials_present=("P001", "C001"),
            summary="双方陈述",
        ),
        occurred_on(later[1]),
        where,
    )
    if rng.random() < 0.85:
        s.add(
            "mediation",
            sid,
            AgreementReached(
                dispute_id=ident, level=MediationLevel.VILLAGE, reached_on=later[2], terms="各让一米"
            ),
            occurred_on(later[2]),
            where,
        )
        s.add(
            "mediation",
            sid,
            DisputeClosed(dispute_id=ident, outcome=CloseOutcome.RESOLVED, closed_on=later[2]),
            occurred_on(later[2]),
            where,
        )
    else:
        s.add(
            "mediation",
            sid,
            DisputeEscalated(
                dispute_id=ident,
                from_level=MediationLevel.VILLAGE,
                to_level=MediationLevel.TOWNSHIP,
                escalated_on=later[2],
            ),
            occurred_on(later[2]),
            where,
        )


def _lead(s: Streams, ident: str, v: Any, day: date, rng: random.Random) -> None:
    where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
    sid = f"lead-{ident}"
    at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    s.add(
        "tips",
        sid,
        LeadReceived(
            lead_id=ident,
            channel=rng.choice(list(LeadChannel)),
            category=rng.choice(list(LeadCategory)),
            village_code=v.code,
            station_code=v.station_code,
            description="村口有可疑人员",
            informant_ref=None,
            anonymous=True,
            received_at=at,
            triage_due_at=at + timedelta(hours=24),
        ),
        at,
        where,
    )
    s.add(
        "tips",
        sid,
        LeadTriaged(
            lead_id=ident,
            priority=LeadPriority.NORMAL,
            due_at=at + timedelta(days=3),
            triaged_at=at + timedelta(hours=1),
        ),
        at + timedelta(hours=1),
        where,
    )
    decided = day + timedelta(days=2)
    if rng.random() < 0.6:
        s.add("tips", sid, LeadVerified(lead_id=ident, verified_on=decided), occurred_on(decided), where)
    else:
        s.add(
            "tips",
            sid,
            LeadDismissed(lead_id=ident, reason=rng.choice(list(DismissalReason)), dismissed_on=decided),
            occurred_on(decided),
            where,
        )
    s.add(
        "tips",
        sid,
        LeadClosed(lead_id=ident, closed_on=decided, informant_contact_shred_on=None),
        occurred_on(decided),
        where,
    )


def _enterprise(s: Streams, ident: str, v: Any, day: date, rng: random.Random) -> None:
    where = Jurisdiction(township=v.township_code, station=v.station_code, village=v.code)
    s.add(
        "outreach",
        f"enterprise-visit-{ident}",
        EnterpriseVisitRecorded(
            visit_id=ident,
            enterprise_code=f"E{rng.randrange(2000):04d}",
            kind=rng.choice(list(EnterpriseVisitKind)),
            visited_on=day,
            officer_person_id="P001",
        ),
        occurred_on(day),
        where,
    )
    sid = f"enterprise-case-{ident}"
    s.add(
        "outreach",
        sid,
        EnterpriseCaseOpened(
            case_id=ident,
            enterprise_code=f"E{rng.randrange(2000):04d}",
            category=rng.choice(list(EnterpriseCaseCategory)),
            opened_on=day,
            summary="纠纷",
        ),
        occurred_on(day),
        where,
    )
    handled = day + timedelta(days=rng.randrange(1, 20))
    s.add(
        "outreach",
        sid,
        EnterpriseCaseHandled(
            case_id=ident, handled_on=handled, outcome=rng.choice(list(EnterpriseCaseOutcome))
        ),
        occurred_on(handled),
        where,
    )


MAKERS = {"patrol": _patrol, "dispute": _dispute, "lead": _lead, "enterprise": _enterprise}


def topic_of(prefix: str, service: str) -> str:
    return f"{prefix}.{service}"


async def produce(bootstrap: str, prefix: str, events: list[tuple[str, bytes, bytes]]) -> None:
    await ensure_topics(bootstrap, {topic_of(prefix, service): PARTITIONS for service in SERVICES})
    await produce_all(
        bootstrap, f"bench-{prefix}", ((topic_of(prefix, s), key, value) for s, key, value in events)
    )


def settings_for(
    database_url: str, bootstrap: str, prefix: str, schema: str, app_id: str = ""
) -> ProjectionsSettings:
    return ProjectionsSettings(
        database_url=database_url,
        database_schema=schema,
        kafka_bootstrap_servers=bootstrap,
        kafka_topic_partitions=PARTITIONS,
        source_topics={service: topic_of(prefix, service) for service in SERVICES},
        app_id=app_id or f"bench-{schema}",
    )


async def rebuild_all(settings: ProjectionsSettings) -> tuple[float, int, int, Generations]:
    """Every read model rebuilt into a new generation, one after the other: seconds, events read,
    events applied. The generations stay for the read API part."""
    generations = await Generations.open(settings)
    seen = applied = 0
    started = time.perf_counter()
    for model in READ_MODELS:
        job = Rebuild(settings, generations, model)
        await job.run(progress=lambda done, total: None)
        seen += job.seen
        applied += job.applied
    return time.perf_counter() - started, seen, applied, generations


async def parked(generations: Generations) -> int:
    counts = [
        int(await (await generations.active_pool(m)).fetchval("SELECT count(*) FROM parked_events"))
        for m in READ_MODELS
    ]
    return sum(counts)


async def summary_times(
    big: ProjectionsSettings, small: ProjectionsSettings, requests: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """The times in ms of each summary's requests on the generations of ``big`` and of ``small``, city
    scope, the last year of the data, through the read API's app (one per data set, opened as its
    lifespan opens them). The two are asked in turn, request by request: whatever else the machine
    does meanwhile falls on both alike, where measuring one data set after the other gave its p99s to
    whichever ran during a burst (the 10 k set's p99 moved between 4 and 15 ms from run to run)."""
    token = mint_token(get_settings(), "bench", Role.CITY_ADMIN, ())
    headers = {"Authorization": f"Bearer {token}"}
    year = f"from={LAST_DAY - timedelta(days=364)}&to={LAST_DAY}"
    paths = {
        "coverage": f"/coverage/summary?as_of={LAST_DAY}",
        "patrols": f"/patrols/summary?{year}",
        "police-activity": f"/police-activity/summary?{year}",
        "disputes": f"/disputes/summary?{year}",
        "leads": f"/leads/summary?{year}",
        "outreach": f"/outreach/summary?{year}",
    }
    measured: tuple[dict[str, list[float]], dict[str, list[float]]] = ({}, {})
    async with AsyncExitStack() as stack:
        clients = []
        for settings in (big, small):
            app = create_app()
            app.state.generations = await Generations.open(settings, reading=True)
            stack.push_async_callback(app.state.generations.close)
            transport = httpx.ASGITransport(app=app)
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url="http://read")
                )
            )
        for name, path in paths.items():
            for times in measured:
                times[name] = []
            for i in range(requests + 10):
                for client, times in zip(clients, measured, strict=True):
                    started = time.perf_counter()
                    answer = await client.get(path, headers=headers)
                    elapsed = time.perf_counter() - started
                    assert answer.status_code == 200, (path, answer.text)
                    if i >= 10:  # warmed up
                        times[name].append(elapsed * 1000)
    return measured


def p99_of(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


async def drop(generations: Generations, database_url: str, schema: str) -> None:
    await generations.close_and_drop()
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await conn.close()


@dataclass(frozen=True)
class LiveRun:
    """Seconds from the workers' start until their delivered positions reached the topics' ends (every
    event applied to the read models), from their first applied batch until then, and from their start
    until their consumer group had also committed the ends (lag 0, what the read API's readiness asks;
    faust commits every few seconds, so this one is later by up to its commit interval)."""

    applied: float
    applied_from_first_batch: float
    committed: float


async def live_rate(settings: ProjectionsSettings, folder: Path, replicas: int) -> LiveRun:
    """``replicas`` workers started together on the whole backlog (one consumer group: Kafka shares the
    partitions among them). Applied is read from the workers' delivered positions, not faust's
    committed offsets (which can pass records faust skipped and the worker then read from Kafka itself:
    services/projections/delivery.py), nor the read models' own positions (a batch with none of a
    model's event types is not handed to it, so its positions stop at its last event). Nothing is
    produced meanwhile, so the topics' ends are read once. Each replica works in a directory of its
    own in ``folder`` (services/projections/worker_process.py)."""
    generations = await Generations.open(settings)
    async with KafkaRecords(settings.kafka_bootstrap_servers) as records:
        ends = await records.ends(list(settings.source_topics.values()))
    homes = [folder / f"{replicas}-{n}" for n in range(replicas)]
    workers = [start_worker(settings, home) for home in homes]
    started = time.perf_counter()
    first: float | None = None
    try:
        while True:
            assert all(w.poll() is None for w in workers), f"a worker stopped: see {folder}"
            delivered = await delivered_positions(generations.control, ends)
            now = time.perf_counter()
            if first is None and delivered:
                first = now
            if all(delivered.get(partition, 0) >= end for partition, end in ends.items()):
                applied = now
                break
            if now - started > 1800:
                raise TimeoutError(f"the workers did not catch up: {delivered} of {ends}")
            await asyncio.sleep(0.5)
        while set((await measure_with_progress(settings))[0].values()) != {0}:
            assert time.perf_counter() - started < 1800, "the workers did not commit the topics' ends"
            await asyncio.sleep(0.5)
        committed = time.perf_counter()
        return LiveRun(applied - started, applied - (first or started), committed - started)
    finally:
        stop_workers(workers)
        await drop(generations, settings.database_url, settings.database_schema)


async def summaries(
    result: dict[str, Any], big: ProjectionsSettings, small: ProjectionsSettings, requests: int
) -> None:
    """3. the summaries on the large data set and on the small one, asked in turn in one run."""
    big_times, small_times = await summary_times(big, small, requests)
    big_p99 = {name: p99_of(times) for name, times in big_times.items()}
    small_p99 = {name: p99_of(times) for name, times in small_times.items()}
    # The median beside the p99: on a shared machine a p99 of 100 requests is mostly the load's.
    result["summary_p50_ms"] = {name: round(statistics.median(t), 1) for name, t in big_times.items()}
    result["summary_p50_ms_small"] = {name: round(statistics.median(t), 1) for name, t in small_times.items()}
    result["summary_p99_ms"] = {name: round(ms, 1) for name, ms in big_p99.items()}
    result["summary_p99_ms_small"] = {name: round(ms, 1) for name, ms in small_p99.items()}
    result["summary_p99_ms_worst"] = round(max(big_p99.values()), 1)
    result["summary_p99_growth_worst"] = round(max(big_p99[n] / small_p99[n] for n in big_p99), 2)
    result["load_average"] = [round(load, 2) for load in os.getloadavg()]


async def reuse(args: argparse.Namespace, database_url: str, bootstrap: str) -> dict[str, Any]:
    """The summaries measured again on the read-model schemas a ``--keep`` run left."""
    big_schema, small_schema = args.reuse.split(",")
    result: dict[str, Any] = {"requests": args.requests, "reused": [big_schema, small_schema]}
    big = settings_for(database_url, bootstrap, "unused", big_schema)
    small = settings_for(database_url, bootstrap, "unused", small_schema)
    await summaries(result, big, small, args.requests)
    return result


async def run(args: argparse.Namespace, database_url: str, bootstrap: str) -> dict[str, Any]:
    if args.reuse:
        return await reuse(args, database_url, bootstrap)
    result: dict[str, Any] = {
        "events": args.events,
        "small": args.small,
        "requests": args.requests,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    big, small = f"bench-big-{uuid.uuid4().hex[:6]}", f"bench-small-{uuid.uuid4().hex[:6]}"
    started = time.perf_counter()
    events = city_events(args.events)
    few = city_events(args.small)
    result["generated_seconds"] = round(time.perf_counter() - started, 1)
    result["events"], result["small"] = len(events), len(few)
    await produce(bootstrap, big, events)
    await produce(bootstrap, small, few)
    del events, few
    print(f"produced in {time.perf_counter() - started:.0f}s", file=sys.stderr)

    if args.summaries_only:
        settings = settings_for(database_url, bootstrap, big, f"bench_big_{uuid.uuid4().hex[:6]}")
        small_settings = settings_for(database_url, bootstrap, small, f"bench_small_{uuid.uuid4().hex[:6]}")
        _s, _r, _a, generations = await rebuild_all(settings)
        _s, _r, _a, small_generations = await rebuild_all(small_settings)
        result["parked"] = await parked(generations) + await parked(small_generations)
        await summaries(result, settings, small_settings, args.requests)
        if args.keep:
            result["kept"] = [settings.database_schema, small_settings.database_schema]
            await generations.close()
            await small_generations.close()
        else:
            await drop(generations, database_url, settings.database_schema)
            await drop(small_generations, database_url, small_settings.database_schema)
        return result

    # 1. the raw ceiling and the rebuild, side by side on the same topics
    topics = [topic_of(big, s) for s in SERVICES]
    seconds, seen = await raw_ceiling(bootstrap, database_url, topics)
    result["ceiling_events_per_s"] = round(seen / seconds)
    settings = settings_for(database_url, bootstrap, big, f"bench_big_{uuid.uuid4().hex[:6]}")
    seconds, read, applied, generations = await rebuild_all(settings)
    result["rebuild_seconds"] = round(seconds, 1)
    result["rebuild_events_read"] = read
    result["rebuild_events_applied"] = applied
    result["rebuild_events_per_s"] = round(read / seconds)
    result["rebuild_share_of_ceiling"] = round(
        result["rebuild_events_per_s"] / result["ceiling_events_per_s"], 3
    )
    # What the rebuild cannot go below in Python: each read model's topics read again, and the
    # records of its types decoded (envelope and payload), but not folded or written.
    seconds = seen_decoding = 0
    for model in READ_MODELS:
        model_topics = [topic_of(big, s) for s in sorted(model.services)]
        took, records = await raw_ceiling(bootstrap, database_url, model_topics, set(model.appliers))
        seconds, seen_decoding = seconds + took, seen_decoding + records
    result["decoding_ceiling_events_per_s"] = round(seen_decoding / seconds)
    result["decoding_ceiling_share_of_ceiling"] = round(
        result["decoding_ceiling_events_per_s"] / result["ceiling_events_per_s"], 3
    )
    result["parked"] = await parked(generations)
    print(json.dumps(result), file=sys.stderr)

    # 3. the summaries on the large data set and on the small one
    small_settings = settings_for(database_url, bootstrap, small, f"bench_small_{uuid.uuid4().hex[:6]}")
    _s, _r, _a, small_generations = await rebuild_all(small_settings)
    result["parked"] += await parked(small_generations)
    await summaries(result, settings, small_settings, args.requests)
    await drop(generations, database_url, settings.database_schema)
    await drop(small_generations, database_url, small_settings.database_schema)
    print(json.dumps(result), file=sys.stderr)

    # 2. the workers catching up the whole backlog, each count of replicas with a consumer group and
    # schema of its own
    for replicas in args.replicas:
        live = settings_for(database_url, bootstrap, big, f"bench_live_{uuid.uuid4().hex[:6]}")
        run = await live_rate(live, Path(args.worker_folder), replicas)
        result[f"live_seconds_{replicas}"] = round(run.applied, 1)
        result[f"live_events_per_s_{replicas}"] = round(seen / run.applied)
        result[f"live_events_per_s_from_first_batch_{replicas}"] = round(seen / run.applied_from_first_batch)
        result[f"live_seconds_to_lag_0_{replicas}"] = round(run.committed, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--worker-folder", default="/tmp/read_bench_workers", help="live: the workers' homes")
    parser.add_argument("--json")
    parser.add_argument(
        "--replicas",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="live: the counts of worker replicas measured, one after the other (default 1,2)",
    )
    parser.add_argument("--summaries-only", action="store_true", help="no raw ceiling, no live phase")
    parser.add_argument("--keep", action="store_true", help="with --summaries-only: keep the read models")
    parser.add_argument("--reuse", metavar="BIG,SMALL", help="measure the summaries on kept schemas")
    args = parser.parse_args()
    if (args.keep or args.reuse) and not os.environ.get("DATABASE_URL"):
        parser.error("--keep and --reuse need DATABASE_URL: a throw-away server keeps nothing")
    if args.keep and not args.summaries_only:
        parser.error("--keep goes with --summaries-only")

    collect_garbage_in_bulk()  # as the rebuild command and the worker do: this process rebuilds

    async def with_servers() -> dict[str, Any]:
        with postgres_server() as database_url, kafka_server() as bootstrap:
            return await run(args, database_url, bootstrap)

    result = asyncio.run(with_servers())
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
