"""Given events, when a command, then events or a broken rule: the helpers of the domain's unit tests.

``given_*`` fold events into the state a decision takes; ``then_events`` compares the events a
decision returned with the expected ones; ``then_rule_broken`` runs a decision and checks the code
of the RuleBroken it raises. The rest are the grid and the people the scenarios are about (the 2023
programme in Danzhou): every builder returns an event, so a test reads as its history.
"""

from __future__ import annotations

from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.testing.scenario import given
from services.appointments.domain import appointments
from services.appointments.domain import org_units
from services.appointments.domain import people
from services.appointments.domain.appointments import Appointment
from services.appointments.domain.org_units import OrgUnit
from services.appointments.domain.people import Person

# ---------------------------------------------------------------- given / then


def given_unit(*events: DomainEvent) -> OrgUnit:
    return given(org_units.evolve, *events)


def given_person(*events: DomainEvent) -> Person:
    return given(people.evolve, *events)


def given_appointment(*events: DomainEvent) -> Appointment:
    return given(appointments.evolve, *events)


# ---------------------------------------------------------------- the grid

CITY = "DZ"  # 儋州市
TOWNSHIP = "XINYING"  # 新英镇
SUBDISTRICT = "NADA"  # 那大办事处
STATION = "XIHUA"  # 西华派出所
OTHER_STATION = "DONGCHENG"  # 东城派出所
VILLAGE = "GANCHONG"  # 干冲村
OTHER_VILLAGE = "QIANJIN"  # 前进村
COMMUNITY = "XINYING-SQ"  # 新英社区
GRID = "GANCHONG-G1"  # 干冲村第一网格


def registered(
    code: str, kind: OrgUnitKind, name_zh: str, name_en: str, parent_code: str | None
) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(
        code=code, kind=kind, name_zh=name_zh, name_en=name_en, parent_code=parent_code
    )


CITY_REGISTERED = registered(CITY, OrgUnitKind.CITY, "儋州市", "Danzhou", None)
TOWNSHIP_REGISTERED = registered(TOWNSHIP, OrgUnitKind.TOWNSHIP, "新英镇", "Xinying Town", CITY)
SUBDISTRICT_REGISTERED = registered(
    SUBDISTRICT, OrgUnitKind.SUBDISTRICT_OFFICE, "那大办事处", "Nada Subdistrict Office", CITY
)
STATION_REGISTERED = registered(
    STATION, OrgUnitKind.POLICE_STATION, "西华派出所", "Xihua Police Station", CITY
)
OTHER_STATION_REGISTERED = registered(
    OTHER_STATION, OrgUnitKind.POLICE_STATION, "东城派出所", "Dongcheng Police Station", CITY
)
VILLAGE_REGISTERED = registered(VILLAGE, OrgUnitKind.VILLAGE, "干冲村", "Ganchong Village", TOWNSHIP)
OTHER_VILLAGE_REGISTERED = registered(
    OTHER_VILLAGE, OrgUnitKind.VILLAGE, "前进村", "Qianjin Village", TOWNSHIP
)
COMMUNITY_REGISTERED = registered(COMMUNITY, OrgUnitKind.COMMUNITY, "新英社区", "Xinying Community", TOWNSHIP)
GRID_REGISTERED = registered(GRID, OrgUnitKind.GRID, "干冲村第一网格", "Ganchong Grid 1", VILLAGE)

# One registered unit of every kind (the parent-kind table, "not a village", "not a station").
REGISTERED_OF_KIND: dict[OrgUnitKind, OrganisationUnitRegistered] = {
    OrgUnitKind.CITY: CITY_REGISTERED,
    OrgUnitKind.TOWNSHIP: TOWNSHIP_REGISTERED,
    OrgUnitKind.SUBDISTRICT_OFFICE: SUBDISTRICT_REGISTERED,
    OrgUnitKind.POLICE_STATION: STATION_REGISTERED,
    OrgUnitKind.VILLAGE: VILLAGE_REGISTERED,
    OrgUnitKind.COMMUNITY: COMMUNITY_REGISTERED,
    OrgUnitKind.GRID: GRID_REGISTERED,
}


