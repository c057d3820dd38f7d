"""The read-side toolkit's in-memory fold (readmodels/base.py): what a batch's events change, merged
per row, undone per event, and which rows must be looked up."""

from __future__ import annotations

from datetime import date

import pytest

from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import DuplicateRow
from services.projections.readmodels.base import First
from services.projections.readmodels.base import Key
from services.projections.readmodels.base import NotInReadModel
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import Union

PATROLS = Table("rm_patrols", ("patrol_id",), "patrol")


def changes(known: dict[Key, bool] | None = None) -> Changes:
    return Changes(lambda table, key: (known or {}).get(key))


def test_changes_to_a_row_created_in_the_batch_fold_into_it() -> None:
    c = changes()
    c.insert(PATROLS, patrol_id="P1", codes=["S01"], started_on=None, first_day=None)
    c.update(PATROLS, "P1", codes=Union(("T01", "S01")), started_on=date(2023, 11, 2))
    c.update(PATROLS, "P1", first_day=First(date(2023, 11, 3)))
    c.update(PATROLS, "P1", first_day=First(date(2023, 11, 9)))
    assert c.new == {
        PATROLS: {
            ("P1",): {
                "patrol_id": "P1",
                "codes": ["S01", "T01"],
                "started_on": date(2023, 11, 2),
                "first_day": date(2023, 11, 3),
            }
        }
    }
    assert c.patches == {} and c.unknown == set()


def test_changes_to_a_row_there_before_fold_into_one_patch_and_ask_for_it() -> None:
    c = changes()
    c.update(PATROLS, "P1", codes=Union(("V1",)), first_day=First(date(2023, 11, 3)))
    c.update(PATROLS, "P1", codes=Union(("S01", "V1")), first_day=First(date(2023, 11, 9)), km=3)
    assert c.patches == {
        PATROLS: {("P1",): {"codes": Union(("S01", "V1")), "first_day": First(date(2023, 11, 3)), "km": 3}}
    }
    assert c.unknown == {(PATROLS, ("P1",))}


def test_a_row_known_to_be_missing_raises_and_an_event_is_undone_as_a_whole() -> None:
    c = changes({("P2",): False})
    c.insert(PATROLS, patrol_id="P1", km=1)
    c.commit_event()
    c.update(PATROLS, "P1", km=2)  # applied in memory...
    with pytest.raises(NotInReadModel, match="patrol P2 is not in the read model"):
        c.update(PATROLS, "P2", km=5)
    c.undo_event()  # ...and undone with the event that failed part-way
    assert c.new[PATROLS][("P1",)] == {"patrol_id": "P1", "km": 1}
    assert c.patches == {}


def test_a_row_created_twice_in_a_batch_is_refused() -> None:
    c = changes()
    c.insert(PATROLS, patrol_id="P1")
    with pytest.raises(DuplicateRow):
        c.insert(PATROLS, patrol_id="P1")
