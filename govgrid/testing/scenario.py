"""Given / when / then for unit tests of a service's pure domain."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import TypeVar

import pytest

from govgrid.aggregate import Evolve
from govgrid.aggregate import fold
from govgrid.catalogue import DomainEvent
from govgrid.errors import RuleBroken

S = TypeVar("S")


def given(evolve: Evolve[S], *events: DomainEvent) -> S:
    """The state after ``events``, folded with the aggregate's own ``evolve``."""
    state = fold(evolve, events)
    assert state is not None, "a scenario starts with at least one event"
    return state


def then_events(actual: Sequence[DomainEvent], expected: Sequence[DomainEvent]) -> None:
    """Exactly these events (types and every field), in this order."""
    assert list(actual) == list(expected)


def then_rule_broken(code: str, when: Callable[[], object]) -> RuleBroken:
    """``when`` raises RuleBroken with this ``code``; returns the error for further checks."""
    with pytest.raises(RuleBroken) as raised:
        when()
    error = raised.value
    assert error.code == code, f"expected rule {code!r}, got {error.code!r}: {error.message}"
    return error
