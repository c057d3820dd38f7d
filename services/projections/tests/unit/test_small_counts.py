"""The small-count rule as pure code: which cells and figures are hidden, and when an answer is below
station level."""

from __future__ import annotations

from datetime import date

import pytest

from services.projections.queries.scope import Scope
from services.projections.queries.small_counts import SmallCounts
from services.projections.queries.small_counts import below_station_level

pytestmark = pytest.mark.unit
RULE = SmallCounts(3)
DAY = date(2023, 11, 30)


def test_every_small_cell_is_hidden_and_a_lone_one_takes_the_next_smallest_with_it() -> None:
    assert RULE.hidden_cells({"V1": 1, "V2": 2, "V3": 9}) == {"V1", "V2"}
    assert RULE.hidden_cells({"V1": 1, "V2": 4, "V3": 5}) == {"V1", "V2"}
    assert RULE.hidden_cells({"V1": 0, "V2": 4, "V3": 4}) == {"V1", "V2"}  # ties by cell
    assert RULE.hidden_cells({"V1": 3, "V2": 4}) == set()
    assert RULE.hidden_cells({"V1": 1}) == {"V1"}  # the station's only cell


def test_a_group_never_has_one_hidden_figure() -> None:
    figures = {"received": 9, "by.a": 1, "by.b": 3, "by.c": 5}
    groups = [("received", ["by.a", "by.b", "by.c"])]
    assert RULE.complete_groups(figures, {"by.a"}, groups) == {"by.a", "by.b"}
    assert RULE.complete_groups(figures, {"received"}, groups) == {"received", "by.a"}
    assert RULE.complete_groups(figures, {"by.a", "by.b"}, groups) == {"by.a", "by.b"}
    assert RULE.complete_groups(figures, set(), groups) == set()


@pytest.mark.parametrize(
    ("scope", "kinds", "below"),
    [
        (Scope(DAY, None, village="V1"), frozenset(), False),  # the city
        (Scope(DAY, ["S01"], village="V1"), frozenset({"police_station"}), True),
        (Scope(DAY, ["S01"]), frozenset({"police_station"}), False),
        (Scope(DAY, ["S01"], township="T01"), frozenset({"police_station"}), True),
        (Scope(DAY, ["T01"]), frozenset({"township"}), False),
        (Scope(DAY, ["T01"], station="S01"), frozenset({"township"}), True),
        (Scope(DAY, ["V1"]), frozenset({"village"}), True),
        (Scope(DAY, ["X"]), frozenset(), True),  # codes the registry does not know
    ],
)
def test_below_station_level(scope: Scope, kinds: frozenset[str], below: bool) -> None:
    assert below_station_level(scope, kinds) is below
