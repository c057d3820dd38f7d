"""Dual appointments (双向兼职): nominated -> approved -> certificate issued -> ended.

An officer becomes part-time deputy party secretary of a village or community covered by their
station; a village cadre becomes part-time joint-defence director of the station covering their
village.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.envelope import StreamNaming
from govgrid.rules import BusinessRule
from govgrid.rules import NotBefore
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import telling
from govgrid.telling import updated_by
from services.appointments.domain.org_units import MustBeAStation
from services.appointments.domain.org_units import MustBeAVillage
from services.appointments.domain.org_units import OrgUnit
from services.appointments.domain.people import Person
from services.appointments.domain.people import PersonMustBeActive
from services.appointments.domain.people import PersonRole

ROLE_FOR_KIND = {
    AppointmentKind.DEPUTY_PARTY_SECRETARY: PersonRole.POLICE_OFFICER,
    AppointmentKind.JOINT_DEFENCE_DIRECTOR: PersonRole.VILLAGE_CADRE,
}


class AppointmentStatus(StrEnum):
    NOMINATED = "nominated"
    APPROVED = "approved"
    CERTIFIED = "certified"
    ENDED = "ended"


stream_id = StreamNaming("appointment")


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    kind: AppointmentKind
    person_id: str
    station_code: str
    village_code: str
    term_start: date
    term_end: date
    status: AppointmentStatus = AppointmentStatus.NOMINATED
    approved_on: date | None = None
    certificate_number: str | None = None
    issued_on: date | None = None
    ended_on: date | None = None
    end_reason: AppointmentEndReason | None = None

    @property
    def is_active(self) -> bool:
        return self.status is not AppointmentStatus.ENDED

    @property
    def last_date(self) -> date:
        """The latest date the appointment's history mentions: later decisions cannot predate it."""
        return max((d for d in (self.approved_on, self.issued_on) if d is not None), default=date.min)


def evolve(state: Appointment | None, event: DomainEvent) -> Appointment:
    match event:
        case AppointmentNominated():
            return Appointment(**dict(event))
        case AppointmentApproved() if state is not None:
            return updated_by(state, event, status=AppointmentStatus.APPROVED)
        case AppointmentCertificateIssued() if state is not None:
            return updated_by(state, event, status=AppointmentStatus.CERTIFIED)
        case AppointmentEnded() if state is not None:
            return updated_by(state, event, status=AppointmentStatus.ENDED, end_reason=event.reason)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if("appointment_kind_mismatch", "a {person.role.value} cannot be appointed {kind.value}")
def KindMustFitRole(kind: AppointmentKind, person: Person) -> bool:
    """Officers are appointed deputy party secretaries, village cadres joint-defence directors."""
    return person.role is not ROLE_FOR_KIND[kind]


@broken_if("village_not_covered_by_station", "station {station_code} does not cover {village.code} on {on}")
def StationMustCoverVillage(village: OrgUnit, station_code: str, on: date) -> bool:
    """The pair must belong together: the station covers the village on the first day of the term."""
    return village.station_on(on) != station_code


@broken_if(
    "already_holds_active_appointment", "person {person_id} already holds an active {kind.value} appointment"
)
def NoSecondActiveAppointment(
    person_id: str, kind: AppointmentKind, active_appointment_ids: tuple[str, ...]
) -> bool:
    return bool(active_appointment_ids)


class PairMustBeThePersons(BusinessRule):
    """An officer's pair station is their own station; a cadre's pair village is their own village."""

    code = "pair_mismatch"
    person: Person
    village: OrgUnit
    station: OrgUnit

    def is_broken(self) -> bool:
        if self.person.role is PersonRole.POLICE_OFFICER:
            return self.person.station_code != self.station.code
        return self.person.village_code != self.village.code

    def message(self) -> str:
        return (
            f"person {self.person.person_id} belongs to "
            f"{self.person.station_code or self.person.village_code}, not to this pair"
        )


@broken_if("dates_incoherent", "the term ends ({term_end}) on or before it starts ({term_start})")
def TermMustBeCoherent(term_start: date, term_end: date) -> bool:
    return term_end <= term_start


