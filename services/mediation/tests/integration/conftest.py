"""The mediation API on real PostgreSQL, in the test's own schema, with a small Danzhou world: the
organisation tree, officers and cadres, and dual appointments, applied to the service's reference
tables the way its feeds apply them from the appointments topic (no Kafka needed here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.config import get_settings
from govgrid.projection import Applier
from govgrid.projection import ApplyOnce
from govgrid.reference import apply_org_event
from govgrid.testing.factories import draft
from services.mediation.application import mediators
from services.mediation.bootstrap import MediationService
from services.mediation.bootstrap import start_service
from services.mediation.main import create_app
from services.mediation.settings import MediationSettings


def bearer(role: Role, *jurisdiction: str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(get_settings(), subject, role, jurisdiction)}"}


ADMIN = bearer(Role.CITY_ADMIN, subject="city-admin")
T01 = bearer(Role.TOWNSHIP_OFFICER, "T01", subject="t01-officer")  # 那大镇
S01 = bearer(Role.STATION_OFFICER, "S01", subject="s01-officer")  # 西华派出所
S02 = bearer(Role.STATION_OFFICER, "S02", subject="s02-officer")  # 东城派出所
CADRE_V01 = bearer(Role.VILLAGE_CADRE, "V01", subject="v01-cadre")  # 干冲村

UNITS = [
    ("C4604", OrgUnitKind.CITY, None),
    ("T01", OrgUnitKind.TOWNSHIP, "C4604"),
    ("T02", OrgUnitKind.TOWNSHIP, "C4604"),
    ("S01", OrgUnitKind.POLICE_STATION, "C4604"),
    ("S02", OrgUnitKind.POLICE_STATION, "C4604"),
    ("V01", OrgUnitKind.VILLAGE, "T01"),
    ("V02", OrgUnitKind.COMMUNITY, "T01"),
    ("V03", OrgUnitKind.VILLAGE, "T02"),
    ("G011", OrgUnitKind.GRID, "V01"),
    ("G031", OrgUnitKind.GRID, "V03"),
]
COVERAGE = {"V01": "S01", "V02": "S01", "V03": "S02"}
TERM = (date(2023, 3, 1), date(2026, 2, 28))


def org_history() -> list[tuple[str, list[DomainEvent]]]:
    streams: list[tuple[str, list[DomainEvent]]] = []
    for code, kind, parent in UNITS:
        events: list[DomainEvent] = [
            OrganisationUnitRegistered(
                code=code, kind=kind, name_zh=f"{code}名", name_en=code, parent_code=parent
            )
        ]
        if code in COVERAGE:
            events.append(
                VillageCoverageAssigned(
                    station_code=COVERAGE[code], village_code=code, effective_from=date(2023, 1, 1)
                )
            )
        streams.append((f"orgunit-{code}", events))
    return streams


def appointment(
    appointment_id: str, kind: AppointmentKind, person_id: str, village: str, station: str, *then: str
) -> tuple[str, list[DomainEvent]]:
    """An appointment nominated for TERM, then "approved" and/or "certified"."""
    events: list[DomainEvent] = [
        AppointmentNominated(
            appointment_id=appointment_id,
            kind=kind,
            person_id=person_id,
            station_code=station,
            village_code=village,
            term_start=TERM[0],
            term_end=TERM[1],
        )
    ]
    if "approved" in then:
        events.append(AppointmentApproved(appointment_id=appointment_id, approved_on=date(2023, 3, 10)))
    if "certified" in then:
        events.append(
            AppointmentCertificateIssued(
                appointment_id=appointment_id,
                certificate_number=f"DZ-{appointment_id}",
                issued_on=date(2023, 3, 15),
            )
        )
    return f"appointment-{appointment_id}", events


DEPUTY, DIRECTOR = AppointmentKind.DEPUTY_PARTY_SECRETARY, AppointmentKind.JOINT_DEFENCE_DIRECTOR


def people_history() -> list[tuple[str, list[DomainEvent]]]:
    """Officers P001 (S01), P002 (S02), P009 (S01, retired); cadres K001 (V01), K002 (V02), K003 (V03).
    V01's pair: P001 (deputy secretary) and K001 (director at S01); K002 directs at S01 too; V03's
    deputy secretary P002 is only nominated."""
    officers = [("P001", "S01"), ("P002", "S02")]
    cadres = [("K001", "V01"), ("K002", "V02"), ("K003", "V03")]
    streams: list[tuple[str, list[DomainEvent]]] = [
        (
            f"person-{person}",
            [
                PoliceOfficerRegistered(
                    person_id=person, badge_number=f"46{person}", station_code=station, display_name="警官"
                )
            ],
        )
        for person, station in officers
    ]
    streams += [
        (
            f"person-{person}",
            [
                VillageCadreRegistered(
                    person_id=person, village_code=village, display_name="主任", post="村委会主任"
                )
            ],
        )
        for person, village in cadres
    ]
    streams.append(
        (
            "person-P009",
            [
                PoliceOfficerRegistered(
                    person_id="P009", badge_number="46P009", station_code="S01", display_name="警官"
                ),
                PersonLeftService(
                    person_id="P009", reason=LeavingReason.RETIRED, effective_on=date(2023, 12, 31)
                ),
            ],
        )
    )
    streams += [
        appointment("A1", DEPUTY, "P001", "V01", "S01", "approved", "certified"),
        appointment("A2", DIRECTOR, "K002", "V02", "S01", "approved"),
        appointment("A3", DIRECTOR, "K001", "V01", "S01", "approved", "certified"),
        appointment("A4", DEPUTY, "P002", "V03", "S02"),
    ]
    return streams


async def apply_history(
    pool: asyncpg.Pool,
    projection: str,
    applier: Applier,
    streams: Sequence[tuple[str, Sequence[DomainEvent]]],
) -> None:
    """Apply each stream's events in order, as a feed would (once each)."""
    apply_once = ApplyOnce(pool, projection)
    now = datetime.now(UTC)
    for stream_id, events in streams:
        for version, event in enumerate(events, start=1):
            await apply_once.apply(draft(event).seal(stream_id, version, now), applier)


