"""govgrid.telling: a state or a value as an event tells it, an event telling a value, and the error
for an event a state cannot take."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date

import pytest

from govgrid.aggregate import fold
from govgrid.catalogue import DomainEvent
from govgrid.telling import CannotApply
from govgrid.telling import registered_once
from govgrid.telling import telling
from govgrid.telling import told_by
from govgrid.telling import updated_by


class Opened(DomainEvent):
    case_id: str
    opened_on: date
    codes: list[str]
    reason: str = ""


class Handled(DomainEvent):
    case_id: str
    handled_on: date
    reason: str
    days: int  # shares a name with a field the state works out itself


@dataclass(frozen=True)
class Case:
    case_id: str
    opened_on: date
    codes: tuple[str, ...]
    handled_on: date | None = None
    handled_because: str = ""
    days: int | None = field(init=False, default=None)


def test_told_by_takes_the_shared_fields_and_lists_as_tuples() -> None:
    case = told_by(Case, Opened(case_id="c1", opened_on=date(2025, 3, 1), codes=["a", "b"], reason="x"))
    assert case == Case("c1", date(2025, 3, 1), ("a", "b"))
    assert isinstance(case.codes, tuple)


def test_told_by_takes_what_is_written_out_over_the_event() -> None:
    case = told_by(Case, Opened(case_id="c1", opened_on=date(2025, 3, 1), codes=[]), case_id="c2")
    assert case.case_id == "c2"


def test_told_by_needs_every_field_without_a_default() -> None:
    with pytest.raises(TypeError):
        told_by(Case, Handled(case_id="c1", handled_on=date(2025, 3, 2), reason="done", days=1))


def test_updated_by_replaces_the_shared_fields_and_keeps_the_rest() -> None:
    case = Case("c1", date(2025, 3, 1), ("a",))
    handled = Handled(case_id="c1", handled_on=date(2025, 3, 2), reason="done", days=1)
    after = updated_by(case, handled, handled_because=handled.reason)
    assert after == Case("c1", date(2025, 3, 1), ("a",), date(2025, 3, 2), "done")
    assert after.days is None  # not made with: left to the state


@dataclass(frozen=True)
class Opening:
    case_id: str
    opened_on: date
    codes: tuple[str, ...]
    summary: str  # not an event's field: left out


def test_telling_takes_the_fields_the_event_has_and_what_is_written_out() -> None:
    opening = Opening("c1", date(2025, 3, 1), ("a",), "a fire exit blocked")
    assert telling(Opened, opening) == Opened(case_id="c1", opened_on=date(2025, 3, 1), codes=["a"])
    assert telling(Opened, opening, reason="asked").reason == "asked"
    assert telling(Opened, opening, case_id="c2").case_id == "c2"


def test_a_record_registered_once_is_its_registration_and_takes_nothing_after() -> None:
    evolve = registered_once(Case, Opened)
    opened = Opened(case_id="c1", opened_on=date(2025, 3, 1), codes=["a"])
    assert fold(evolve, [opened]) == Case("c1", date(2025, 3, 1), ("a",))
    with pytest.raises(CannotApply, match="Opened cannot apply to Case"):
        fold(evolve, [opened, opened])
    with pytest.raises(CannotApply, match="Handled cannot apply to None"):
        evolve(None, Handled(case_id="c1", handled_on=date(2025, 3, 2), reason="done", days=1))


def test_cannot_apply_is_a_value_error_naming_the_event_and_the_state() -> None:
    event = Opened(case_id="c1", opened_on=date(2025, 3, 1), codes=[])
    with pytest.raises(ValueError, match=r"^Opened cannot apply to None$"):
        raise CannotApply(event, None)
