"""People and dual-appointment events (双向兼职), emitted by the appointments service on
govgrid.appointments.events, beside the organisation events (organisation.py).

Personal data is kept minimal on purpose: events are kept forever, so they carry a display name and
a badge number, never an ID-card number, a phone number or an address.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import Note
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import PersonId
from govgrid.catalogue.fields import RecordId
from govgrid.catalogue.registry import DomainEvent

SERVICE = "appointments"

DisplayName = Annotated[str, Field(min_length=1, max_length=100)]


class AppointmentKind(StrEnum):
    DEPUTY_PARTY_SECRETARY = "deputy_party_secretary"  # an officer, in a village or community (党组织副书记)
    JOINT_DEFENCE_DIRECTOR = "joint_defence_director"  # a village cadre, at a police station (联防主任)


class LeavingReason(StrEnum):
    RETIRED = "retired"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    DECEASED = "deceased"
    OTHER = "other"


class AppointmentEndReason(StrEnum):
    TERM_ENDED = "term_ended"
    TRANSFERRED = "transferred"
    REVOKED = "revoked"


@catalogue.event(SERVICE)
class PoliceOfficerRegistered(DomainEvent):
    person_id: PersonId
    badge_number: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    station_code: OrgCode
    display_name: DisplayName


@catalogue.event(SERVICE)
class VillageCadreRegistered(DomainEvent):
    person_id: PersonId
    village_code: OrgCode
    display_name: DisplayName
    post: str = Field(min_length=1, max_length=50, description="e.g. 村党支部书记, 村委会主任, 村委委员")


@catalogue.event(SERVICE)
class PoliceOfficerTransferred(DomainEvent):
    person_id: PersonId
    from_station_code: OrgCode
    to_station_code: OrgCode
    effective_on: date


@catalogue.event(SERVICE)
class PersonLeftService(DomainEvent):
    person_id: PersonId
    reason: LeavingReason
    effective_on: date


@catalogue.event(SERVICE)
class AppointmentNominated(DomainEvent):
    appointment_id: RecordId
    kind: AppointmentKind
    person_id: PersonId
    # The pair: a deputy secretary serves in village_code and belongs to station_code; a director
    # serves at station_code and comes from village_code.
    station_code: OrgCode
    village_code: OrgCode
    term_start: date
    term_end: date


@catalogue.event(SERVICE)
class AppointmentApproved(DomainEvent):
    appointment_id: RecordId
    approved_on: date


@catalogue.event(SERVICE)
class AppointmentCertificateIssued(DomainEvent):
    appointment_id: RecordId
    certificate_number: str = Field(min_length=1, max_length=40)
    issued_on: date


@catalogue.event(SERVICE)
class AppointmentEnded(DomainEvent):
    appointment_id: RecordId
    reason: AppointmentEndReason
    ended_on: date
    note: Note = ""
