"""Police officers and village cadres: the two sides of a dual appointment."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from enum import StrEnum

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.envelope import StreamNaming
from govgrid.rules import BusinessRule
from govgrid.rules import KeyMustBeFree
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from services.appointments.domain.org_units import MustBeAStation
from services.appointments.domain.org_units import MustBeAVillage
from services.appointments.domain.org_units import OrgUnit


class PersonRole(StrEnum):
    POLICE_OFFICER = "police_officer"
    VILLAGE_CADRE = "village_cadre"


stream_id = StreamNaming("person")


@dataclass(frozen=True)
class Person:
    person_id: str
    role: PersonRole
    display_name: str
    station_code: str | None = None  # officers
    badge_number: str | None = None  # officers
    village_code: str | None = None  # cadres
    post: str | None = None  # cadres
    active: bool = True
    left_on: date | None = None


def evolve(state: Person | None, event: DomainEvent) -> Person:
    match event:
        case PoliceOfficerRegistered():
            return told_by(Person, event, role=PersonRole.POLICE_OFFICER)
        case VillageCadreRegistered():
            return told_by(Person, event, role=PersonRole.VILLAGE_CADRE)
        case PoliceOfficerTransferred() if state is not None:
            return replace(state, station_code=event.to_station_code)
        case PersonLeftService() if state is not None:
            return replace(state, active=False, left_on=event.effective_on)
    raise CannotApply(event, state)


class PersonIdMustBeFree(KeyMustBeFree):
    code = "person_already_registered"
    record = "person"


class PersonMustBeActive(BusinessRule):
    """Only a registered person still in service can be appointed, transferred or leave."""

    code = "person_not_active"
    person: Person | None
    person_id: str

    def is_broken(self) -> bool:
        return self.person is None or not self.person.active

    def message(self) -> str:
        state = "is not registered" if self.person is None else "has left service"
        return f"person {self.person_id} {state}"


@broken_if("not_a_police_officer", "person {person.person_id} is a {person.role.value}, not a police officer")
def MustBeAnOfficer(person: Person) -> bool:
    return person.role is not PersonRole.POLICE_OFFICER


@broken_if("transfer_to_same_station", "officer {person.person_id} already serves at {to_station_code}")
def TransferMustChangeStation(person: Person, to_station_code: str) -> bool:
    return person.station_code == to_station_code


@broken_if("badge_number_taken", "badge number {badge_number} is taken by another person")
def BadgeNumberMustBeFree(badge_number: str, holder: str | None) -> bool:
    return holder is not None


def register_officer(
    existing: Person | None,
    station: OrgUnit,
    *,
    person_id: str,
    badge_number: str,
    badge_holder: str | None,
    display_name: str,
) -> list[DomainEvent]:
    check(
        PersonIdMustBeFree(existing, person_id),
        MustBeAStation(station),
        BadgeNumberMustBeFree(badge_number, badge_holder),
    )
    return [
        PoliceOfficerRegistered(
            person_id=person_id,
            badge_number=badge_number,
            station_code=station.code,
            display_name=display_name,
        )
    ]


def register_cadre(
    existing: Person | None, village: OrgUnit, *, person_id: str, display_name: str, post: str
) -> list[DomainEvent]:
    check(PersonIdMustBeFree(existing, person_id), MustBeAVillage(village))
    return [
        VillageCadreRegistered(
            person_id=person_id, village_code=village.code, display_name=display_name, post=post
        )
    ]


def transfer_officer(
    person: Person | None, person_id: str, station: OrgUnit, *, effective_on: date
) -> list[DomainEvent]:
    check(PersonMustBeActive(person, person_id))
    assert person is not None
    check(MustBeAnOfficer(person), MustBeAStation(station), TransferMustChangeStation(person, station.code))
    assert person.station_code is not None
    return [
        PoliceOfficerTransferred(
            person_id=person.person_id,
            from_station_code=person.station_code,
            to_station_code=station.code,
            effective_on=effective_on,
        )
    ]


def leave_service(
    person: Person | None, person_id: str, *, reason: LeavingReason, effective_on: date
) -> list[DomainEvent]:
    check(PersonMustBeActive(person, person_id))
    return [PersonLeftService(person_id=person_id, reason=reason, effective_on=effective_on)]
