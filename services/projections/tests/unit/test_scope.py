"""Which statements place rows at the station covering their village, and which leave it out."""

from __future__ import annotations

from datetime import date

import pytest

from services.projections.queries import disputes
from services.projections.queries import leads
from services.projections.queries.scope import COVERED
from services.projections.queries.scope import NOT_COVERED
from services.projections.queries.scope import Scope
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


def test_the_whole_citys_dispute_steps_are_counted_without_looking_their_disputes_up() -> None:
    city = disputes._step_figures(CITY, disputes.WHOLE_SCOPE)
    assert "rm_disputes" not in city and "rm_dispute_steps" in city
    for scope, key in [(Scope(DAY, None, township="T01"), disputes.WHOLE_SCOPE), (CITY, disputes.BY_VILLAGE)]:
        assert disputes._step_figures(scope, key) == disputes.STEP_FIGURES.format(key=key)
