"""Which statements place rows at the station covering their village, and which leave it out."""

from __future__ import annotations

from datetime import date

import pytest

from services.projections.queries import disputes
from services.projections.queries import leads
from services.projections.queries.scope import COVERED
from services.projections.queries.scope import NOT_COVERED
from services.projections.queries.scope import Scope
from services.projections.queries.scope import counted_facts
from services.projections.queries.scope import placed_if_read

DAY = date(2026, 11, 30)
CITY = Scope(DAY, None)
STATEMENTS = [
    disputes.ACT_FIGURES,
    disputes.AGREEMENT_FIGURES,
    disputes.STATE_FIGURES,
    disputes.STEP_FIGURES,
    disputes.BACKLOG,
    leads.LEAD_FIGURES,
    leads.RECEIVED_BY,
]


@pytest.mark.parametrize("sql", STATEMENTS)
def test_a_city_admin_asking_for_no_station_has_every_coverage_join_on_nothing(sql: str) -> None:
    joins = sql.count(COVERED)
    assert joins >= 1
    unplaced = placed_if_read(sql, CITY)
    assert unplaced.count(NOT_COVERED) == joins
    assert unplaced.replace(NOT_COVERED, COVERED) == sql
    # A township or a village asked for is the row's own: still nothing to place.
    assert placed_if_read(sql, Scope(DAY, None, township="T01", village="V01")) == unplaced


@pytest.mark.parametrize(
    "scope",
    [Scope(DAY, ["T01"]), Scope(DAY, ["S01"]), Scope(DAY, None, station="S01")],
    ids=["caller's codes", "a station's officer", "a station asked for"],
)
@pytest.mark.parametrize("sql", STATEMENTS)
def test_a_scope_reading_stations_places_every_row(sql: str, scope: Scope) -> None:
    assert scope.reads_stations
    assert placed_if_read(sql, scope) == sql


def test_figures_grouped_by_station_are_placed_for_anyone() -> None:
    assert not CITY.reads_stations
    assert placed_if_read(leads.RECEIVED_BY, CITY, by_station=True) == leads.RECEIVED_BY


@pytest.mark.parametrize(
    ("scope", "reads"),
    [
        (CITY, False),
        (Scope(DAY, None, township="T01"), True),
        (Scope(DAY, None, village="V01"), True),
        (Scope(DAY, None, station="S01"), True),
        (Scope(DAY, ["S01"]), True),
    ],
    ids=["the whole city", "a township", "a village", "a station", "a station's officer"],
)
def test_only_the_whole_city_reads_no_place(scope: Scope, reads: bool) -> None:
    assert scope.reads_places is reads


def test_the_whole_citys_dispute_acts_and_steps_are_counted_without_places() -> None:
    first = date(2026, 1, 1)
    acts, _, _, steps = disputes._statements(CITY, first, DAY, disputes.WHOLE_SCOPE)
    assert acts == (disputes.CITY_ACT_FIGURES, (first, DAY))  # the range only: no place to filter
    assert "rm_disputes" not in steps[0] and "rm_dispute_steps" in steps[0]
    for scope, key in [(Scope(DAY, None, township="T01"), disputes.WHOLE_SCOPE), (CITY, disputes.BY_VILLAGE)]:
        acts, _, _, steps = disputes._statements(scope, first, DAY, key)
        assert acts == (disputes.ACT_FIGURES.format(key=key), (first, DAY, *scope.params))
        assert steps[0] == disputes.STEP_FIGURES.format(key=key)


def test_counted_facts_count_each_fact_where_it_is_found() -> None:
    sql = counted_facts("rm_disputes", disputes.ACTS)
    for figure, _day, where in disputes.ACTS:
        assert f"(SELECT count(*) FROM rm_disputes t WHERE {where}) AS {figure}" in sql
