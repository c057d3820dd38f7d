"""Small counts that single out people: which lead figures a caller below city level sees as "<3".

A lead counted in one village over one week can name its informant. So, for callers below city level,
a lead figure is suppressed (answered as null, its path listed in the answer's ``suppressed``) when it
is computed below station level and either is below the threshold or holds a hidden village cell.

The cells are the villages of a station (with the station's leads of no village as one more cell).
Per station and per figure, every cell below the threshold is hidden, and when that is exactly one
cell, the next smallest cell too (complementary suppression): the station's total, which station
officers see, minus the cells shown then never gives one hidden cell. Zeros are hidden like any count
below the threshold: "nobody in this village gave a lead this week" is itself a disclosure when the
other villages are known, and it leaves a station with one hidden village a second hidden cell.

Within one answer, a total and its breakdown (received by channel, by category, ...) form a group: if
exactly one of them is hidden, the smallest shown member is hidden too, so that the total minus the
members shown never gives the hidden one.

Why not rounding: rounded figures cannot be summed back into the station's exact totals, which
station officers report; suppression keeps every shown figure exact. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from govgrid.catalogue.organisation import OrgUnitKind
from services.projections.queries.scope import Scope

# Kinds of unit whose code in a token gives a whole township's or a whole station's records.
TOWNSHIP_KINDS = frozenset({OrgUnitKind.CITY, OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT_OFFICE})
STATION_KINDS = frozenset({OrgUnitKind.POLICE_STATION})


@dataclass(frozen=True)
class SmallCounts:
    """The rule's one setting: counts below ``threshold`` are suppressed (the read API's settings)."""

    threshold: int

    def hidden_cells(self, cells: Mapping[str, int]) -> set[str]:
        """The cells of one station for one figure (cell -> count) that are hidden: every one below the
        threshold and, when that is exactly one, the smallest other one (ties by cell, so that every
        answer hides the same)."""
        hidden = {cell for cell, n in cells.items() if n < self.threshold}
        if len(hidden) == 1:
            shown = sorted((n, cell) for cell, n in cells.items() if cell not in hidden)
            if shown:
                hidden.add(shown[0][1])
        return hidden

    def complete_groups(
        self, figures: Mapping[str, int], suppressed: set[str], groups: Iterable[tuple[str, list[str]]]
    ) -> set[str]:
        """``suppressed`` with, in every group (a total and its members) of which exactly one is
        hidden, the smallest shown member hidden too."""
        completed = set(suppressed)
        for total, members in groups:
            if sum(1 for path in (total, *members) if path in completed) == 1:
                shown = sorted((figures[m], m) for m in members if m not in completed)
                if shown:
                    completed.add(shown[0][1])
        return completed


def below_station_level(scope: Scope, caller_kinds: frozenset[str]) -> bool:
    """Whether figures of ``scope`` are below station level for its caller, whose codes are of
    ``caller_kinds``: a village asked for, a caller with village codes only (a village cadre), or a
    township and a station at once (by parameter or by token), which is the part of a station in a
    township. The city (codes None) is never below."""
    if scope.codes is None:
        return False
    if scope.village is not None:
        return True
    townships = bool(caller_kinds & TOWNSHIP_KINDS)
    stations = bool(caller_kinds & STATION_KINDS)
    if not (townships or stations):
        return True
    return (scope.township is not None or townships) and (scope.station is not None or stations)
