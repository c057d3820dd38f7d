"""Enterprise visits ("百警进百企"): only at a registered enterprise, by an officer in service, a case
follow-up of that enterprise's case; follow-up actions due after the visit, each completed once."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import FollowUpActionCompleted
from govgrid.errors import NotFound
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.outreach.domain import enterprise_visits
from services.outreach.domain.cases import EnterpriseCase
from services.outreach.domain.enterprise_visits import FollowUpAction
from services.outreach.domain.enterprise_visits import Officer
from services.outreach.domain.enterprise_visits import PlannedAction
from services.outreach.domain.enterprise_visits import Visit
from services.outreach.domain.enterprises import Enterprise
from services.outreach.tests.unit.scenario import CASE
from services.outreach.tests.unit.scenario import CASE_OPENED_ON
from services.outreach.tests.unit.scenario import ENTERPRISE
from services.outreach.tests.unit.scenario import OFFICER
from services.outreach.tests.unit.scenario import OTHER_ENTERPRISE
from services.outreach.tests.unit.scenario import TODAY
from services.outreach.tests.unit.scenario import VISIT
from services.outreach.tests.unit.scenario import VISITED_ON
from services.outreach.tests.unit.scenario import case
from services.outreach.tests.unit.scenario import case_handled
from services.outreach.tests.unit.scenario import enterprise
from services.outreach.tests.unit.scenario import follow_up_completed
from services.outreach.tests.unit.scenario import follow_up_planned
from services.outreach.tests.unit.scenario import visit
from services.outreach.tests.unit.scenario import visit_recorded

IN_SERVICE = Officer(OFFICER)
FOLLOW_UP = EnterpriseVisitKind.CASE_FOLLOW_UP


def record(
    *,
    kind: EnterpriseVisitKind = EnterpriseVisitKind.SAFETY_INSPECTION,
    visited_on: date = VISITED_ON,
    follow_ups: tuple[PlannedAction, ...] = (),
    case_id: str | None = None,
    the_enterprise: Enterprise | None = None,
    officer: Officer | None = IN_SERVICE,
    the_case: EnterpriseCase | None = None,
    known_enterprise: bool = True,
) -> list[DomainEvent]:
    """The safety inspection of 东风橡胶加工厂 on 2023-10-10, with one thing changed."""
    command = Visit(VISIT, ENTERPRISE, OFFICER, kind, visited_on, ("消防通道堵塞",), case_id, follow_ups)
    found = (the_enterprise or enterprise()) if known_enterprise else None
    return enterprise_visits.record(command, enterprise=found, officer=officer, case=the_case, today=TODAY)


# ---------------------------------------------------------------- record


def test_record_a_safety_inspection_with_its_follow_up_actions() -> None:
    actions = (
        PlannedAction("复查消防通道", date(2023, 10, 20)),
        PlannedAction("补充灭火器", date(2023, 11, 10)),
    )
    events = record(follow_ups=actions)
    then_events(
        events,
        [
            visit_recorded(),
            follow_up_planned(),
            follow_up_planned(2, date(2023, 11, 10)).model_copy(update={"action": "补充灭火器"}),
        ],
    )
    state = enterprise_visits.evolve(None, events[0])
    for event in events[1:]:
        state = enterprise_visits.evolve(state, event)
    assert [(a.action_no, a.completed_on) for a in state.follow_ups] == [(1, None), (2, None)]


@pytest.mark.parametrize("kind", list(EnterpriseVisitKind))
def test_every_kind_of_visit_is_recorded(kind: EnterpriseVisitKind) -> None:
    the_case = case() if kind is FOLLOW_UP else None
    (event,) = record(kind=kind, case_id=CASE if the_case else None, the_case=the_case)
    assert event == visit_recorded(kind, CASE if the_case else None)


def test_no_visit_before_the_enterprise_is_registered() -> None:
    then_rule_broken("unknown_enterprise", lambda: record(known_enterprise=False))


def test_the_officer_must_be_one_of_the_registry() -> None:
    then_rule_broken("unknown_officer", lambda: record(officer=None))


def test_an_officer_who_left_service_visits_no_more() -> None:
    then_rule_broken(
        "officer_not_active", lambda: record(officer=Officer(OFFICER, VISITED_ON - timedelta(days=1)))
    )
    (event,) = record(officer=Officer(OFFICER, VISITED_ON))  # the last day of service still counts
    assert event == visit_recorded()


def test_no_visit_recorded_before_it_happened() -> None:
    then_rule_broken("date_in_future", lambda: record(visited_on=TODAY + timedelta(days=1)))


def test_a_case_follow_up_names_an_existing_case() -> None:
    then_rule_broken("unknown_enterprise_case", lambda: record(kind=FOLLOW_UP, case_id=CASE))


def test_a_case_follow_up_is_about_the_visited_enterprise() -> None:
    then_rule_broken(
        "case_of_another_enterprise",
        lambda: record(kind=FOLLOW_UP, case_id=CASE, the_case=case(enterprise_code=OTHER_ENTERPRISE)),
    )


def test_a_case_is_not_followed_up_before_it_was_opened() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: record(
            kind=FOLLOW_UP, case_id=CASE, the_case=case(), visited_on=CASE_OPENED_ON - timedelta(days=1)
        ),
    )


def test_a_handled_case_may_still_be_followed_up_with_the_enterprise() -> None:
    (event,) = record(kind=FOLLOW_UP, case_id=CASE, the_case=case(case_handled()))
    assert event == visit_recorded(FOLLOW_UP, CASE)


@pytest.mark.parametrize("due_on", [VISITED_ON, VISITED_ON - timedelta(days=1)], ids=["same-day", "before"])
def test_follow_ups_are_due_after_the_visit(due_on: date) -> None:
    then_rule_broken(
        "follow_up_due_not_after_visit", lambda: record(follow_ups=(PlannedAction("复查", due_on),))
    )


def test_a_follow_up_due_the_next_day_is_fine() -> None:
    events = record(follow_ups=(PlannedAction("复查消防通道", VISITED_ON + timedelta(days=1)),))
    assert events[1] == follow_up_planned(due_on=VISITED_ON + timedelta(days=1))


# ---------------------------------------------------------------- follow-up actions


def test_a_later_follow_up_takes_the_next_number() -> None:
    events = enterprise_visits.plan_follow_up(
        visit(follow_up_planned(), follow_up_planned(2)), PlannedAction("复查消防通道", date(2023, 12, 1))
    )
    then_events(events, [follow_up_planned(3, date(2023, 12, 1))])


def test_a_later_follow_up_is_also_due_after_the_visit() -> None:
    then_rule_broken(
        "follow_up_due_not_after_visit",
        lambda: enterprise_visits.plan_follow_up(visit(), PlannedAction("复查", VISITED_ON)),
    )


def complete(
    state: enterprise_visits.EnterpriseVisit, action_no: int = 1, on: date = date(2023, 10, 18)
) -> list[DomainEvent]:
    return enterprise_visits.complete_follow_up(state, action_no, completed_on=on, note="已清理", today=TODAY)


def test_complete_a_follow_up() -> None:
    state = visit(follow_up_planned())
    events = complete(state)
    then_events(events, [follow_up_completed()])
    after = enterprise_visits.evolve(state, events[0])
    assert after.follow_ups == (
        FollowUpAction(1, "复查消防通道", date(2023, 10, 20), date(2023, 10, 18), "已清理"),
    )


def test_an_action_completed_after_its_due_date_is_still_completed() -> None:
    (event,) = complete(visit(follow_up_planned()), on=date(2023, 11, 1))
    assert isinstance(event, FollowUpActionCompleted) and event.completed_on == date(2023, 11, 1)


def test_an_unknown_action_is_not_found() -> None:
    with pytest.raises(NotFound):
        complete(visit(follow_up_planned()), action_no=2)


def test_an_action_is_completed_once() -> None:
    then_rule_broken(
        "follow_up_already_completed", lambda: complete(visit(follow_up_planned(), follow_up_completed()))
    )


def test_an_action_is_not_completed_before_the_visit_or_in_the_future() -> None:
    state = visit(follow_up_planned())
    then_rule_broken("dates_incoherent", lambda: complete(state, on=VISITED_ON - timedelta(days=1)))
    then_rule_broken("date_in_future", lambda: complete(state, on=TODAY + timedelta(days=1)))
