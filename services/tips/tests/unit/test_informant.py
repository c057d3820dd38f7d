"""Informant protection in the domain: who may see the contact, reveals and refusals recorded,
shredding after the retention."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govgrid.auth.principal import Role
from govgrid.catalogue.tips import InformantContactRevealed
from govgrid.catalogue.tips import InformantContactShredded
from govgrid.catalogue.tips import InformantRevealRefused
from govgrid.catalogue.tips import RevealRefusal
from govgrid.officers import Officer
from services.tips.domain import leads
from services.tips.domain.leads import ContactStatus
from services.tips.tests.unit.scenario import CLOSED_ON
from services.tips.tests.unit.scenario import COLLEAGUE
from services.tips.tests.unit.scenario import HANDLER
from services.tips.tests.unit.scenario import HANDLER_OFFICER
from services.tips.tests.unit.scenario import LEAD
from services.tips.tests.unit.scenario import OTHER_OFFICER
from services.tips.tests.unit.scenario import OTHER_STATION
from services.tips.tests.unit.scenario import REF
from services.tips.tests.unit.scenario import RETENTION
from services.tips.tests.unit.scenario import STATION
from services.tips.tests.unit.scenario import arrested
from services.tips.tests.unit.scenario import assigned
from services.tips.tests.unit.scenario import assigned_lead
from services.tips.tests.unit.scenario import caller
from services.tips.tests.unit.scenario import closed
from services.tips.tests.unit.scenario import closed_lead
from services.tips.tests.unit.scenario import lead
from services.tips.tests.unit.scenario import new_lead
from services.tips.tests.unit.scenario import then_events
from services.tips.tests.unit.scenario import then_rule_broken
from services.tips.tests.unit.scenario import triaged
from services.tips.tests.unit.scenario import verified

REASON = "核实线索需再次联系举报人"
SHRED_ON = CLOSED_ON + RETENTION

# ---------------------------------------------------------------- who may see the contact


def test_the_assigned_handler_may_see_the_contact() -> None:
    assert leads.reveal_refusal(assigned_lead(), caller(), HANDLER_OFFICER) is None


def test_a_city_admin_may_see_the_contact_of_any_lead_even_unassigned() -> None:
    admin = caller("city-admin", Role.CITY_ADMIN)
    assert leads.reveal_refusal(new_lead(), admin, None) is None


@pytest.mark.parametrize("role", [Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICER, Role.VIEWER])
def test_other_roles_never_see_the_contact(role: Role) -> None:
    assert (
        leads.reveal_refusal(assigned_lead(), caller(HANDLER, role), HANDLER_OFFICER)
        is RevealRefusal.ROLE_NOT_ALLOWED
    )


def test_an_officer_of_another_station_is_refused() -> None:
    outsider = caller(HANDLER, in_jurisdiction=False)
    assert (
        leads.reveal_refusal(assigned_lead(), outsider, HANDLER_OFFICER) is RevealRefusal.OUTSIDE_JURISDICTION
    )


def test_a_colleague_at_the_same_station_who_is_not_the_handler_is_refused() -> None:
    refusal = leads.reveal_refusal(assigned_lead(), caller(OTHER_OFFICER), HANDLER_OFFICER)
    assert refusal is RevealRefusal.NOT_THE_HANDLER


def test_nobody_but_a_city_admin_sees_the_contact_of_an_unassigned_lead() -> None:
    assert leads.reveal_refusal(lead(triaged()), caller(), HANDLER_OFFICER) is RevealRefusal.NOT_THE_HANDLER


@pytest.mark.parametrize(
    "handler",
    [Officer(HANDLER, OTHER_STATION, active=True), Officer(HANDLER, STATION, active=False), None],
    ids=["transferred", "left service", "not in the registry"],
)
def test_a_handler_who_left_the_station_loses_the_right_with_the_lead(handler: Officer | None) -> None:
    assert leads.reveal_refusal(assigned_lead(), caller(), handler) is RevealRefusal.HANDLER_LEFT_STATION


def test_the_new_handler_gets_the_right_when_the_lead_is_handed_over() -> None:
    handed_over = lead(triaged(), assigned(), assigned(OTHER_OFFICER))
    assert leads.reveal_refusal(handed_over, caller(OTHER_OFFICER), COLLEAGUE) is None
    assert leads.reveal_refusal(handed_over, caller(), HANDLER_OFFICER) is RevealRefusal.NOT_THE_HANDLER


# ---------------------------------------------------------------- reveal and refusal are recorded


def test_a_reveal_is_recorded_with_who_and_why() -> None:
    then_events(
        leads.reveal(assigned_lead(), caller(), reason=REASON),
        [
            InformantContactRevealed(
                lead_id=LEAD, informant_ref=REF, by=HANDLER, role="station_officer", reason=REASON
            )
        ],
    )
    state = lead(triaged(), assigned(), *leads.reveal(assigned_lead(), caller(), reason=REASON))
    assert state.reveals == 1


def test_a_refused_attempt_is_recorded_with_who_why_and_the_refusal() -> None:
    cadre = caller("cadre-7", Role.VILLAGE_CADRE)
    events = leads.refuse_reveal(
        assigned_lead(), cadre, reason=REASON, refusal=RevealRefusal.ROLE_NOT_ALLOWED
    )
    then_events(
        events,
        [
            InformantRevealRefused(
                lead_id=LEAD,
                by="cadre-7",
                role="village_cadre",
                reason=REASON,
                refusal=RevealRefusal.ROLE_NOT_ALLOWED,
            )
        ],
    )
    assert lead(triaged(), assigned(), *events).refused_reveals == 1


def test_an_anonymous_lead_has_no_contact_to_reveal() -> None:
    anonymous = lead(informant_ref=None)
    then_rule_broken("no_informant_contact", lambda: leads.reveal(anonymous, caller(), reason=REASON))


def test_the_contact_can_be_revealed_during_the_retention_after_closing() -> None:
    (event,) = leads.reveal(closed_lead(), caller("city-admin", Role.CITY_ADMIN), reason=REASON)
    assert isinstance(event, InformantContactRevealed)


def test_a_shredded_contact_cannot_be_revealed() -> None:
    shredded = given_shredded()
    assert shredded.informant_contact is ContactStatus.SHREDDED
    then_rule_broken(
        "informant_contact_shredded",
        lambda: leads.reveal(shredded, caller("city-admin", Role.CITY_ADMIN), reason=REASON),
    )


# ---------------------------------------------------------------- shredding


def given_shredded() -> leads.Lead:
    shredded = InformantContactShredded(lead_id=LEAD, informant_ref=REF, shredded_on=SHRED_ON)
    return lead(triaged(), assigned(), verified(), arrested(), closed(), shredded)


def test_the_key_is_shredded_once_the_retention_has_ended() -> None:
    then_events(
        leads.shred(closed_lead(), today=SHRED_ON),
        [InformantContactShredded(lead_id=LEAD, informant_ref=REF, shredded_on=SHRED_ON)],
    )


def test_not_a_day_before_the_end_of_the_retention() -> None:
    then_rule_broken(
        "retention_not_ended", lambda: leads.shred(closed_lead(), today=SHRED_ON - timedelta(days=1))
    )


def test_an_open_lead_keeps_its_contact() -> None:
    then_rule_broken("lead_not_closed", lambda: leads.shred(assigned_lead(), today=SHRED_ON))


def test_an_anonymous_lead_has_nothing_to_shred() -> None:
    then_rule_broken(
        "no_informant_contact", lambda: leads.shred(closed_lead(informant_ref=None), today=SHRED_ON)
    )


def test_a_contact_is_shredded_once() -> None:
    then_rule_broken("informant_contact_shredded", lambda: leads.shred(given_shredded(), today=SHRED_ON))
