"""A dispute's deadline clocks: the assignment of a mediating pair from its registration, then
mediation at each level of the ladder from the day it began there, in working days.

The station answers for the assignment and the village's mediation (the pair's officer), the township
for its own: an extension is approved a rung above. ``follow`` says which clock events the dispute's
own events bring; every one of those events is dated, so a clock starts and stops on the act's day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from govgrid import clocks
from govgrid.auth.principal import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.china_time import occurred_on
from govgrid.clocks import Clocks
from govgrid.working_days import WorkingDays

EVENTS = clocks.ClockEventTypes.of("mediation")  # its DisputeClock* types in govgrid.catalogue.clocks


class DisputeStage(StrEnum):
    ASSIGNMENT = "assignment"
    VILLAGE_MEDIATION = "village_mediation"
    TOWNSHIP_MEDIATION = "township_mediation"


MEDIATION_STAGES = {
    MediationLevel.VILLAGE: DisputeStage.VILLAGE_MEDIATION,
    MediationLevel.TOWNSHIP: DisputeStage.TOWNSHIP_MEDIATION,
}  # the court has no clock of ours: the dispute has left mediation


# Who answers for each stage, and its working days: a pair within three working days; about a month
# of working days for mediation at each level (the escalation ladder's thirty days, in working days).
OWNERS = {
    DisputeStage.ASSIGNMENT: Role.STATION_OFFICER,
    DisputeStage.VILLAGE_MEDIATION: Role.STATION_OFFICER,
    DisputeStage.TOWNSHIP_MEDIATION: Role.TOWNSHIP_OFFICER,
}
WORKING_DAYS = {
    DisputeStage.ASSIGNMENT: 3,
    DisputeStage.VILLAGE_MEDIATION: 20,
    DisputeStage.TOWNSHIP_MEDIATION: 20,
}


def follow(
    clocks_now: Clocks, events: Sequence[DomainEvent], *, level: MediationLevel, calendar: WorkingDays
) -> list[ClockChanged]:
    """The clock events that ``events`` bring, for a dispute at ``level`` before them."""
    following = clocks.Following(EVENTS, clocks_now, calendar)

    def start(stage: DisputeStage, day: date) -> None:
        following.start(stage, OWNERS[stage], occurred_on(day), WORKING_DAYS[stage])

    for event in events:
        match event:
            case DisputeRegistered():
                start(DisputeStage.ASSIGNMENT, event.registered_on)
            case MediatorsAssigned():
                following.stop(DisputeStage.ASSIGNMENT, occurred_on(event.assigned_on))
                stage = MEDIATION_STAGES.get(level)
                # A pair replaced mid-mediation leaves the level's clock as it runs.
                if stage is not None and following.clocks.get(stage) is None:
                    start(stage, event.assigned_on)
            case DisputeEscalated():
                following.stop_all(occurred_on(event.escalated_on))
                level = event.to_level
                if (stage := MEDIATION_STAGES.get(level)) is not None:
                    start(stage, event.escalated_on)
            case AgreementReached():
                following.stop_all(occurred_on(event.reached_on))
            case MediationFailed():
                following.stop_all(occurred_on(event.failed_on))
            case DisputeClosed():
                following.stop_all(occurred_on(event.closed_on))
    return following.brought
