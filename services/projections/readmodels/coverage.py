"""Read model "coverage": which villages have a police deputy party secretary, which stations a
joint-defence director, and who was appointed and certified, as of any date."""

from __future__ import annotations

from typing import Any

from govgrid.catalogue.appointments import (
    AppointmentApproved,
    AppointmentCertificateIssued,
    AppointmentEnded,
    AppointmentNominated,
)
from govgrid.catalogue.organisation import Location, OrganisationUnitLocated, OrganisationUnitRegistered
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes, ReadModel, Table
from services.projections.readmodels.organisation import ORG_UNITS, ORGANISATION, unit_row

APPOINTMENTS = Table("rm_appointments", ("appointment_id",), "appointment")


def nominated(c: Changes, e: EventEnvelope, event: AppointmentNominated) -> None:
    c.insert(
        APPOINTMENTS,
        appointment_id=event.appointment_id,
        kind=event.kind.value,
        person_id=event.person_id,
        station_code=event.station_code,
        village_code=event.village_code,
        township_code=e.jurisdiction.township,
        term_start=event.term_start,
        term_end=event.term_end,
        nominated_at=e.occurred_at,
    )


def approved(c: Changes, e: EventEnvelope, event: AppointmentApproved) -> None:
    c.update(APPOINTMENTS, event.appointment_id, approved_on=event.approved_on)


def certified(c: Changes, e: EventEnvelope, event: AppointmentCertificateIssued) -> None:
    c.update(APPOINTMENTS, event.appointment_id, certified_on=event.issued_on)


def ended(c: Changes, e: EventEnvelope, event: AppointmentEnded) -> None:
    c.update(APPOINTMENTS, event.appointment_id, ended_on=event.ended_on)


def _where(location: Location | None) -> dict[str, Any]:
    return {
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "boundary": location.boundary if location else None,
    }


# Only this model keeps where units are (its rm_org_units has the columns): the map's villages.
def unit_registered_where(c: Changes, e: EventEnvelope, event: OrganisationUnitRegistered) -> None:
    c.insert(ORG_UNITS, **unit_row(event), **_where(event.location))


def unit_located(c: Changes, e: EventEnvelope, event: OrganisationUnitLocated) -> None:
    c.update_matching(ORG_UNITS, {"code": event.code}, **_where(event.location))


COVERAGE = ReadModel(
    name="coverage",
    services=frozenset({"appointments"}),
    appliers={
        **ORGANISATION,
        "OrganisationUnitRegistered": unit_registered_where,
        "OrganisationUnitLocated": unit_located,
        "AppointmentNominated": nominated,
        "AppointmentApproved": approved,
        "AppointmentCertificateIssued": certified,
        "AppointmentEnded": ended,
    },
)