@broken_if("appointment_ended", "appointment {appointment.appointment_id} ended on {appointment.ended_on}")
def NothingChangesAfterTheEnd(appointment: Appointment) -> bool:
    return not appointment.is_active


@broken_if(
    "appointment_already_approved",
    "appointment {appointment.appointment_id} is already {appointment.status.value}",
)
def MustBeNominated(appointment: Appointment) -> bool:
    return appointment.status is not AppointmentStatus.NOMINATED


@broken_if("certificate_before_approval", "appointment {appointment.appointment_id} is not approved yet")
def NoCertificateBeforeApproval(appointment: Appointment) -> bool:
    return appointment.status is AppointmentStatus.NOMINATED


@broken_if(
    "certificate_already_issued",
    "appointment {appointment.appointment_id} has certificate {appointment.certificate_number}",
)
def OneCertificatePerAppointment(appointment: Appointment) -> bool:
    return appointment.certificate_number is not None


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Nomination:
    """What a nomination says; the organisation code names the other side of the person's pair."""

    appointment_id: str
    kind: AppointmentKind
    person_id: str
    organisation_code: str  # the village (deputy secretary) or the station (director)
    term_start: date
    term_end: date


def nominate(
    nomination: Nomination,
    *,
    person: Person | None,
    village: OrgUnit,
    station: OrgUnit,
    active_same_kind: tuple[str, ...],
) -> list[DomainEvent]:
    """``village`` and ``station`` are the pair's units, looked up by the caller from the person and
    the organisation code; ``active_same_kind`` the person's active appointments of this kind."""
    check(PersonMustBeActive(person, nomination.person_id))
    assert person is not None
    check(
        KindMustFitRole(nomination.kind, person),
        MustBeAVillage(village),
        MustBeAStation(station),
        PairMustBeThePersons(person, village, station),
        TermMustBeCoherent(nomination.term_start, nomination.term_end),
        StationMustCoverVillage(village, station.code, nomination.term_start),
        NoSecondActiveAppointment(person.person_id, nomination.kind, active_same_kind),
    )
    return [telling(AppointmentNominated, nomination, station_code=station.code, village_code=village.code)]


def approve(appointment: Appointment, *, approved_on: date) -> list[DomainEvent]:
    check(
        NothingChangesAfterTheEnd(appointment),
        MustBeNominated(appointment),
        NotBefore("the term's end", appointment.term_end, approved_on),
    )
    return [AppointmentApproved(appointment_id=appointment.appointment_id, approved_on=approved_on)]


def check_can_issue_certificate(appointment: Appointment, *, issued_on: date) -> None:
    check(
        NothingChangesAfterTheEnd(appointment),
        NoCertificateBeforeApproval(appointment),
        OneCertificatePerAppointment(appointment),
        NotBefore("the certificate", issued_on, appointment.last_date),
        NotBefore("the term's end", appointment.term_end, issued_on),
    )


def issue_certificate(
    appointment: Appointment, *, certificate_number: str, issued_on: date
) -> list[DomainEvent]:
    check_can_issue_certificate(appointment, issued_on=issued_on)
    return [
        AppointmentCertificateIssued(
            appointment_id=appointment.appointment_id,
            certificate_number=certificate_number,
            issued_on=issued_on,
        )
    ]


def end(
    appointment: Appointment, *, reason: AppointmentEndReason, ended_on: date, note: str = ""
) -> list[DomainEvent]:
    # A term can be revoked before it starts, but it cannot have run its course before it started.
    earliest = appointment.term_start if reason is AppointmentEndReason.TERM_ENDED else appointment.last_date
    check(
        NothingChangesAfterTheEnd(appointment),
        NotBefore("the end", ended_on, max(earliest, appointment.last_date)),
    )
    return [
        AppointmentEnded(
            appointment_id=appointment.appointment_id, reason=reason, ended_on=ended_on, note=note
        )
    ]


def certificate_number(prefix: str, year: int, sequence: int) -> str:
    """任命证书 numbers: unique and sequential per year, e.g. DZ-2023-0042."""
    return f"{prefix}-{year}-{sequence:04d}"
