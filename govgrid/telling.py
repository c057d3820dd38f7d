"""What an event tells and what tells it, between events and the dataclasses of a domain: a state
(or a value it holds) as an event tells it, an event telling a decision's value, and the one error
for an event a state cannot take.

A domain names its facts as its events name them: the ``approved_on`` of an appointment is the
``approved_on`` of AppointmentApproved. What an event tells a state is then the fields the two share,
under those names, and what a value tells an event likewise; what one side names otherwise (an
event's ``reason`` kept as ``end_reason``) or works out itself (a status, a count) is written out by
the caller. A list in an event is a tuple in a frozen state.
"""

from __future__ import annotations

from dataclasses import fields
from dataclasses import replace
from functools import cache
from typing import Any
from typing import TypeVar

from govgrid.aggregate import Evolve
from govgrid.catalogue import DomainEvent

T = TypeVar("T")


@cache
def _names_shared(cls: type, event_type: type[DomainEvent]) -> tuple[str, ...]:
    """The fields ``cls`` is made with that ``event_type`` has too. Worked out once per pair: evolve
    runs for every event of a stream each time a command loads it."""
    return tuple(f.name for f in fields(cls) if f.init and f.name in event_type.model_fields)


def _shared(cls: Any, event: DomainEvent, written_out: dict[str, Any]) -> dict[str, Any]:
    """The event's values of the fields ``cls`` is made with, but for those written out."""
    shared = {}
    for name in _names_shared(cls if isinstance(cls, type) else type(cls), type(event)):
        if name not in written_out:
            value = getattr(event, name)
            shared[name] = tuple(value) if isinstance(value, list) else value
    return shared


def told_by(cls: type[T], event: DomainEvent, **written_out: Any) -> T:
    """A new ``cls`` (a dataclass) made of the fields ``event`` shares with it, and ``written_out``."""
    return cls(**_shared(cls, event, written_out), **written_out)


def updated_by(state: T, event: DomainEvent, **written_out: Any) -> T:
    """``state`` (a dataclass) with the fields ``event`` shares with it as the event says them, and
    ``written_out``; the rest as they were."""
    return replace(state, **_shared(state, event, written_out), **written_out)  # type: ignore[type-var]


E = TypeVar("E", bound=DomainEvent)


def telling(event_type: type[E], value: Any, **written_out: Any) -> E:
    """An ``event_type`` made of the fields ``value`` (a dataclass, e.g. what a command says) shares
    with it, and ``written_out``."""
    said = {f.name for f in fields(value)} & event_type.model_fields.keys()
    return event_type(**{name: getattr(value, name) for name in said - written_out.keys()}, **written_out)


def registered_once(cls: type[T], registered: type[DomainEvent]) -> Evolve[T]:
    """The ``evolve`` of a record its registration alone tells (a ``cls`` of the event's fields):
    a stream holds that one event, nothing changes the record afterwards."""

    def evolve(state: T | None, event: DomainEvent) -> T:
        if state is None and isinstance(event, registered):
            return told_by(cls, event)
        raise CannotApply(event, state)

    return evolve


class CannotApply(ValueError):
    """An event a state cannot take (a first event again, a later one with no state before it): a
    stream of another aggregate or out of order, never a caller's mistake."""

    def __init__(self, event: DomainEvent, state: object) -> None:
        super().__init__(f"{type(event).__name__} cannot apply to {state!r}")
