"""Read model "coverage": which villages have a police deputy party secretary, which stations a
joint-defence director, and who was appointed and certified, as of any date."""

from __future__ import annotations

from typing import Any

from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.organisation import Location
from govgrid.catalogue.organisation import OrganisationUnitLocated
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import ORG_UNITS
from services.projections.readmodels.organisation import keeping_registry
from services.projections.readmodels.organisation import unit_row

APPOINTMENTS = Table("rm_appointments", ("appointment_id",), "appointment")


def nominated(c: Changes, e: EventEnvelope, event: AppointmentNominated) -> None:
    c.insert(
        APPOINTMENTS,
        **fields_of(
            event,
            "appointment_id",
            "kind",
            "person_id",
            "station_code",
            "village_code",
            "term_start",
            "term_end",
        ),
        township_code=e.jurisdiction.township,
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


COVERAGE = keeping_registry(
    "coverage",
    {"appointments"},
    by_event(unit_registered_where, unit_located, nominated, approved, certified, ended),
)
