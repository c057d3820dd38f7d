"""Enterprise-related cases (涉企案件): opened for a registered enterprise, tracked until handled;
how long the handling took is derived from the two days. Nothing changes once it is handled."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseCaseCategory
from govgrid.catalogue.outreach import EnterpriseCaseHandled
from govgrid.catalogue.outreach import EnterpriseCaseOpened
from govgrid.catalogue.outreach import EnterpriseCaseOutcome
from govgrid.envelope import StreamNaming
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.enterprises import EnterpriseMustExist

stream_id = StreamNaming("enterprisecase")


@dataclass(frozen=True)
class Opening:
    """What a case's opening says."""

    case_id: str
    enterprise_code: str
    category: EnterpriseCaseCategory
    opened_on: date
    summary: str


@dataclass(frozen=True)
class EnterpriseCase(Opening):
    """A case: its opening, and its handling once handled."""

    handled_on: date | None = None
    outcome: EnterpriseCaseOutcome | None = None
    note: str = ""
    handling_days: int | None = field(init=False)  # handled_on - opened_on, once handled

    def __post_init__(self) -> None:
        days = (self.handled_on - self.opened_on).days if self.handled_on is not None else None
        object.__setattr__(self, "handling_days", days)


def evolve(state: EnterpriseCase | None, event: DomainEvent) -> EnterpriseCase:
    match event:
        case EnterpriseCaseOpened() if state is None:
            return told_by(EnterpriseCase, event)
        case EnterpriseCaseHandled() if state is not None:
            return updated_by(state, event)
    raise CannotApply(event, state)


@broken_if(
    "enterprise_case_already_handled", "case {case.case_id} was handled on {case.handled_on} ({case.outcome})"
)
def NothingChangesOnceHandled(case: EnterpriseCase) -> bool:
    return case.handled_on is not None


def open_case(opening: Opening, *, enterprise: Enterprise | None, today: date) -> list[DomainEvent]:
    check(
        EnterpriseMustExist(enterprise, opening.enterprise_code),
        NotInTheFuture("the case's opening", opening.opened_on, today),
    )
    return [EnterpriseCaseOpened(**asdict(opening))]


def handle(
    case: EnterpriseCase, *, handled_on: date, outcome: EnterpriseCaseOutcome, note: str, today: date
) -> list[DomainEvent]:
    check(
        NothingChangesOnceHandled(case),
        NotBefore("the handling", handled_on, case.opened_on, "the case's opening"),
        NotInTheFuture("the handling", handled_on, today),
    )
    return [EnterpriseCaseHandled(case_id=case.case_id, handled_on=handled_on, outcome=outcome, note=note)]
