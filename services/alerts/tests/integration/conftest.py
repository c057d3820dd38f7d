"""A local webhook receiver (the robots' answers, every message kept), the alerts' tables in the
test's own schema, and the events the tests feed."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.projection import MIGRATIONS
from govgrid.testing.fixtures import wait_until
from services.alerts.__main__ import OWN_MIGRATIONS
from services.alerts.settings import AlertsSettings
from services.alerts.settings import Receiver
from services.projections.tests.integration.conftest import Stream

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in China
T01_V1 = Jurisdiction(township="T01", station="S01", village="V1")
T02_V3 = Jurisdiction(township="T02", station="S02", village="V3")


class Webhooks:
    """POST /<name> is kept under name; /refusing answers as a robot refusing a message does; a name
    in ``down`` answers 503 as a receiver in an outage does."""

    def __init__(self) -> None:
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.down: set[str] = set()
        self.port = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    async def receive(self, request: Request) -> JSONResponse:
        name = request.path_params["name"]
        self.messages.setdefault(name, []).append(json.loads(await request.body()))
        if name in self.down:
            return JSONResponse({"error": "unavailable"}, status_code=503)
        if name == "refusing":
            return JSONResponse({"errcode": 93000, "errmsg": "invalid webhook url"})
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    def count(self, name: str) -> int:
        return len(self.messages.get(name, []))


@pytest.fixture
async def webhooks() -> AsyncIterator[Webhooks]:
    hooks = Webhooks()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        hooks.port = s.getsockname()[1]
    app = Starlette(routes=[Route("/{name}", hooks.receive, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=hooks.port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    await wait_until(lambda: _started(server), timeout=20, what="the webhook receiver")
    yield hooks
    server.should_exit = True
    await serving


async def _started(server: uvicorn.Server) -> bool:
    return server.started


def settings_for(database_url: str, schema: str, hooks: Webhooks, **more: Any) -> AlertsSettings:
    """Receivers: the township T01's WeChat Work group, the station S02's DingTalk group, the city's
    JSON service, and a robot that refuses (for T02)."""
    receivers = [
        Receiver(name="t01-wecom", url=hooks.url("t01-wecom"), format="wecom", jurisdiction=["T01"]),
        Receiver(name="s02-dingtalk", url=hooks.url("s02-dingtalk"), format="dingtalk", jurisdiction=["S02"]),
        Receiver(name="city-json", url=hooks.url("city-json"), format="json"),
        Receiver(name="refusing", url=hooks.url("refusing"), format="dingtalk", jurisdiction=["T02"]),
    ]
    return AlertsSettings(
        database_url=database_url, database_schema=schema, alert_receivers=receivers, **more
    )


@pytest.fixture
async def alerts_pool(database_url: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, schema=schema)
    await apply_migrations(pool, MIGRATIONS, OWN_MIGRATIONS)
    yield pool
    await pool.close()


def places() -> list[EventEnvelope]:
    return [
        Stream(f"orgunit-{code}", j).next(
            OrganisationUnitRegistered(code=code, kind=kind, name_zh=name, name_en=code, parent_code=parent),
            date(2023, 1, 1),
        )
        for code, kind, name, parent, j in [
            ("T01", "township", "那大镇", "C", Jurisdiction(township="T01")),
            ("S01", "police_station", "那大派出所", "C", Jurisdiction(station="S01")),
            ("V1", "village", "干冲村", "T01", T01_V1),
            ("T02", "township", "王五镇", "C", Jurisdiction(township="T02")),
            ("S02", "police_station", "王五派出所", "C", Jurisdiction(station="S02")),
            ("V3", "village", "松林村", "T02", T02_V3),
        ]
    ]


def deputy_secretary_ended(ident: str, ended: date) -> list[EventEnvelope]:
    stream = Stream(f"appointment-{ident}", T01_V1)
    return [
        stream.next(
            AppointmentNominated(
                appointment_id=ident,
                kind="deputy_party_secretary",
                person_id="P-1",
                station_code="S01",
                village_code="V1",
                term_start=date(2026, 1, 1),
                term_end=date(2028, 12, 31),
            ),
            date(2026, 1, 1),
        ),
        stream.next(
            AppointmentApproved(appointment_id=ident, approved_on=date(2026, 1, 2)), date(2026, 1, 2)
        ),
        stream.next(AppointmentEnded(appointment_id=ident, reason="transferred", ended_on=ended), ended),
    ]


def lead(
    ident: str,
    j: Jurisdiction,
    triage_due: datetime,
    *,
    triaged_due: datetime | None = None,
    verified: bool = False,
) -> list[EventEnvelope]:
    stream = Stream(f"lead-{ident}", j)
    received = triage_due - timedelta(hours=24)
    events = [
        stream.next(
            LeadReceived(
                lead_id=ident,
                channel="hotline",
                category="theft",
                village_code=j.village,
                station_code=j.station,
                description="电动车被盗",
                informant_ref=None,
                anonymous=True,
                received_at=received,
                triage_due_at=triage_due,
            ),
            received,
        )
    ]
    if triaged_due:
        events.append(
            stream.next(
                LeadTriaged(lead_id=ident, priority="high", due_at=triaged_due, triaged_at=received), received
            )
        )
    if verified:
        events.append(stream.next(LeadVerified(lead_id=ident, verified_on=received.date()), received))
    return events


def dispute(
    ident: str, j: Jurisdiction, registered: date, escalated: date | None = None
) -> list[EventEnvelope]:
    stream = Stream(f"dispute-{ident}", j)
    events = [
        stream.next(
            DisputeRegistered(
                dispute_id=ident,
                source="walk_in",
                village_code=j.village,
                category="neighbour",
                parties=(),
                description="宅基地边界",
                registered_on=registered,
            ),
            registered,
        )
    ]
    if escalated:
        events.append(
            stream.next(
                DisputeEscalated(
                    dispute_id=ident, from_level="village", to_level="township", escalated_on=escalated
                ),
                escalated,
            )
        )
    return events
