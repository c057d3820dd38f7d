"""Enterprise-related cases: opened for a registered enterprise, handled once, how long it took."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.outreach.domain import cases
from services.outreach.domain.cases import Opening
from services.outreach.tests.unit.scenario import CASE
from services.outreach.tests.unit.scenario import CASE_OPENED_ON
from services.outreach.tests.unit.scenario import ENTERPRISE
from services.outreach.tests.unit.scenario import TODAY
from services.outreach.tests.unit.scenario import case
from services.outreach.tests.unit.scenario import case_handled
from services.outreach.tests.unit.scenario import case_opened
from services.outreach.tests.unit.scenario import enterprise

OPENING = Opening(CASE, ENTERPRISE, EnterpriseCaseCategory.THEFT, CASE_OPENED_ON, "厂区橡胶被盗")


def handle(state: cases.EnterpriseCase, handled_on: date = date(2023, 10, 15)) -> list[DomainEvent]:
    return cases.handle(
        state, handled_on=handled_on, outcome=EnterpriseCaseOutcome.SOLVED, note="", today=TODAY
    )


def test_open_a_case_of_a_registered_enterprise() -> None:
    then_events(cases.open_case(OPENING, enterprise=enterprise(), today=TODAY), [case_opened()])
    assert case().handling_days is None


def test_no_case_before_the_enterprise_is_registered() -> None:
    then_rule_broken("unknown_enterprise", lambda: cases.open_case(OPENING, enterprise=None, today=TODAY))


def test_no_case_opened_in_the_future() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: cases.open_case(OPENING, enterprise=enterprise(), today=CASE_OPENED_ON - timedelta(days=1)),
    )


def test_handle_a_case_and_know_how_long_it_took() -> None:
    then_events(handle(case()), [case_handled()])
    handled = case(case_handled())
    assert (handled.handled_on, handled.outcome, handled.handling_days) == (
        date(2023, 10, 15),
        EnterpriseCaseOutcome.SOLVED,
        14,
    )


def test_a_case_handled_the_day_it_was_opened_took_zero_days() -> None:
    (event,) = handle(case(), CASE_OPENED_ON)
    assert isinstance(event, EnterpriseCaseHandled)
    assert cases.evolve(case(), event).handling_days == 0


def test_no_handling_before_the_opening_or_in_the_future() -> None:
    then_rule_broken("dates_incoherent", lambda: handle(case(), CASE_OPENED_ON - timedelta(days=1)))
    then_rule_broken("date_in_future", lambda: handle(case(), TODAY + timedelta(days=1)))


def test_nothing_changes_once_handled() -> None:
    then_rule_broken("enterprise_case_already_handled", lambda: handle(case(case_handled())))