@pytest.fixture
async def service(database_url: str, schema: str) -> AsyncIterator[MediationService]:
    service = await start_service(MediationSettings(database_url=database_url, database_schema=schema))
    yield service
    await service.pool.close()


@pytest.fixture
async def api(service: MediationService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(service.settings)
    app.state.service = service  # what the lifespan does when uvicorn runs it
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mediation") as client:
        yield client


@pytest.fixture
async def world(service: MediationService, api: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API of a service that learned the organisation tree, the people and the appointments."""
    await apply_history(service.pool, "org_reference", apply_org_event, org_history())
    await apply_history(service.pool, mediators.PROJECTION, mediators.apply_mediator_event, people_history())
    return api


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


PARTIES = [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}]
WALK_IN: dict[str, Any] = {
    "source": "walk_in",
    "village_code": "V01",
    "grid_code": "G011",
    "category": "land_or_house",
    "parties": PARTIES,
    "running_since": "2014-05-01",
    "description": "party-A says party-B's new wall stands on party-A's homestead land.",
    "registered_on": "2024-03-01",
}


async def register(
    api: httpx.AsyncClient, body: dict[str, Any] | None = None, headers: dict[str, str] = S01
) -> str:
    created = await ok(await api.post("/disputes", json=body or WALK_IN, headers=headers), 201)
    dispute_id: str = created["dispute_id"]
    return dispute_id


def session(held_on: str, summary: str = "Both sides heard.") -> dict[str, Any]:
    return {
        "held_on": held_on,
        "parties_present": ["party-A", "party-B"],
        "officials_present": ["P001", "K001"],
        "others_present": 1,
        "summary": summary,
    }


PAIR = {"officer_person_id": "P001", "cadre_person_id": "K001", "assigned_on": "2024-03-02"}
