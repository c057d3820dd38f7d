"""Deadline clocks of a record's stages, the same for a lead and a dispute: state, rules, decisions.

Pure domain (no I/O). A service keeps ``Clocks`` in its record's state, folds its clock events with
``Clocks.evolve``, says which of its events start and stop which stage (its ``domain/clock.py``), and
decides pauses, resumptions, extensions and carry-overs with the functions here. The events are the
service's own types (``ClockEventTypes.of(service)``), with the payloads of govgrid.catalogue.clocks.

How a deadline moves:
- started with n working days at a moment: due by the end of the n-th working day after its day;
- paused then resumed: the working days from the pause's day up to the resumption's day are added;
- extended (once, by a role above the stage's owner): n more working days after the due day;
- carried over (挂账) in the month it is due: due by the end of the next month.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from enum import StrEnum
from typing import Any
from typing import get_args
from typing import get_type_hints

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from govgrid.auth.principal import Role
from govgrid.bounds import Moment
from govgrid.catalogue import catalogue
from govgrid.catalogue.clocks import ClockCarriedOver
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import ClockExtended
from govgrid.catalogue.clocks import ClockPaused
from govgrid.catalogue.clocks import ClockResumed
from govgrid.catalogue.clocks import ClockStarted
from govgrid.catalogue.clocks import ClockStopped
from govgrid.catalogue.clocks import PauseReason
from govgrid.china_time import china_day
from govgrid.privacy import FreeText
from govgrid.rules import BusinessRule
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import Rule
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.working_days import WorkingDays


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Clock:
    stage: str
    owner_role: Role
    started_at: datetime
    due_on: date  # the last day allowed
    last_at: datetime  # the latest moment of its history: later acts cannot predate it
    state: ClockState = ClockState.RUNNING
    paused_at: datetime | None = None
    paused_seconds: int = 0  # pauses ended so far
    extended: bool = False
    carried_into: str | None = None  # the latest month it was carried into (YYYY-MM)
    stopped_at: datetime | None = None

    def running_seconds(self, at: datetime) -> int:
        """Time on the clock from its start to ``at``, pauses left out."""
        paused = self.paused_seconds
        if self.paused_at is not None:
            paused += int((at - self.paused_at).total_seconds())
        return max(0, int((at - self.started_at).total_seconds()) - paused)


@dataclass(frozen=True)
class Clocks:
    """A record's clocks, one per stage started so far (a stage started again restarts its clock)."""

    by_stage: tuple[Clock, ...] = ()

    def get(self, stage: str) -> Clock | None:
        return next((c for c in self.by_stage if c.stage == stage), None)

    def running(self) -> tuple[Clock, ...]:
        """The clocks not stopped (running or paused)."""
        return tuple(c for c in self.by_stage if c.state is not ClockState.STOPPED)

    def evolve(self, event: ClockChanged) -> Clocks:
        if isinstance(event, ClockStarted):
            started = Clock(event.stage, event.owner_role, event.at, event.due_on, event.at)
            return Clocks((*(c for c in self.by_stage if c.stage != event.stage), started))
        before = self.get(event.stage)
        if before is None:
            raise ValueError(f"{type(event).__name__} of stage {event.stage}, which has no clock")
        clock = replace(before, due_on=event.due_on, last_at=event.at)
        match event:
            case ClockPaused():
                clock = replace(clock, state=ClockState.PAUSED, paused_at=event.at)
            case ClockResumed():
                assert clock.paused_at is not None
                paused = clock.paused_seconds + int((event.at - clock.paused_at).total_seconds())
                clock = replace(clock, state=ClockState.RUNNING, paused_at=None, paused_seconds=paused)
            case ClockExtended():
                clock = replace(clock, extended=True)
            case ClockCarriedOver():
                clock = replace(clock, carried_into=event.to_period)
            case ClockStopped():
                clock = replace(clock, state=ClockState.STOPPED, stopped_at=event.at)
        return Clocks(tuple(clock if c.stage == event.stage else c for c in self.by_stage))


NO_CLOCKS = Clocks()  # a record before its first stage starts


