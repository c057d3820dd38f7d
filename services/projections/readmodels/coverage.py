"""Read model "coverage": which villages have a police deputy party secretary, which stations a
joint-defence director, and who was appointed and certified, as of any date."""

from __future__ import annotations

import asyncpg

from govgrid.catalogue.appointments import (
    AppointmentApproved,
    AppointmentCertificateIssued,
    AppointmentEnded,
    AppointmentNominated,
)
from govgrid.catalogue.organisation import (
    OrganisationUnitRegistered,
    OrganisationUnitRenamed,
    VillageCoverageAssigned,
    VillageCoverageEnded,
)
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import ReadModel


async def unit_registered(
    conn: asyncpg.Connection, e: EventEnvelope, event: OrganisationUnitRegistered
) -> None:
    await conn.execute(
        "INSERT INTO rm_org_units VALUES ($1, $2, $3, $4, $5)",
        event.code,
        event.kind.value,
        event.name_zh,
        event.name_en,
        event.parent_code,
    )


async def unit_renamed(conn: asyncpg.Connection, e: EventEnvelope, event: OrganisationUnitRenamed) -> None:
    await conn.execute(
        "UPDATE rm_org_units SET name_zh = $2, name_en = $3 WHERE code = $1",
        event.code,
        event.name_zh,
        event.name_en,
    )


async def coverage_assigned(
    conn: asyncpg.Connection, e: EventEnvelope, event: VillageCoverageAssigned
) -> None:
    await conn.execute(
        "INSERT INTO rm_village_coverage VALUES ($1, $2, $3, NULL)",
        event.village_code,
        event.station_code,
        event.effective_from,
    )


async def coverage_ended(conn: asyncpg.Connection, e: EventEnvelope, event: VillageCoverageEnded) -> None:
    await conn.execute(
        "UPDATE rm_village_coverage SET effective_until = $3"
        " WHERE village_code = $1 AND station_code = $2 AND effective_until IS NULL",
        event.village_code,
        event.station_code,
        event.effective_until,
    )


async def nominated(conn: asyncpg.Connection, e: EventEnvelope, event: AppointmentNominated) -> None:
    await conn.execute(
        "INSERT INTO rm_appointments (appointment_id, kind, person_id, station_code, village_code,"
        " township_code, term_start, term_end, nominated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        event.appointment_id,
        event.kind.value,
        event.person_id,
        event.station_code,
        event.village_code,
        e.jurisdiction.township,
        event.term_start,
        event.term_end,
        e.occurred_at,
    )


async def approved(conn: asyncpg.Connection, e: EventEnvelope, event: AppointmentApproved) -> None:
    await _set(conn, event.appointment_id, "approved_on", event.approved_on)


async def certified(conn: asyncpg.Connection, e: EventEnvelope, event: AppointmentCertificateIssued) -> None:
    await _set(conn, event.appointment_id, "certified_on", event.issued_on)


async def ended(conn: asyncpg.Connection, e: EventEnvelope, event: AppointmentEnded) -> None:
    await _set(conn, event.appointment_id, "ended_on", event.ended_on)


async def _set(conn: asyncpg.Connection, appointment_id: str, column: str, day: object) -> None:
    updated = await conn.execute(
        f"UPDATE rm_appointments SET {column} = $2 WHERE appointment_id = $1", appointment_id, day
    )
    if updated == "UPDATE 0":
        # The nomination was not applied (parked?): applying this one would lose it. Park it too.
        raise LookupError(f"appointment {appointment_id} is not in the read model")


COVERAGE = ReadModel(
    name="coverage",
    services=frozenset({"appointments"}),
    appliers={
        "OrganisationUnitRegistered": unit_registered,
        "OrganisationUnitRenamed": unit_renamed,
        "VillageCoverageAssigned": coverage_assigned,
        "VillageCoverageEnded": coverage_ended,
        "AppointmentNominated": nominated,
        "AppointmentApproved": approved,
        "AppointmentCertificateIssued": certified,
        "AppointmentEnded": ended,
    },
)
