"""Given events, when a decision, then events or a broken rule: the helpers of the domain's unit tests,
and the leads, officers and notices the scenarios are about (前进派出所's leads in 2023)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from govgrid.aggregate import fold
from govgrid.auth.principal import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadAssigned
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadOutcome
from govgrid.catalogue.tips import LeadOutcomeRecorded
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.errors import RuleBroken
from govgrid.officers import Officer
from services.tips.domain import leads
from services.tips.domain.leads import Caller
from services.tips.domain.leads import Deadlines
from services.tips.domain.leads import Lead

# ---------------------------------------------------------------- given / then


def given_lead(*events: DomainEvent) -> Lead:
    state = fold(leads.evolve, events)
    assert state is not None, "a scenario starts with at least one event"
    return state


def then_events(actual: Sequence[DomainEvent], expected: Sequence[DomainEvent]) -> None:
    """Exactly these events (types and every field), in this order."""
    assert list(actual) == list(expected)


def then_rule_broken(code: str, when: Callable[[], object]) -> RuleBroken:
    with pytest.raises(RuleBroken) as raised:
        when()
    error = raised.value
    assert error.code == code, f"expected rule {code!r}, got {error.code!r}: {error.message}"
    return error


# ---------------------------------------------------------------- the place and the people

STATION = "QIANJIN-PCS"  # 前进派出所
OTHER_STATION = "DONGFENG-PCS"  # 东风派出所
VILLAGE = "QIANJIN"  # 前进村
GRID = "QIANJIN-G2"  # 前进村第二网格
HANDLER = "P-LIWEI"  # 李伟, officer at 前进派出所
OTHER_OFFICER = "P-CHENJING"  # 陈静, officer at 前进派出所
REF = "0123456789abcdef0123456789abcdef"  # the opaque reference of the sealed contact

HANDLER_OFFICER = Officer(HANDLER, STATION, active=True)
COLLEAGUE = Officer(OTHER_OFFICER, STATION, active=True)

DEADLINES = Deadlines(
    triage=timedelta(hours=24),
    decision={
        LeadPriority.URGENT: timedelta(hours=24),
        LeadPriority.HIGH: timedelta(days=3),
        LeadPriority.NORMAL: timedelta(days=7),
        LeadPriority.LOW: timedelta(days=14),
    },
)
RETENTION = timedelta(days=180)

# ---------------------------------------------------------------- a lead's life (November 2023)

LEAD = "4f1c0e6a9b2d4c7e8f0a1b2c3d4e5f60"
RECEIVED_AT = datetime(2023, 11, 2, 1, 30, tzinfo=UTC)  # 09:30 in Danzhou
RECEIVED_ON = date(2023, 11, 2)
VERIFIED_ON = date(2023, 11, 3)
ARRESTED_ON = date(2023, 11, 6)
CLOSED_ON = date(2023, 11, 28)
TODAY = date(2023, 11, 28)
NOW = datetime(2023, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 in Danzhou
TRIAGED_AT = RECEIVED_AT + timedelta(hours=2)
ASSIGNED_AT = RECEIVED_AT + timedelta(hours=3)
LATER = datetime(2023, 11, 6, 2, 0, tzinfo=UTC)  # after every act of the lead's life but its closing
DESCRIPTION = "在逃人员疑似藏身于村东废弃养殖场"


def received(informant_ref: str | None = REF, grid_code: str | None = None) -> LeadReceived:
    return LeadReceived(
        lead_id=LEAD,
        channel=LeadChannel.WECHAT_GROUP,
        category=LeadCategory.FUGITIVE,
        village_code=VILLAGE,
        grid_code=grid_code,
        station_code=STATION,
        description=DESCRIPTION,
        informant_ref=informant_ref,
        anonymous=informant_ref is None,
        received_at=RECEIVED_AT,
        triage_due_at=RECEIVED_AT + timedelta(hours=24),
    )


def triaged(priority: LeadPriority = LeadPriority.URGENT, at: datetime = TRIAGED_AT) -> LeadTriaged:
    return LeadTriaged(
        lead_id=LEAD, priority=priority, due_at=RECEIVED_AT + DEADLINES.decision[priority], triaged_at=at
    )


def assigned(person_id: str = HANDLER, at: datetime = ASSIGNED_AT) -> LeadAssigned:
    return LeadAssigned(lead_id=LEAD, officer_person_id=person_id, assigned_at=at)


def verified(verified_on: date = VERIFIED_ON) -> LeadVerified:
    return LeadVerified(lead_id=LEAD, verified_on=verified_on)


def dismissed(dismissed_on: date = VERIFIED_ON) -> LeadDismissed:
    return LeadDismissed(lead_id=LEAD, reason=DismissalReason.UNFOUNDED, dismissed_on=dismissed_on)


def arrested(case_number: str = "DZ2023-1106", outcome_on: date = ARRESTED_ON) -> LeadOutcomeRecorded:
    return LeadOutcomeRecorded(
        lead_id=LEAD, outcome=LeadOutcome.FUGITIVE_ARRESTED, case_number=case_number, outcome_on=outcome_on
    )


def closed(closed_on: date = CLOSED_ON, shred_on: date | None = CLOSED_ON + RETENTION) -> LeadClosed:
    return LeadClosed(lead_id=LEAD, closed_on=closed_on, informant_contact_shred_on=shred_on)


def lead(*history: DomainEvent, informant_ref: str | None = REF) -> Lead:
    """The lead received on 2 November 2023, then ``history``."""
    return given_lead(received(informant_ref), *history)


# The lead at each stage of its life.
def new_lead() -> Lead:
    return lead()


def triaged_lead() -> Lead:
    return lead(triaged())


def assigned_lead() -> Lead:
    return lead(triaged(), assigned())


def verified_lead() -> Lead:
    return lead(triaged(), assigned(), verified())


def concluded_lead() -> Lead:
    return lead(triaged(), assigned(), verified(), arrested())


def closed_lead(informant_ref: str | None = REF) -> Lead:
    shred_on = CLOSED_ON + RETENTION if informant_ref else None
    return lead(
        triaged(), assigned(), verified(), arrested(), closed(shred_on=shred_on), informant_ref=informant_ref
    )


def caller(subject: str = HANDLER, role: Role = Role.STATION_OFFICER, in_jurisdiction: bool = True) -> Caller:
    return Caller(subject, role, in_jurisdiction)