@dataclass(frozen=True)
class ClockEventTypes:
    """A service's own clock event types (its catalogue entries, on its topic)."""

    started: type[ClockStarted]
    paused: type[ClockPaused]
    resumed: type[ClockResumed]
    extended: type[ClockExtended]
    carried_over: type[ClockCarriedOver]
    stopped: type[ClockStopped]

    @classmethod
    def of(cls, service: str) -> ClockEventTypes:
        """The clock event types ``service`` registers in the catalogue (govgrid.catalogue.clocks):
        of each kind (a subclass of ``ClockStarted``...), its one event type, at its latest version."""
        registered = [
            e.model
            for e in catalogue.entries()
            if e.service == service and e.schema_version == catalogue.latest_version(e.event_type)
        ]
        hints = get_type_hints(cls)
        types: dict[str, Any] = {}  # each a subclass of its field's payload, as checked
        for kind in fields(cls):
            (payload,) = get_args(hints[kind.name])  # type[ClockStarted] -> ClockStarted
            found = [model for model in registered if issubclass(model, payload)]
            if len(found) != 1:
                raise LookupError(f"{service} registers {len(found)} {payload.__name__} event types, not 1")
            types[kind.name] = found[0]
        return cls(**types)


# ---------------------------------------------------------------- rules


@broken_if("clock_not_started", "the {stage} stage has not started: it has no clock")
def ClockMustExist(stage: str, clock: Clock | None) -> bool:
    return clock is None


@broken_if("clock_stopped", "the {clock.stage} stage is over: its clock stopped")
def ClockMustNotBeStopped(clock: Clock) -> bool:
    return clock.state is ClockState.STOPPED


@broken_if("clock_not_running", "the {clock.stage} clock is {clock.state.value}, not running")
def ClockMustBeRunning(clock: Clock) -> bool:
    """Only a running clock is paused (a paused one is resumed first)."""
    return clock.state is not ClockState.RUNNING


@broken_if("clock_not_paused", "the {clock.stage} clock is {clock.state.value}, not paused")
def ClockMustBePaused(clock: Clock) -> bool:
    return clock.state is not ClockState.PAUSED


@broken_if(
    "clock_overdue", "the {clock.stage} clock was due on {clock.due_on}: it cannot be paused after that"
)
def NotPausedWhenOverdue(clock: Clock, at: datetime) -> bool:
    """A pause stops a deadline from running out, not one that has run out already: an overdue clock
    stays overdue (or is carried over, with a reason)."""
    return china_day(at) > clock.due_on


@broken_if("reason_required", "{what} needs a reason")
def ReasonGiven(what: str, reason: str) -> bool:
    """A pause "for another reason", an extension and a carry-over say why, in words."""
    return not reason.strip()


@broken_if(
    "clock_already_extended", "the {clock.stage} clock was extended already: a deadline is extended once"
)
def ExtendedOnlyOnce(clock: Clock) -> bool:
    return clock.extended


@broken_if(
    "extension_needs_higher_role",
    "the {clock.stage} stage is answered for by a {clock.owner_role.value}: only a role above it "
    "extends its deadline, not a {role.value}",
)
def ExtensionByARoleAbove(clock: Clock, role: Role) -> bool:
    """Whoever answers for a stage cannot give themselves more time: someone above them approves it."""
    return not role.outranks(clock.owner_role)


class CarriedOverWhenDueInThePeriod(BusinessRule):
    """挂账 closes a month's books: a clock is carried over in the month it is due, not before (it
    may still be closed in time) and not from a month already past."""

    code = "not_due_in_period"
    clock: Clock
    at: datetime

    def is_broken(self) -> bool:
        return period_of(china_day(self.at)) != period_of(self.clock.due_on)

    def message(self) -> str:
        return (
            f"the {self.clock.stage} clock is due on {self.clock.due_on}: it is carried over in"
            f" {period_of(self.clock.due_on)} only"
        )


