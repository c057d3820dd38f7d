"""Deadline clocks (数字城管's case-loop timers) on a lead's or a dispute's own stream.

Each stage of a record (a lead's triage, a dispute's mediation at village level...) has a clock: it is
started by the event that opens the stage and stopped by the one that ends it; in between it can be
paused with a reason and resumed, extended once by a role above the stage's owner, and carried over
(挂账) into the next month with a reason. Every clock event says the stage, the moment it happened
(China time or any offset) and ``due_on``, the last day the clock allows *after* it, so a read model
needs no calendar to answer "overdue on 30 June". The stream id names the record.

The payloads are the same for every service; each service registers its own event types below (one
catalogue entry per type and service, on the service's topic).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime
from pydantic import Field

from govgrid.auth.principal import Role
from govgrid.bounds import EARLIEST_DAY
from govgrid.bounds import LATEST_DAY
from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import Note
from govgrid.catalogue.fields import Reason
from govgrid.catalogue.registry import DomainEvent

StageCode = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$", description="The record's stage.")
Period = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="A month, YYYY-MM.")
WorkingDayCount = Field(ge=1, le=60)


class PauseReason(StrEnum):
    WAITING_FOR_PARTY = "waiting_for_party"  # a party, witness or another office has to act first
    HOLIDAY = "holiday"  # a local holiday or closure beyond the State Council's calendar
    OTHER = "other"  # the note says which


class ClockChanged(DomainEvent):
    """What every clock event says: the stage, when, and the last day allowed after it."""

    stage: str = StageCode
    at: AwareDatetime
    due_on: date


class ClockStarted(ClockChanged):
    owner_role: Role = Field(description="Who answers for the stage: an extension needs a role above.")
    working_days: int = WorkingDayCount


class ClockPaused(ClockChanged):
    reason: PauseReason
    note: Note = ""


class ClockResumed(ClockChanged):
    # Bounded by the days a command's moments may span (govgrid.bounds): a pause entered for a record
    # of 2001 and resumed today is valid, however long.
    paused_working_days: int = Field(
        ge=0, le=(LATEST_DAY - EARLIEST_DAY).days, description="Working days paused: added to the deadline."
    )


class ClockExtended(ClockChanged):
    working_days: int = WorkingDayCount
    approved_by_role: Role
    reason: Reason


class ClockCarriedOver(ClockChanged):
    """挂账: not closed in the month it was due, carried into the next with a reason; due by its end."""

    from_period: str = Period
    to_period: str = Period
    reason: Reason


class ClockStopped(ClockChanged):
    running_seconds: int = Field(ge=0, description="Time on the clock, pauses left out.")


# ---------------------------------------------------------------- tips: a lead's clocks


@catalogue.event("tips")
class LeadClockStarted(ClockStarted):
    pass


@catalogue.event("tips")
class LeadClockPaused(ClockPaused):
    pass


@catalogue.event("tips")
class LeadClockResumed(ClockResumed):
    pass


@catalogue.event("tips")
class LeadClockExtended(ClockExtended):
    pass


@catalogue.event("tips")
class LeadClockCarriedOver(ClockCarriedOver):
    pass


@catalogue.event("tips")
class LeadClockStopped(ClockStopped):
    pass


# ---------------------------------------------------------------- mediation: a dispute's clocks


@catalogue.event("mediation")
class DisputeClockStarted(ClockStarted):
    pass


@catalogue.event("mediation")
class DisputeClockPaused(ClockPaused):
    pass


@catalogue.event("mediation")
class DisputeClockResumed(ClockResumed):
    pass


@catalogue.event("mediation")
class DisputeClockExtended(ClockExtended):
    pass


@catalogue.event("mediation")
class DisputeClockCarriedOver(ClockCarriedOver):
    pass


@catalogue.event("mediation")
class DisputeClockStopped(ClockStopped):
    pass
