"""People: registering officers and village cadres, transferring officers, leaving service."""

from __future__ import annotations

from datetime import date

import pytest

from govgrid.catalogue.appointments import LeavingReason
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.appointments.domain import people
from services.appointments.domain.people import Person
from services.appointments.domain.people import PersonRole
from services.appointments.tests.unit.scenario import CADRE
from services.appointments.tests.unit.scenario import CADRE_REGISTERED
from services.appointments.tests.unit.scenario import COMMUNITY
from services.appointments.tests.unit.scenario import COMMUNITY_REGISTERED
from services.appointments.tests.unit.scenario import OFFICER
from services.appointments.tests.unit.scenario import OFFICER_BADGE
from services.appointments.tests.unit.scenario import OFFICER_REGISTERED
from services.appointments.tests.unit.scenario import OTHER_STATION
from services.appointments.tests.unit.scenario import STATION
from services.appointments.tests.unit.scenario import VILLAGE
from services.appointments.tests.unit.scenario import cadre
from services.appointments.tests.unit.scenario import given_person
from services.appointments.tests.unit.scenario import given_unit
from services.appointments.tests.unit.scenario import left_service
from services.appointments.tests.unit.scenario import officer
from services.appointments.tests.unit.scenario import other_station
from services.appointments.tests.unit.scenario import station
from services.appointments.tests.unit.scenario import transferred
from services.appointments.tests.unit.scenario import unit_of_kind
from services.appointments.tests.unit.scenario import village

NOT_STATIONS = [kind for kind in OrgUnitKind if kind is not OrgUnitKind.POLICE_STATION]
NOT_VILLAGES = [kind for kind in OrgUnitKind if kind not in (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)]
TRANSFER_ON = date(2024, 9, 1)
LEFT_ON = date(2025, 6, 30)

# ---------------------------------------------------------------- register_officer


def test_register_an_officer() -> None:
    then_events(
        people.register_officer(
            None,
            station(),
            person_id=OFFICER,
            badge_number=OFFICER_BADGE,
            badge_holder=None,
            display_name="王海",
        ),
        [
            PoliceOfficerRegistered(
                person_id=OFFICER, badge_number=OFFICER_BADGE, station_code=STATION, display_name="王海"
            )
        ],
    )


def test_a_registered_officer_is_an_active_officer_of_the_station() -> None:
    assert officer() == Person(
        OFFICER, PersonRole.POLICE_OFFICER, "王海", station_code=STATION, badge_number=OFFICER_BADGE
    )


@pytest.mark.parametrize("existing", [OFFICER_REGISTERED, CADRE_REGISTERED], ids=["officer", "cadre"])
def test_register_an_officer_under_a_taken_id(
    existing: PoliceOfficerRegistered | VillageCadreRegistered,
) -> None:
    then_rule_broken(
        "person_already_registered",
        lambda: people.register_officer(
            given_person(existing),
            station(),
            person_id=existing.person_id,
            badge_number="460499",
            badge_holder=None,
            display_name="李明",
        ),
    )


@pytest.mark.parametrize("kind", NOT_STATIONS)
def test_an_officer_serves_at_a_police_station(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_police_station",
        lambda: people.register_officer(
            None,
            unit_of_kind(kind),
            person_id=OFFICER,
            badge_number=OFFICER_BADGE,
            badge_holder=None,
            display_name="王海",
        ),
    )


def test_register_an_officer_with_a_taken_badge_number() -> None:
    error = then_rule_broken(
        "badge_number_taken",
        lambda: people.register_officer(
            None,
            station(),
            person_id="P-LIMING",
            badge_number=OFFICER_BADGE,
            badge_holder=OFFICER,
            display_name="李明",
        ),
    )
    # The holder may be another station's officer, whom the caller may not see: not named.
    assert OFFICER not in error.message


# ---------------------------------------------------------------- register_cadre


def test_register_a_cadre() -> None:
    then_events(
        people.register_cadre(None, village(), person_id=CADRE, display_name="符春花", post="村委会主任"),
        [
            VillageCadreRegistered(
                person_id=CADRE, village_code=VILLAGE, display_name="符春花", post="村委会主任"
            )
        ],
    )


def test_register_a_cadre_of_a_community() -> None:
    then_events(
        people.register_cadre(
            None,
            given_unit(COMMUNITY_REGISTERED),
            person_id="P-CHENLI",
            display_name="陈丽",
            post="社区党支部书记",
        ),
        [
            VillageCadreRegistered(
                person_id="P-CHENLI", village_code=COMMUNITY, display_name="陈丽", post="社区党支部书记"
            )
        ],
    )