# ---------------------------------------------------------------- decisions


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_day_of_next_month(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (first_of_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def start(
    types: ClockEventTypes, stage: str, owner: Role, at: datetime, working_days: int, calendar: WorkingDays
) -> ClockStarted:
    due_on = calendar.due_on(at, working_days)
    return types.started(stage=stage, at=at, due_on=due_on, owner_role=owner, working_days=working_days)


def stop(types: ClockEventTypes, clock: Clock, at: datetime) -> ClockStopped:
    # An act entered late can predate the clock's last change (a pause entered after the fact): the
    # clock stops no earlier than its history.
    at = max(at, clock.last_at)
    return types.stopped(
        stage=clock.stage, at=at, due_on=clock.due_on, running_seconds=clock.running_seconds(at)
    )


class Following:
    """The clock events a record's own events bring (each service's ``domain/clock.py`` ``follow``):
    each one added moves ``clocks`` on, so that the next event is decided on the clocks as they are."""

    def __init__(self, types: ClockEventTypes, clocks: Clocks, calendar: WorkingDays) -> None:
        self.types, self.clocks, self.calendar = types, clocks, calendar
        self.brought: list[ClockChanged] = []

    def _add(self, event: ClockChanged) -> None:
        self.brought.append(event)
        self.clocks = self.clocks.evolve(event)

    def start(self, stage: str, owner: Role, at: datetime, working_days: int) -> None:
        self._add(start(self.types, stage, owner, at, working_days, self.calendar))

    def stop(self, stage: str, at: datetime) -> None:
        """Stop the stage's clock, if it has one not stopped yet."""
        clock = self.clocks.get(stage)
        if clock is not None and clock.state is not ClockState.STOPPED:
            self._add(stop(self.types, clock, at))

    def stop_all(self, at: datetime) -> None:
        for clock in self.clocks.running():
            self._add(stop(self.types, clock, at))


def _existing(clocks: Clocks, stage: str) -> Clock:
    clock = clocks.get(stage)
    check(ClockMustExist(stage, clock))
    assert clock is not None
    return clock


def _when(what: str, clock: Clock, at: datetime, now: datetime) -> list[Rule]:
    return [
        NotInTheFuture(what, at, now),
        NotBefore(what, at, clock.last_at, f"the {clock.stage} clock's last change"),
    ]


def pause(
    types: ClockEventTypes,
    clocks: Clocks,
    stage: str,
    *,
    at: datetime,
    reason: PauseReason,
    note: str,
    now: datetime,
) -> list[ClockChanged]:
    clock = _existing(clocks, stage)
    rules: list[Rule] = [ClockMustBeRunning(clock), *_when("the pause", clock, at, now)]
    if reason is PauseReason.OTHER:
        rules.append(ReasonGiven("a pause for another reason", note))
    check(*rules, NotPausedWhenOverdue(clock, at))
    return [types.paused(stage=stage, at=at, due_on=clock.due_on, reason=reason, note=note)]


def resume(
    types: ClockEventTypes, clocks: Clocks, stage: str, *, at: datetime, now: datetime, calendar: WorkingDays
) -> list[ClockChanged]:
    clock = _existing(clocks, stage)
    check(ClockMustBePaused(clock), *_when("the resumption", clock, at, now))
    assert clock.paused_at is not None
    paused = calendar.between(china_day(clock.paused_at), china_day(at))
    due_on = calendar.after(clock.due_on, paused)
    return [types.resumed(stage=stage, at=at, due_on=due_on, paused_working_days=paused)]


def extend(
    types: ClockEventTypes,
    clocks: Clocks,
    stage: str,
    *,
    at: datetime,
    working_days: int,
    role: Role,
    reason: str,
    now: datetime,
    calendar: WorkingDays,
) -> list[ClockChanged]:
    clock = _existing(clocks, stage)
    check(
        ClockMustNotBeStopped(clock),
        ExtensionByARoleAbove(clock, role),
        ExtendedOnlyOnce(clock),
        ReasonGiven("an extension", reason),
        *_when("the extension", clock, at, now),
    )
    return [
        types.extended(
            stage=stage,
            at=at,
            due_on=calendar.after(clock.due_on, working_days),
            working_days=working_days,
            approved_by_role=role,
            reason=reason,
        )
    ]


def carry_over(
    types: ClockEventTypes, clocks: Clocks, stage: str, *, at: datetime, reason: str, now: datetime
) -> list[ClockChanged]:
    clock = _existing(clocks, stage)
    check(
        ClockMustNotBeStopped(clock),
        ReasonGiven("a carry-over", reason),
        *_when("the carry-over", clock, at, now),
        CarriedOverWhenDueInThePeriod(clock, at),
    )
    due_on = last_day_of_next_month(clock.due_on)
    return [
        types.carried_over(
            stage=stage,
            at=at,
            due_on=due_on,
            from_period=period_of(clock.due_on),
            to_period=period_of(due_on),
            reason=reason,
        )
    ]


# ---------------------------------------------------------------- commands (the POST bodies)


class ClockCommand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class PauseClock(ClockCommand):
    paused_at: Moment = Field(description="When the clock stopped running (China time, or any offset).")
    reason: PauseReason
    note: FreeText = Field(default="", max_length=500, description="Required when the reason is `other`.")


class ResumeClock(ClockCommand):
    resumed_at: Moment = Field(description="When the clock ran again: the working days paused are added.")


class ExtendClock(ClockCommand):
    extended_at: Moment = Field(description="When the extension was approved, by the caller.")
    working_days: int = Field(ge=1, le=60, description="Working days added after the current deadline.")
    reason: FreeText = Field(max_length=500)


class CarryOverClock(ClockCommand):
    carried_over_at: Moment = Field(description="When it was carried over: in the month it is due.")
    reason: FreeText = Field(max_length=500)
