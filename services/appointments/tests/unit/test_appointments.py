"""Dual appointments (双向兼职): nominate, approve, issue the certificate (任命证书), end."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentCertificateIssued
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.appointments import AppointmentKind
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.appointments.domain import appointments
from services.appointments.domain.appointments import Appointment
from services.appointments.domain.appointments import AppointmentStatus
from services.appointments.domain.appointments import Nomination
from services.appointments.domain.org_units import OrgUnit
from services.appointments.domain.people import Person
from services.appointments.tests.unit.scenario import APPOINTMENT
from services.appointments.tests.unit.scenario import APPROVED_ON
from services.appointments.tests.unit.scenario import CADRE
from services.appointments.tests.unit.scenario import CERTIFICATE
from services.appointments.tests.unit.scenario import ISSUED_ON
from services.appointments.tests.unit.scenario import OFFICER
from services.appointments.tests.unit.scenario import OTHER_STATION
from services.appointments.tests.unit.scenario import STATION
from services.appointments.tests.unit.scenario import TERM_END
from services.appointments.tests.unit.scenario import TERM_START
from services.appointments.tests.unit.scenario import VILLAGE
from services.appointments.tests.unit.scenario import appointment
from services.appointments.tests.unit.scenario import approved
from services.appointments.tests.unit.scenario import cadre
from services.appointments.tests.unit.scenario import certificate_issued
from services.appointments.tests.unit.scenario import coverage_assigned
from services.appointments.tests.unit.scenario import coverage_ended
from services.appointments.tests.unit.scenario import ended
from services.appointments.tests.unit.scenario import given_appointment
from services.appointments.tests.unit.scenario import left_service
from services.appointments.tests.unit.scenario import nominated
from services.appointments.tests.unit.scenario import officer
from services.appointments.tests.unit.scenario import other_station
from services.appointments.tests.unit.scenario import station
from services.appointments.tests.unit.scenario import unit_of_kind
from services.appointments.tests.unit.scenario import village

DEPUTY = AppointmentKind.DEPUTY_PARTY_SECRETARY
DIRECTOR = AppointmentKind.JOINT_DEFENCE_DIRECTOR

# 干冲村, covered by 西华派出所 since 2021.
COVERED_VILLAGE = village(coverage_assigned(date(2021, 1, 1)))


def nominate(
    person: Person | None,
    *,
    kind: AppointmentKind = DEPUTY,
    person_id: str = OFFICER,
    village_unit: OrgUnit = COVERED_VILLAGE,
    station_unit: OrgUnit | None = None,
    term_start: date = TERM_START,
    term_end: date = TERM_END,
    active_same_kind: tuple[str, ...] = (),
) -> list[DomainEvent]:
    """The 2023 nomination of ``person`` to the 干冲村 / 西华派出所 pair, with one thing changed."""
    station_unit = station_unit if station_unit is not None else station()
    organisation_code = village_unit.code if kind is DEPUTY else station_unit.code
    return appointments.nominate(
        Nomination(APPOINTMENT, kind, person_id, organisation_code, term_start, term_end),
        person=person,
        village=village_unit,
        station=station_unit,
        active_same_kind=active_same_kind,
    )


# ---------------------------------------------------------------- nominate


def test_nominate_an_officer_deputy_party_secretary_of_a_village() -> None:
    then_events(
        nominate(officer()),
        [
            AppointmentNominated(
                appointment_id=APPOINTMENT,
                kind=DEPUTY,
                person_id=OFFICER,
                station_code=STATION,
                village_code=VILLAGE,
                term_start=TERM_START,
                term_end=TERM_END,
            )
        ],
    )


def test_nominate_a_cadre_joint_defence_director_of_a_station() -> None:
    then_events(
        nominate(cadre(), kind=DIRECTOR, person_id=CADRE),
        [
            AppointmentNominated(
                appointment_id=APPOINTMENT,
                kind=DIRECTOR,
                person_id=CADRE,
                station_code=STATION,
                village_code=VILLAGE,
                term_start=TERM_START,
                term_end=TERM_END,
            )
        ],
    )


def test_a_nomination_folds_into_a_nominated_appointment() -> None:
    assert given_appointment(*nominate(officer())) == Appointment(
        APPOINTMENT, DEPUTY, OFFICER, STATION, VILLAGE, TERM_START, TERM_END, AppointmentStatus.NOMINATED
    )


def test_nominate_an_unknown_person() -> None:
    then_rule_broken("person_not_active", lambda: nominate(None, person_id="P-NOBODY"))


@pytest.mark.parametrize(
    ("person", "kind"), [(officer(), DEPUTY), (cadre(), DIRECTOR)], ids=["officer", "cadre"]
)
def test_nominate_a_person_who_left_service(person: Person, kind: AppointmentKind) -> None:
    gone = replace(person, active=False, left_on=date(2022, 12, 31))
    then_rule_broken("person_not_active", lambda: nominate(gone, kind=kind, person_id=gone.person_id))


def test_nominate_an_officer_who_left_service_by_their_history() -> None:
    then_rule_broken("person_not_active", lambda: nominate(officer(left_service(date(2022, 12, 31)))))


def test_an_officer_cannot_be_joint_defence_director() -> None:
    then_rule_broken("appointment_kind_mismatch", lambda: nominate(officer(), kind=DIRECTOR))


def test_a_cadre_cannot_be_deputy_party_secretary() -> None:
    then_rule_broken("appointment_kind_mismatch", lambda: nominate(cadre(), kind=DEPUTY, person_id=CADRE))


@pytest.mark.parametrize(
    "kind", [k for k in OrgUnitKind if k not in (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)]
)
def test_the_village_must_be_a_village_or_community(kind: OrgUnitKind) -> None:
    then_rule_broken("not_a_village", lambda: nominate(officer(), village_unit=unit_of_kind(kind)))


@pytest.mark.parametrize("kind", [k for k in OrgUnitKind if k is not OrgUnitKind.POLICE_STATION])
def test_the_station_must_be_a_police_station(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_police_station",
        lambda: nominate(cadre(), kind=DIRECTOR, person_id=CADRE, station_unit=unit_of_kind(kind)),
    )


@pytest.mark.parametrize("term_end", [TERM_START, date(2023, 2, 28), date(2020, 3, 1)], ids=str)
def test_the_term_must_end_after_it_starts(term_end: date) -> None:
    then_rule_broken("dates_incoherent", lambda: nominate(officer(), term_end=term_end))


def test_a_one_day_term_is_coherent() -> None:
    then_events(nominate(officer(), term_end=date(2023, 3, 2)), [nominated(term_end=date(2023, 3, 2))])


@pytest.mark.parametrize(
    "village_unit",
    [
        pytest.param(village(), id="never-covered"),
        pytest.param(village(coverage_assigned(date(2023, 6, 1))), id="covered-only-later"),
        pytest.param(
            village(coverage_assigned(date(2021, 1, 1)), coverage_ended(date(2023, 2, 28))),
            id="coverage-ended-before",
        ),
        pytest.param(
            village(
                coverage_assigned(date(2021, 1, 1)),
                coverage_ended(date(2022, 12, 31)),
                coverage_assigned(date(2023, 1, 1), station_code=OTHER_STATION),
            ),
            id="covered-by-another-station",
        ),
    ],
)
def test_the_station_must_cover_the_village_on_the_first_day_of_the_term(village_unit: OrgUnit) -> None:
    then_rule_broken("village_not_covered_by_station", lambda: nominate(officer(), village_unit=village_unit))


@pytest.mark.parametrize(
    "village_unit",
    [
        pytest.param(village(coverage_assigned(TERM_START)), id="coverage-starts-that-day"),
        pytest.param(
            village(coverage_assigned(date(2021, 1, 1)), coverage_ended(TERM_START)),
            id="coverage-ends-that-day",
        ),
    ],
)
def test_coverage_on_the_first_day_of_the_term_is_enough(village_unit: OrgUnit) -> None:
    then_events(nominate(officer(), village_unit=village_unit), [nominated()])


def test_a_cadre_s_village_must_be_covered_by_the_station_too() -> None:
    then_rule_broken(
        "village_not_covered_by_station",
        lambda: nominate(cadre(), kind=DIRECTOR, person_id=CADRE, station_unit=other_station()),
    )


@pytest.mark.parametrize(
    ("person", "kind"), [(officer(), DEPUTY), (cadre(), DIRECTOR)], ids=["officer", "cadre"]
)
def test_no_second_active_appointment_of_the_same_kind(person: Person, kind: AppointmentKind) -> None:
    error = then_rule_broken(
        "already_holds_active_appointment",
        lambda: nominate(person, kind=kind, person_id=person.person_id, active_same_kind=("A2022-0007",)),
    )
    # The other appointment may lie where the caller may not see: it is not named.
    assert "A2022-0007" not in error.message


def test_an_officer_is_paired_only_with_their_own_station() -> None:
    officer_of_xihua = officer()  # serves at 西华派出所, offered as 东城派出所's pair
    then_rule_broken(
        "pair_mismatch",
        lambda: appointments.nominate(
            Nomination(APPOINTMENT, DEPUTY, OFFICER, VILLAGE, TERM_START, TERM_END),
            person=officer_of_xihua,
            village=village(coverage_assigned(date(2021, 1, 1), station_code=OTHER_STATION)),
            station=other_station(),
            active_same_kind=(),
        ),
    )


# ---------------------------------------------------------------- approve


def test_approve() -> None:
    then_events(
        appointments.approve(appointment(), approved_on=APPROVED_ON),
        [AppointmentApproved(appointment_id=APPOINTMENT, approved_on=APPROVED_ON)],
    )


def test_approve_on_the_last_day_of_the_term() -> None:
    then_events(
        appointments.approve(appointment(), approved_on=TERM_END),
        [AppointmentApproved(appointment_id=APPOINTMENT, approved_on=TERM_END)],
    )


@pytest.mark.parametrize(
    "history",
    [
        pytest.param((approved(),), id="approved"),
        pytest.param((approved(), certificate_issued()), id="certified"),
    ],
)
def test_approve_twice(history: tuple[DomainEvent, ...]) -> None:
    then_rule_broken(
        "appointment_already_approved",
        lambda: appointments.approve(appointment(*history), approved_on=date(2023, 4, 1)),
    )


@pytest.mark.parametrize(
    "history",
    [
        pytest.param((ended(date(2023, 3, 5), AppointmentEndReason.REVOKED),), id="nominated-then-ended"),
        pytest.param((approved(), certificate_issued(), ended()), id="certified-then-ended"),
    ],
)
def test_approve_after_the_end(history: tuple[DomainEvent, ...]) -> None:
    then_rule_broken(
        "appointment_ended", lambda: appointments.approve(appointment(*history), approved_on=date(2023, 4, 1))
    )


def test_approve_after_the_term_ended() -> None:
    then_rule_broken(
        "dates_incoherent", lambda: appointments.approve(appointment(), approved_on=date(2026, 3, 1))
    )


# ---------------------------------------------------------------- issue_certificate


def test_issue_the_certificate() -> None:
    then_events(
        appointments.issue_certificate(
            appointment(approved()), certificate_number=CERTIFICATE, issued_on=ISSUED_ON
        ),
        [
            AppointmentCertificateIssued(
                appointment_id=APPOINTMENT, certificate_number=CERTIFICATE, issued_on=ISSUED_ON
            )
        ],
    )


def test_issue_the_certificate_on_the_approval_day() -> None:
    then_events(
        appointments.issue_certificate(
            appointment(approved()), certificate_number=CERTIFICATE, issued_on=APPROVED_ON
        ),
        [
            AppointmentCertificateIssued(
                appointment_id=APPOINTMENT, certificate_number=CERTIFICATE, issued_on=APPROVED_ON
            )
        ],
    )


def test_no_certificate_before_approval() -> None:
    then_rule_broken(
        "certificate_before_approval",
        lambda: appointments.issue_certificate(
            appointment(), certificate_number=CERTIFICATE, issued_on=ISSUED_ON
        ),
    )


def test_issue_the_certificate_twice() -> None:
    then_rule_broken(
        "certificate_already_issued",
        lambda: appointments.issue_certificate(
            appointment(approved(), certificate_issued()),
            certificate_number="DZ-2023-0043",
            issued_on=date(2023, 4, 1),
        ),
    )


@pytest.mark.parametrize(
    "history",
    [
        pytest.param((ended(date(2023, 3, 5), AppointmentEndReason.REVOKED),), id="nominated-then-ended"),
        pytest.param(
            (approved(), ended(date(2023, 3, 12), AppointmentEndReason.REVOKED)), id="approved-then-ended"
        ),
    ],
)
def test_issue_the_certificate_after_the_end(history: tuple[DomainEvent, ...]) -> None:
    then_rule_broken(
        "appointment_ended",
        lambda: appointments.issue_certificate(
            appointment(*history), certificate_number=CERTIFICATE, issued_on=ISSUED_ON
        ),
    )


def test_issue_the_certificate_before_the_approval_date() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.issue_certificate(
            appointment(approved()), certificate_number=CERTIFICATE, issued_on=date(2023, 3, 9)
        ),
    )


def test_check_can_issue_certificate_applies_the_same_rules_without_events() -> None:
    appointments.check_can_issue_certificate(appointment(approved()), issued_on=ISSUED_ON)
    then_rule_broken(
        "certificate_before_approval",
        lambda: appointments.check_can_issue_certificate(appointment(), issued_on=ISSUED_ON),
    )
    then_rule_broken(
        "certificate_already_issued",
        lambda: appointments.check_can_issue_certificate(
            appointment(approved(), certificate_issued()), issued_on=ISSUED_ON
        ),
    )
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.check_can_issue_certificate(appointment(approved()), issued_on=date(2023, 3, 1)),
    )


def test_no_certificate_after_the_term_ended() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.issue_certificate(
            appointment(approved()), certificate_number="DZ-2027-0001", issued_on=date(2027, 3, 1)
        ),
    )


# ---------------------------------------------------------------- end


@pytest.mark.parametrize("reason", list(AppointmentEndReason))
def test_end_a_certified_appointment(reason: AppointmentEndReason) -> None:
    then_events(
        appointments.end(
            appointment(approved(), certificate_issued()),
            reason=reason,
            ended_on=TERM_END,
            note="2023届任期届满",
        ),
        [
            AppointmentEnded(
                appointment_id=APPOINTMENT, reason=reason, ended_on=TERM_END, note="2023届任期届满"
            )
        ],
    )


def test_withdraw_a_nomination() -> None:
    then_events(
        appointments.end(appointment(), reason=AppointmentEndReason.REVOKED, ended_on=date(2023, 3, 5)),
        [
            AppointmentEnded(
                appointment_id=APPOINTMENT, reason=AppointmentEndReason.REVOKED, ended_on=date(2023, 3, 5)
            )
        ],
    )


def test_end_on_the_certificate_day() -> None:
    then_events(
        appointments.end(
            appointment(approved(), certificate_issued()),
            reason=AppointmentEndReason.REVOKED,
            ended_on=ISSUED_ON,
        ),
        [
            AppointmentEnded(
                appointment_id=APPOINTMENT, reason=AppointmentEndReason.REVOKED, ended_on=ISSUED_ON
            )
        ],
    )


def test_end_twice() -> None:
    then_rule_broken(
        "appointment_ended",
        lambda: appointments.end(
            appointment(approved(), certificate_issued(), ended()),
            reason=AppointmentEndReason.REVOKED,
            ended_on=date(2026, 3, 1),
        ),
    )


def test_end_before_the_certificate_date() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.end(
            appointment(approved(), certificate_issued()),
            reason=AppointmentEndReason.TRANSFERRED,
            ended_on=date(2023, 3, 14),
        ),
    )


def test_end_before_the_approval_date() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.end(
            appointment(approved()), reason=AppointmentEndReason.REVOKED, ended_on=date(2023, 3, 9)
        ),
    )


def test_a_term_cannot_have_ended_before_it_started_but_may_be_revoked_before() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: appointments.end(
            appointment(), reason=AppointmentEndReason.TERM_ENDED, ended_on=date(2000, 1, 1)
        ),
    )
    then_events(
        appointments.end(appointment(), reason=AppointmentEndReason.REVOKED, ended_on=date(2023, 1, 15)),
        [
            AppointmentEnded(
                appointment_id=APPOINTMENT, reason=AppointmentEndReason.REVOKED, ended_on=date(2023, 1, 15)
            )
        ],
    )


# ---------------------------------------------------------------- the whole lifecycle


def test_the_whole_lifecycle_of_a_deputy_party_secretary() -> None:
    history: list[DomainEvent] = list(nominate(officer()))
    history += appointments.approve(given_appointment(*history), approved_on=APPROVED_ON)
    number = appointments.certificate_number("DZ", ISSUED_ON.year, 42)
    history += appointments.issue_certificate(
        given_appointment(*history), certificate_number=number, issued_on=ISSUED_ON
    )
    history += appointments.end(
        given_appointment(*history), reason=AppointmentEndReason.TERM_ENDED, ended_on=TERM_END
    )

    then_events(history, [nominated(), approved(), certificate_issued(number=CERTIFICATE), ended()])
    final = given_appointment(*history)
    assert final == Appointment(
        appointment_id=APPOINTMENT,
        kind=DEPUTY,
        person_id=OFFICER,
        station_code=STATION,
        village_code=VILLAGE,
        term_start=TERM_START,
        term_end=TERM_END,
        status=AppointmentStatus.ENDED,
        approved_on=APPROVED_ON,
        certificate_number=CERTIFICATE,
        issued_on=ISSUED_ON,
        ended_on=TERM_END,
        end_reason=AppointmentEndReason.TERM_ENDED,
    )
    assert not final.is_active
    assert final.last_date == ISSUED_ON


@pytest.mark.parametrize(
    ("history", "status", "active", "last_date"),
    [
        pytest.param((), AppointmentStatus.NOMINATED, True, date.min, id="nominated"),
        pytest.param((approved(),), AppointmentStatus.APPROVED, True, APPROVED_ON, id="approved"),
        pytest.param(
            (approved(), certificate_issued()), AppointmentStatus.CERTIFIED, True, ISSUED_ON, id="certified"
        ),
        pytest.param(
            (approved(), certificate_issued(), ended()), AppointmentStatus.ENDED, False, ISSUED_ON, id="ended"
        ),
    ],
)
def test_status_along_the_way(
    history: tuple[DomainEvent, ...], status: AppointmentStatus, active: bool, last_date: date
) -> None:
    state = appointment(*history)
    assert (state.status, state.is_active, state.last_date) == (status, active, last_date)


def test_events_of_an_appointment_need_its_nomination_first() -> None:
    with pytest.raises(ValueError, match="AppointmentApproved cannot apply to None"):
        given_appointment(approved())


# ---------------------------------------------------------------- certificate_number


@pytest.mark.parametrize(
    ("prefix", "year", "sequence", "expected"),
    [
        ("DZ", 2023, 42, "DZ-2023-0042"),
        ("DZ", 2023, 1, "DZ-2023-0001"),
        ("DZ", 2024, 280, "DZ-2024-0280"),
        ("DZGA", 2023, 9999, "DZGA-2023-9999"),
        ("DZ", 2023, 12345, "DZ-2023-12345"),  # past 9999 the number grows a digit rather than wrapping
    ],
)
def test_certificate_number(prefix: str, year: int, sequence: int, expected: str) -> None:
    assert appointments.certificate_number(prefix, year, sequence) == expected
