"""Moves over time, on the read side: a village moved to another station by the real appointments API
takes its open leads and disputes along from that day on while what happened before stays with the
old station; an officer transferred by the real appointments API leaves the deputy-secretary post of a
village the new station does not cover on the day of the transfer. The appointments service's stored
events, with leads and disputes filed as the tips and mediation services file them, are projected and
asked as of days before and after."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.testing.relay import stored_events
from services.appointments.bootstrap import AppointmentsService
from services.appointments.bootstrap import start_service
from services.appointments.main import create_app
from services.appointments.settings import AppointmentsSettings
from services.appointments.tests.integration.conftest import ADMIN as APPOINTMENTS_ADMIN
from services.appointments.tests.integration.conftest import COVERAGE
from services.appointments.tests.integration.conftest import GRID
from services.appointments.tests.integration.conftest import ok
from services.appointments.tests.integration.test_api import DEPUTY
from services.projections.generations import Generations
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get

MOVED_ON = date(2024, 3, 1)  # V01 moves from 西华派出所 (S01) to 东城派出所 (S02)
BEFORE, AFTER = MOVED_ON - timedelta(days=1), MOVED_ON + timedelta(days=30)
V01_AT_S01 = Jurisdiction(township="T01", station="S01", village="V01")


@dataclass(frozen=True)
class Registry:
    """The appointments API, posting as a city admin, and its stored events."""

    api: httpx.AsyncClient
    service: AppointmentsService

    async def post(self, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        return await ok(await self.api.post(path, json=body, headers=APPOINTMENTS_ADMIN), status)

    async def events(self) -> list[EventEnvelope]:
        return await stored_events(self.service.pool)


@pytest.fixture
async def appointments(database_url: str) -> AsyncIterator[Registry]:
    """The appointments API (its own schema) with the grid, its coverage and two officers."""
    schema = f"t_appointments_{uuid.uuid4().hex[:12]}"
    service = await start_service(AppointmentsSettings(database_url=database_url, database_schema=schema))
    app = create_app(service.settings)
    app.state.service = service
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as api:
        registry = Registry(api, service)
        for unit in GRID:
            await registry.post("/org-units", unit, 201)
        for village, station in COVERAGE.items():
            await registry.post(
                f"/org-units/{village}/coverage", {"station_code": station, "effective_from": "2023-01-01"}
            )
        for person_id, badge, station in [("P001", "460001", "S01"), ("P002", "460002", "S02")]:
            officer = {
                "person_id": person_id,
                "badge_number": badge,
                "station_code": station,
                "display_name": "警",
            }
            await registry.post("/people/officers", officer, 201)
        yield registry
    await service.pool.close()
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await conn.close()


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CHINA_STANDARD_TIME)


def lead(lead_id: str, received_on: date, verified_on: date | None = None) -> list[EventEnvelope]:
    """A lead of V01 as the tips service files it (under its receipt's jurisdiction), triaged an hour
    after it arrived; verified and closed on ``verified_on`` if given."""
    stream = Stream(f"lead-{lead_id}", V01_AT_S01)
    received_at = at(received_on, 9)
    events = [
        stream.next(
            LeadReceived(
                lead_id=lead_id,
                channel=LeadChannel.HOTLINE,
                category=LeadCategory.THEFT,
                village_code="V01",
                station_code="S01",
                description="村口小卖部夜间被盗",
                informant_ref=None,
                anonymous=True,
                received_at=received_at,
                triage_due_at=received_at + timedelta(hours=24),
            ),
            received_at,
        ),
        stream.next(
            LeadTriaged(
                lead_id=lead_id,
                priority=LeadPriority.LOW,
                due_at=received_at + timedelta(days=14),
                triaged_at=received_at + timedelta(hours=1),
            ),
            received_at + timedelta(hours=1),
        ),
    ]
    if verified_on is not None:
        events.append(stream.next(LeadVerified(lead_id=lead_id, verified_on=verified_on), verified_on))
        events.append(
            stream.next(
                LeadClosed(lead_id=lead_id, closed_on=verified_on, informant_contact_shred_on=None),
                verified_on,
            )
        )
    return events


def dispute(dispute_id: str, registered_on: date, agreement_on: date | None = None) -> list[EventEnvelope]:
    """A dispute of V01 as the mediation service files it: each act under the station covering the
    village on its day."""
    stream = Stream(f"dispute-{dispute_id}", V01_AT_S01)
    parties = (
        Party(label="party-A", role=PartyRole.CLAIMANT),
        Party(label="party-B", role=PartyRole.RESPONDENT),
    )
    events = [
        stream.next(
            DisputeRegistered(
                dispute_id=dispute_id,
                source=DisputeSource.WALK_IN,
                village_code="V01",
                category=DisputeCategory.NEIGHBOUR,
                parties=parties,
                description="宅基地界线争执",
                registered_on=registered_on,
            ),
            registered_on,
        ),
        stream.next(
            MediatorsAssigned(
                dispute_id=dispute_id,
                officer_person_id="P001",
                cadre_person_id="K001",
                assigned_on=registered_on,
            ),
            registered_on,
        ),
    ]
    if agreement_on is not None:
        stream.jurisdiction = Jurisdiction(township="T01", station="S02", village="V01")
        agreed = AgreementReached(
            dispute_id=dispute_id, level=MediationLevel.VILLAGE, reached_on=agreement_on, terms="各让一米"
        )
        events.append(stream.next(agreed, agreement_on))
    return events


def figures(answer: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: answer[k] for k in keys}


async def test_open_leads_and_disputes_follow_a_moved_village_and_earlier_figures_stay(
    appointments: Registry, generations: Generations, read_api: httpx.AsyncClient
) -> None:
    move = {"station_code": "S02", "effective_from": MOVED_ON.isoformat()}
    await appointments.post("/org-units/V01/coverage", move)
    feb = date(2024, 2, 1)
    history = [
        *lead("L-open", feb + timedelta(days=9)),  # still open
        *lead("L-done", feb + timedelta(days=11), verified_on=feb + timedelta(days=19)),  # before the move
        *dispute("D-open", feb + timedelta(days=4)),  # still open
        *dispute("D-agreed", feb + timedelta(days=5), agreement_on=MOVED_ON + timedelta(days=9)),
    ]
    await feed(generations, [*await appointments.events(), *history])

    async def leads(station: str, last: date) -> dict[str, Any]:
        answer = await get(read_api, f"/leads/summary?from=2024-01-01&to={last}&station={station}")
        return figures(answer, "received", "verified", "open")

    async def disputes(station: str, last: date) -> dict[str, Any]:
        answer = await get(read_api, f"/disputes/summary?from=2024-01-01&to={last}&station={station}")
        return figures(answer, "received", "resolved", "open", "in_mediation")

    # Until the day before the move, everything is 西华's.
    assert await leads("S01", BEFORE) == {"received": 2, "verified": 1, "open": 1}
    assert await leads("S02", BEFORE) == {"received": 0, "verified": 0, "open": 0}
    assert await disputes("S01", BEFORE) == {"received": 2, "resolved": 0, "open": 2, "in_mediation": 2}
    assert await disputes("S02", BEFORE) == {"received": 0, "resolved": 0, "open": 0, "in_mediation": 0}
    # From the move on, what is open is 东城's; what was received and decided before stays 西华's.
    assert await leads("S01", AFTER) == {"received": 2, "verified": 1, "open": 0}
    assert await leads("S02", AFTER) == {"received": 0, "verified": 0, "open": 1}
    assert await disputes("S01", AFTER) == {"received": 2, "resolved": 0, "open": 0, "in_mediation": 0}
    assert await disputes("S02", AFTER) == {"received": 0, "resolved": 1, "open": 1, "in_mediation": 1}

    # The whole city's figures (its statements place nothing: queries/scope.py, placed_if_read) are
    # the stations' together, and so are the village's.
    city = "from=2024-01-01&to=" + AFTER.isoformat()
    assert figures(await get(read_api, f"/leads/summary?{city}"), "received", "verified", "open") == {
        "received": 2,
        "verified": 1,
        "open": 1,
    }
    whole = {"received": 2, "resolved": 1, "open": 1, "in_mediation": 1}
    assert figures(await get(read_api, f"/disputes/summary?{city}"), *whole) == whole
    [v01] = await get(read_api, f"/disputes/by-village?{city}")
    assert (v01["village_code"], figures(v01, *whole)) == ("V01", whole)

    # The stations' own officers see the same, and the per-station rows split the same way.
    s02 = bearer(Role.STATION_OFFICER, "S02")
    assert (await get(read_api, f"/leads/summary?from=2024-01-01&to={BEFORE}", s02))["open"] == 0
    assert (await get(read_api, f"/leads/summary?from=2024-01-01&to={AFTER}", s02))["open"] == 1
    rows = await get(read_api, f"/leads/by-station?from=2024-01-01&to={AFTER}")
    assert [(r["station_code"], r["received"], r["open"]) for r in rows] == [("S01", 2, 0), ("S02", 0, 1)]
    # The ageing backlog as of each day: 东城's open dispute only from the move on.
    assert (await get(read_api, f"/disputes/backlog?as_of={BEFORE}&station=S01"))["open"] == 2
    assert (await get(read_api, f"/disputes/backlog?as_of={BEFORE}&station=S02"))["open"] == 0
    assert (await get(read_api, f"/disputes/backlog?as_of={AFTER}&station=S02"))["open"] == 1


async def test_a_transferred_officer_leaves_the_deputy_post_on_the_day_of_the_transfer(
    appointments: Registry, generations: Generations, read_api: httpx.AsyncClient
) -> None:
    appointment = (await appointments.post("/appointments", DEPUTY, 201))["appointment_id"]
    await appointments.post(f"/appointments/{appointment}/approve", {"approved_on": "2023-03-10"})
    await appointments.post("/people/P001/transfer", {"to_station_code": "S02", "effective_on": "2024-01-01"})
    await feed(generations, await appointments.events())

    async def deputy(as_of: str) -> dict[str, Any]:
        answer = await get(read_api, f"/coverage/summary?as_of={as_of}&village=V01")
        return figures(answer, "villages_with_deputy_secretary", "deputy_secretaries_serving")

    assert await deputy("2023-12-31") == {
        "villages_with_deputy_secretary": 1,
        "deputy_secretaries_serving": 1,
    }
    assert await deputy("2024-01-01") == {
        "villages_with_deputy_secretary": 0,
        "deputy_secretaries_serving": 0,
    }
    lacking = await get(read_api, "/coverage/villages-lacking-deputy-secretary?as_of=2024-01-01&station=S01")
    assert "V01" in [v["code"] for v in lacking["items"]]


async def test_a_lead_filed_before_the_move_was_entered_counts_wholly_where_its_figures_place_it(
    appointments: Registry, generations: Generations, read_api: httpx.AsyncClient
) -> None:
    # The move, effective 1 March, is entered after a lead of 6 March was filed under 西华 (S01): the
    # lead's figures are 东城's (S02), its breakdowns by channel and category too, so that no total
    # minus its breakdown tells how many leads moved.
    move = {"station_code": "S02", "effective_from": MOVED_ON.isoformat()}
    await appointments.post("/org-units/V01/coverage", move)
    await feed(generations, [*await appointments.events(), *lead("L-late", MOVED_ON + timedelta(days=5))])
    for station, received in (("S01", 0), ("S02", 1)):
        answer = await get(read_api, f"/leads/summary?from=2024-01-01&to={AFTER}&station={station}")
        assert answer["received"] == received, station
        assert sum(answer["received_by_channel"].values()) == received, station
        assert sum(answer["received_by_category"].values()) == received, station