def unit_of_kind(kind: OrgUnitKind) -> OrgUnit:
    return given_unit(REGISTERED_OF_KIND[kind])


def coverage_assigned(
    effective_from: date, station_code: str = STATION, village_code: str = VILLAGE
) -> VillageCoverageAssigned:
    return VillageCoverageAssigned(
        station_code=station_code, village_code=village_code, effective_from=effective_from
    )


def coverage_ended(
    effective_until: date, station_code: str = STATION, village_code: str = VILLAGE
) -> VillageCoverageEnded:
    return VillageCoverageEnded(
        station_code=station_code, village_code=village_code, effective_until=effective_until
    )


def village(*history: DomainEvent) -> OrgUnit:
    """干冲村 after ``history`` (its coverage events)."""
    return given_unit(VILLAGE_REGISTERED, *history)


def station() -> OrgUnit:
    return given_unit(STATION_REGISTERED)


def other_station() -> OrgUnit:
    return given_unit(OTHER_STATION_REGISTERED)


# ---------------------------------------------------------------- people

OFFICER = "P-WANGHAI"  # 王海, officer at 西华派出所
OFFICER_BADGE = "460401"
CADRE = "P-FUCHUNHUA"  # 符春花, 干冲村村委会主任

OFFICER_REGISTERED = PoliceOfficerRegistered(
    person_id=OFFICER, badge_number=OFFICER_BADGE, station_code=STATION, display_name="王海"
)
CADRE_REGISTERED = VillageCadreRegistered(
    person_id=CADRE, village_code=VILLAGE, display_name="符春花", post="村委会主任"
)


def transferred(effective_on: date, to_station_code: str = OTHER_STATION) -> PoliceOfficerTransferred:
    return PoliceOfficerTransferred(
        person_id=OFFICER,
        from_station_code=STATION,
        to_station_code=to_station_code,
        effective_on=effective_on,
    )


def left_service(
    effective_on: date, person_id: str = OFFICER, reason: LeavingReason = LeavingReason.RETIRED
) -> PersonLeftService:
    return PersonLeftService(person_id=person_id, reason=reason, effective_on=effective_on)


def officer(*history: DomainEvent) -> Person:
    return given_person(OFFICER_REGISTERED, *history)


def cadre(*history: DomainEvent) -> Person:
    return given_person(CADRE_REGISTERED, *history)


# ---------------------------------------------------------------- appointments (the 2023 term)

APPOINTMENT = "A2023-0001"
TERM_START = date(2023, 3, 1)
TERM_END = date(2026, 2, 28)
APPROVED_ON = date(2023, 3, 10)
ISSUED_ON = date(2023, 3, 15)
CERTIFICATE = "DZ-2023-0042"


def nominated(
    kind: AppointmentKind = AppointmentKind.DEPUTY_PARTY_SECRETARY,
    person_id: str = OFFICER,
    term_start: date = TERM_START,
    term_end: date = TERM_END,
) -> AppointmentNominated:
    return AppointmentNominated(
        appointment_id=APPOINTMENT,
        kind=kind,
        person_id=person_id,
        station_code=STATION,
        village_code=VILLAGE,
        term_start=term_start,
        term_end=term_end,
    )


def approved(approved_on: date = APPROVED_ON) -> AppointmentApproved:
    return AppointmentApproved(appointment_id=APPOINTMENT, approved_on=approved_on)


def certificate_issued(
    issued_on: date = ISSUED_ON, number: str = CERTIFICATE
) -> AppointmentCertificateIssued:
    return AppointmentCertificateIssued(
        appointment_id=APPOINTMENT, certificate_number=number, issued_on=issued_on
    )


def ended(
    ended_on: date = TERM_END, reason: AppointmentEndReason = AppointmentEndReason.TERM_ENDED, note: str = ""
) -> AppointmentEnded:
    return AppointmentEnded(appointment_id=APPOINTMENT, reason=reason, ended_on=ended_on, note=note)


def appointment(*history: DomainEvent) -> Appointment:
    """The officer's deputy-secretary appointment in 干冲村, nominated, then ``history``."""
    return given_appointment(nominated(), *history)
