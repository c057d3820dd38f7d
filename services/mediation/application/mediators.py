"""Who may mediate, and which pair a village has: local tables fed from the appointments topic
(event-carried state transfer, like the organisation reference).

- the kernel's ``ref_people`` (govgrid.reference.people): officers and cadres, still in service or not;
- ``mediator_appointments``: the dual appointments (双向兼职) and their status.

A village's suggested pair on a day: its deputy party secretary (an officer) and a joint-defence
director (a cadre) whose appointments are approved or certified, not ended, and whose term covers the
day. A director from the village itself comes first, else one serving at the village's station.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from govgrid.auth import Principal
from govgrid.catalogue import catalogue
from govgrid.catalogue import event_types
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.envelope import EventEnvelope
from govgrid.errors import NotFound
from govgrid.reference import PEOPLE_EVENT_TYPES
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from govgrid.reference import apply_person_event
from govgrid.reference.org import VILLAGE_KINDS
from services.mediation.domain.disputes import KnownPerson
from services.mediation.domain.disputes import PersonRole

log = logging.getLogger("services.mediation.mediators")

PROJECTION = "mediator_reference"  # its name in applied_events
APPOINTMENT_EVENT_TYPES = event_types(
    AppointmentNominated, AppointmentApproved, AppointmentCertificateIssued, AppointmentEnded
)
MEDIATOR_EVENT_TYPES = PEOPLE_EVENT_TYPES | APPOINTMENT_EVENT_TYPES
# The appointment's status after each event that changes it.
STATUS_AFTER = {
    AppointmentApproved.event_type: "approved",
    AppointmentCertificateIssued.event_type: "certified",
    AppointmentEnded.event_type: "ended",
}
CURRENT = ("approved", "certified")


async def apply_mediator_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update the people and appointment tables; run it under ``ApplyOnce`` (once per event)."""
    if envelope.event_type in PEOPLE_EVENT_TYPES:
        await apply_person_event(conn, envelope)
        return
    event = catalogue.decode_if(envelope, APPOINTMENT_EVENT_TYPES)
    match event:
        case AppointmentNominated():
            await conn.execute(
                "INSERT INTO mediator_appointments VALUES ($1, $2, $3, $4, $5, $6, $7, 'nominated')"
                " ON CONFLICT (appointment_id) DO NOTHING",
                event.appointment_id,
                event.kind.value,
                event.person_id,
                event.station_code,
                event.village_code,
                event.term_start,
                event.term_end,
            )
        case AppointmentApproved() | AppointmentCertificateIssued() | AppointmentEnded():
            status = await conn.execute(
                "UPDATE mediator_appointments SET status = $2 WHERE appointment_id = $1",
                event.appointment_id,
                STATUS_AFTER[envelope.event_type],
            )
            if status == "UPDATE 0":
                log.warning("%s of unknown appointment %s ignored", envelope.event_type, event.appointment_id)


@dataclass(frozen=True)
class Holder:
    """A current dual-appointment holder."""

    person_id: str
    appointment_id: str
    status: str
    village_code: str
    station_code: str
    term_end: date


@dataclass(frozen=True)
class SuggestedPair:
    officer: Holder | None
    cadre: Holder | None

    @property
    def person_ids(self) -> tuple[str | None, str | None]:
        return (
            self.officer.person_id if self.officer else None,
            self.cadre.person_id if self.cadre else None,
        )


_HOLDER = (
    "SELECT person_id, appointment_id, status, village_code, station_code, term_end"
    " FROM mediator_appointments"
    " WHERE kind = $1 AND status = ANY($2::text[]) AND term_start <= $3 AND $3 <= term_end"
)


class MediatorReference:
    """Read-only queries on the tables; on a pool, or on a command's connection."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def person(self, person_id: str) -> KnownPerson | None:
        person = await PeopleReference(self._db).person(person_id)
        if person is None:
            return None
        return KnownPerson(person_id, PersonRole(person.role), active=person.left_service_on is None)

    async def suggested(self, village_code: str, station_code: str | None, on: date) -> SuggestedPair:
        officer = await self._db.fetchrow(
            f"{_HOLDER} AND village_code = $4 ORDER BY term_start DESC, appointment_id LIMIT 1",
            AppointmentKind.DEPUTY_PARTY_SECRETARY.value,
            CURRENT,
            on,
            village_code,
        )
        cadre = await self._db.fetchrow(
            f"{_HOLDER} AND (village_code = $4 OR station_code = $5)"
            " ORDER BY village_code = $4 DESC, term_start DESC, appointment_id LIMIT 1",
            AppointmentKind.JOINT_DEFENCE_DIRECTOR.value,
            CURRENT,
            on,
            village_code,
            station_code,
        )
        return SuggestedPair(
            Holder(**dict(officer)) if officer is not None else None,
            Holder(**dict(cadre)) if cadre is not None else None,
        )


async def suggestion_for(
    pool: asyncpg.Pool, principal: Principal, village_code: str, on: date
) -> dict[str, Any]:
    """GET /villages/{code}/suggested-mediators: the village's pair, for a caller who may see the village."""
    orgs = OrgReference(pool)
    unit = await orgs.unit(village_code)
    if unit is None or unit.kind not in VILLAGE_KINDS:
        raise NotFound("village", village_code)
    jurisdiction = await orgs.jurisdiction_of(village_code, on)
    principal.ensure_can_see(jurisdiction)
    pair = await MediatorReference(pool).suggested(village_code, jurisdiction.station, on)
    return {"village_code": village_code, "on": on, "station_code": jurisdiction.station, **asdict(pair)}
