"""A lead's deadline clocks: triage from its receipt, then a decision (verified or dismissed) from its
triage, in working days; the station answers for both.

``follow`` says which clock events the lead's own events bring: the handlers append them in the same
command, so a clock starts and stops with the stage it times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from govgrid import clocks
from govgrid.auth.principal import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.clocks import Clocks
from govgrid.working_days import WorkingDays

EVENTS = clocks.ClockEventTypes.of("tips")  # its LeadClock* types in govgrid.catalogue.clocks


class LeadStage(StrEnum):
    TRIAGE = "triage"
    DECISION = "decision"


# Leads are the station's business: an extension is approved by the township or the city.
OWNER = Role.STATION_OFFICER
TRIAGE_WORKING_DAYS = 1
# An urgent lead (a fugitive seen) is decided on the next working day; a low one within two weeks.
DECISION_WORKING_DAYS = {
    LeadPriority.URGENT: 1,
    LeadPriority.HIGH: 3,
    LeadPriority.NORMAL: 5,
    LeadPriority.LOW: 10,
}


def follow(
    clocks_now: Clocks, events: Sequence[DomainEvent], *, at: datetime, calendar: WorkingDays
) -> list[ClockChanged]:
    """The clock events that ``events`` (the lead's, decided at the moment ``at``) start and stop."""
    following = clocks.Following(EVENTS, clocks_now, calendar)
    for event in events:
        match event:
            case LeadReceived():
                following.start(LeadStage.TRIAGE, OWNER, event.received_at, TRIAGE_WORKING_DAYS)
            case LeadTriaged():
                following.stop(LeadStage.TRIAGE, at)
                # A priority changed later leaves the decision's clock as it runs: its deadline
                # moves by extension, which someone above approves.
                if following.clocks.get(LeadStage.DECISION) is None:
                    following.start(LeadStage.DECISION, OWNER, at, DECISION_WORKING_DAYS[event.priority])
            case LeadVerified() | LeadDismissed() | LeadClosed():
                following.stop_all(at)
    return following.brought