def test_a_registered_cadre_is_an_active_cadre_of_the_village() -> None:
    assert cadre() == Person(
        CADRE, PersonRole.VILLAGE_CADRE, "符春花", village_code=VILLAGE, post="村委会主任"
    )


def test_register_a_cadre_under_a_taken_id() -> None:
    then_rule_broken(
        "person_already_registered",
        lambda: people.register_cadre(
            cadre(), village(), person_id=CADRE, display_name="符春花", post="村委委员"
        ),
    )


@pytest.mark.parametrize("kind", NOT_VILLAGES)
def test_a_cadre_belongs_to_a_village_or_community(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_village",
        lambda: people.register_cadre(
            None, unit_of_kind(kind), person_id=CADRE, display_name="符春花", post="村委会主任"
        ),
    )


# ---------------------------------------------------------------- transfer_officer


def test_transfer_an_officer() -> None:
    events = people.transfer_officer(officer(), OFFICER, other_station(), effective_on=TRANSFER_ON)
    then_events(
        events,
        [
            PoliceOfficerTransferred(
                person_id=OFFICER,
                from_station_code=STATION,
                to_station_code=OTHER_STATION,
                effective_on=TRANSFER_ON,
            )
        ],
    )
    assert given_person(OFFICER_REGISTERED, *events).station_code == OTHER_STATION


def test_transfer_back_after_a_transfer() -> None:
    then_events(
        people.transfer_officer(
            officer(transferred(TRANSFER_ON)), OFFICER, station(), effective_on=date(2025, 3, 1)
        ),
        [
            PoliceOfficerTransferred(
                person_id=OFFICER,
                from_station_code=OTHER_STATION,
                to_station_code=STATION,
                effective_on=date(2025, 3, 1),
            )
        ],
    )


def test_transfer_an_unknown_person() -> None:
    then_rule_broken(
        "person_not_active",
        lambda: people.transfer_officer(None, "P-NOBODY", other_station(), effective_on=TRANSFER_ON),
    )


def test_transfer_an_officer_who_left_service() -> None:
    then_rule_broken(
        "person_not_active",
        lambda: people.transfer_officer(
            officer(left_service(LEFT_ON)), OFFICER, other_station(), effective_on=date(2025, 9, 1)
        ),
    )


def test_transfer_a_cadre() -> None:
    then_rule_broken(
        "not_a_police_officer",
        lambda: people.transfer_officer(cadre(), CADRE, station(), effective_on=TRANSFER_ON),
    )


def test_transfer_to_the_same_station() -> None:
    then_rule_broken(
        "transfer_to_same_station",
        lambda: people.transfer_officer(officer(), OFFICER, station(), effective_on=TRANSFER_ON),
    )


@pytest.mark.parametrize("kind", NOT_STATIONS)
def test_transfer_to_a_unit_that_is_not_a_station(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_police_station",
        lambda: people.transfer_officer(officer(), OFFICER, unit_of_kind(kind), effective_on=TRANSFER_ON),
    )


# ---------------------------------------------------------------- leave_service


@pytest.mark.parametrize("reason", list(LeavingReason))
def test_an_officer_leaves_service(reason: LeavingReason) -> None:
    events = people.leave_service(officer(), OFFICER, reason=reason, effective_on=LEFT_ON)
    then_events(events, [PersonLeftService(person_id=OFFICER, reason=reason, effective_on=LEFT_ON)])
    gone = given_person(OFFICER_REGISTERED, *events)
    assert (gone.active, gone.left_on) == (False, LEFT_ON)


def test_a_cadre_leaves_service() -> None:
    then_events(
        people.leave_service(cadre(), CADRE, reason=LeavingReason.RESIGNED, effective_on=LEFT_ON),
        [PersonLeftService(person_id=CADRE, reason=LeavingReason.RESIGNED, effective_on=LEFT_ON)],
    )


def test_leave_service_twice() -> None:
    then_rule_broken(
        "person_not_active",
        lambda: people.leave_service(
            officer(left_service(LEFT_ON)), OFFICER, reason=LeavingReason.OTHER, effective_on=date(2025, 7, 1)
        ),
    )


def test_an_unknown_person_cannot_leave_service() -> None:
    then_rule_broken(
        "person_not_active",
        lambda: people.leave_service(None, "P-NOBODY", reason=LeavingReason.RETIRED, effective_on=LEFT_ON),
    )
