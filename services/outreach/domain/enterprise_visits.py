"""Enterprise visits ("百警进百企"): an officer visits a registered enterprise for a safety inspection,
an anti-terror drill, the follow-up of an enterprise-related case or a service visit, records the
findings and plans follow-up actions, each due after the visit, each completed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.outreach import FollowUpActionCompleted
from govgrid.catalogue.outreach import FollowUpActionPlanned
from govgrid.envelope import StreamNaming
from govgrid.errors import NotFound
from govgrid.officers import OfficerMustBeKnown
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import telling
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.outreach.domain.cases import EnterpriseCase
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.enterprises import EnterpriseMustExist

stream_id = StreamNaming("enterprisevisit")


@dataclass(frozen=True)
class Officer:
    """A police officer as this service knows them, from the registry's events."""

    person_id: str
    left_service_on: date | None = None

    def serves_on(self, day: date) -> bool:
        return self.left_service_on is None or day <= self.left_service_on


@dataclass(frozen=True)
class VisitReport:
    """What an officer reports of a visit to an enterprise: what kind of visit, on which day, what
    was found, and the enterprise's case it followed up if any."""

    visit_id: str
    enterprise_code: str
    officer_person_id: str
    kind: EnterpriseVisitKind
    visited_on: date
    findings: tuple[str, ...] = ()
    case_id: str | None = None


@dataclass(frozen=True)
class FollowUpAction:
    """A follow-up action of a visit: numbered within it, due after it, completed once."""

    action_no: int
    action: str
    due_on: date
    completed_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class EnterpriseVisit(VisitReport):
    """A visit as recorded: its report and its follow-up actions."""

    follow_ups: tuple[FollowUpAction, ...] = ()

    def follow_up(self, action_no: int) -> FollowUpAction:
        """The visit's action ``action_no`` (a URL id): 404 when the visit has no such action."""
        for action in self.follow_ups:
            if action.action_no == action_no:
                return action
        raise NotFound("follow-up action", f"{self.visit_id}/{action_no}")


def evolve(state: EnterpriseVisit | None, event: DomainEvent) -> EnterpriseVisit:
    match event:
        case EnterpriseVisitRecorded() if state is None:
            return told_by(EnterpriseVisit, event)
        case FollowUpActionPlanned() if state is not None:
            return replace(state, follow_ups=(*state.follow_ups, told_by(FollowUpAction, event)))
        case FollowUpActionCompleted() if state is not None:
            return replace(
                state,
                follow_ups=tuple(
                    updated_by(a, event) if a.action_no == event.action_no else a for a in state.follow_ups
                ),
            )
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if("officer_not_active", "officer {officer.person_id} left service on {officer.left_service_on}")
def OfficerMustServe(officer: Officer, on: date) -> bool:
    """The visiting officer was in service on the day of the visit (the day they left included)."""
    return not officer.serves_on(on)


@broken_if("unknown_enterprise_case", "enterprise case {case_id} does not exist")
def CaseMustExist(case: EnterpriseCase | None, case_id: str) -> bool:
    return case is None


@broken_if("case_of_another_enterprise", "case {case.case_id} is not a case of {enterprise_code}")
def CaseMustConcernTheEnterprise(case: EnterpriseCase, enterprise_code: str) -> bool:
    return case.enterprise_code != enterprise_code


@broken_if(
    "follow_up_due_not_after_visit",
    "a follow-up action due on {due_on} is not after the visit ({visited_on})",
)
def FollowUpDueAfterTheVisit(due_on: date, visited_on: date) -> bool:
    return due_on <= visited_on


@broken_if(
    "follow_up_already_completed",
    "action {action.action_no} of visit {visit_id} was completed on {action.completed_on}",
)
def FollowUpCompletedOnce(visit_id: str, action: FollowUpAction) -> bool:
    return action.completed_on is not None


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class PlannedAction:
    """A follow-up action as planned: what is to be done, by when."""

    action: str
    due_on: date


@dataclass(frozen=True)
class Visit(VisitReport):
    """What a visit's recording says: the report and the follow-up actions it plans."""

    follow_ups: tuple[PlannedAction, ...] = ()


def record(
    visit: Visit,
    *,
    enterprise: Enterprise | None,
    officer: Officer | None,
    case: EnterpriseCase | None,
    today: date,
) -> list[DomainEvent]:
    """``case``: the case named by a case follow-up (None when it names none or an unknown one)."""
    check(
        EnterpriseMustExist(enterprise, visit.enterprise_code),
        OfficerMustBeKnown(officer, visit.officer_person_id),
    )
    assert officer is not None
    check(
        OfficerMustServe(officer, visit.visited_on),
        NotInTheFuture("the visit", visit.visited_on, today),
    )
    if visit.case_id is not None:
        check(CaseMustExist(case, visit.case_id))
        assert case is not None
        check(
            CaseMustConcernTheEnterprise(case, visit.enterprise_code),
            NotBefore("the case follow-up", visit.visited_on, case.opened_on, "the case's opening"),
        )
    check(*(FollowUpDueAfterTheVisit(planned.due_on, visit.visited_on) for planned in visit.follow_ups))
    return [
        telling(EnterpriseVisitRecorded, visit),
        *(
            FollowUpActionPlanned(visit_id=visit.visit_id, action_no=n, action=p.action, due_on=p.due_on)
            for n, p in enumerate(visit.follow_ups, start=1)
        ),
    ]


def plan_follow_up(visit: EnterpriseVisit, planned: PlannedAction) -> list[DomainEvent]:
    check(FollowUpDueAfterTheVisit(planned.due_on, visit.visited_on))
    return [
        FollowUpActionPlanned(
            visit_id=visit.visit_id,
            action_no=len(visit.follow_ups) + 1,
            action=planned.action,
            due_on=planned.due_on,
        )
    ]


def complete_follow_up(
    visit: EnterpriseVisit, action_no: int, *, completed_on: date, note: str, today: date
) -> list[DomainEvent]:
    action = visit.follow_up(action_no)
    check(
        FollowUpCompletedOnce(visit.visit_id, action),
        NotBefore("the completion", completed_on, visit.visited_on, "the visit"),
        NotInTheFuture("the completion", completed_on, today),
    )
    return [
        FollowUpActionCompleted(
            visit_id=visit.visit_id, action_no=action_no, completed_on=completed_on, note=note
        )
    ]
