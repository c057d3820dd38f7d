"""Organisation units: registering under the right parent, renaming, which station covers a village
when, and the jurisdiction a unit's events are filed under."""

from __future__ import annotations

from datetime import date

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.envelope import Jurisdiction
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.appointments.domain import org_units
from services.appointments.domain.org_units import CoveragePeriod
from services.appointments.tests.unit.scenario import CITY
from services.appointments.tests.unit.scenario import COMMUNITY
from services.appointments.tests.unit.scenario import COMMUNITY_REGISTERED
from services.appointments.tests.unit.scenario import GRID_REGISTERED
from services.appointments.tests.unit.scenario import OTHER_STATION
from services.appointments.tests.unit.scenario import REGISTERED_OF_KIND
from services.appointments.tests.unit.scenario import STATION
from services.appointments.tests.unit.scenario import SUBDISTRICT
from services.appointments.tests.unit.scenario import SUBDISTRICT_REGISTERED
from services.appointments.tests.unit.scenario import TOWNSHIP
from services.appointments.tests.unit.scenario import TOWNSHIP_REGISTERED
from services.appointments.tests.unit.scenario import VILLAGE
from services.appointments.tests.unit.scenario import VILLAGE_REGISTERED
from services.appointments.tests.unit.scenario import coverage_assigned
from services.appointments.tests.unit.scenario import coverage_ended
from services.appointments.tests.unit.scenario import given_unit
from services.appointments.tests.unit.scenario import other_station
from services.appointments.tests.unit.scenario import station
from services.appointments.tests.unit.scenario import unit_of_kind
from services.appointments.tests.unit.scenario import village

# ---------------------------------------------------------------- register

# The grid's shape, written out from DOMAIN.md rather than read from ALLOWED_PARENT.
PARENT_KINDS: dict[OrgUnitKind, set[OrgUnitKind | None]] = {
    OrgUnitKind.CITY: {None},
    OrgUnitKind.TOWNSHIP: {OrgUnitKind.CITY},
    OrgUnitKind.SUBDISTRICT_OFFICE: {OrgUnitKind.CITY},
    OrgUnitKind.POLICE_STATION: {OrgUnitKind.CITY},
    OrgUnitKind.VILLAGE: {OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT_OFFICE},
    OrgUnitKind.COMMUNITY: {OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT_OFFICE},
    OrgUnitKind.GRID: {OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY},
}
ALL_PAIRS = [(kind, parent) for kind in OrgUnitKind for parent in [None, *OrgUnitKind]]
VALID_PAIRS = [(kind, parent) for kind, parent in ALL_PAIRS if parent in PARENT_KINDS[kind]]
INVALID_PAIRS = [(kind, parent) for kind, parent in ALL_PAIRS if parent not in PARENT_KINDS[kind]]
NEW = "NEW-UNIT"


def pair_id(pair: object) -> str:
    return str(pair) if pair is not None else "no-parent"


def register_under(kind: OrgUnitKind, parent_kind: OrgUnitKind | None) -> list[DomainEvent]:
    """Register a new unit of ``kind`` under a registered unit of ``parent_kind`` (None: no parent)."""
    parent = unit_of_kind(parent_kind) if parent_kind is not None else None
    return org_units.register(
        None,
        parent,
        code=NEW,
        kind=kind,
        name_zh="新单位",
        name_en="New unit",
        parent_code=parent.code if parent else None,
    )


@pytest.mark.parametrize(("kind", "parent_kind"), VALID_PAIRS, ids=pair_id)
def test_register_under_a_parent_of_the_right_kind(
    kind: OrgUnitKind, parent_kind: OrgUnitKind | None
) -> None:
    parent_code = REGISTERED_OF_KIND[parent_kind].code if parent_kind is not None else None
    then_events(
        register_under(kind, parent_kind),
        [
            OrganisationUnitRegistered(
                code=NEW, kind=kind, name_zh="新单位", name_en="New unit", parent_code=parent_code
            )
        ],
    )


@pytest.mark.parametrize(("kind", "parent_kind"), INVALID_PAIRS, ids=pair_id)
def test_register_under_a_parent_of_a_wrong_kind(kind: OrgUnitKind, parent_kind: OrgUnitKind | None) -> None:
    then_rule_broken("unit_parent_invalid", lambda: register_under(kind, parent_kind))


def test_register_the_city_without_a_parent() -> None:
    then_events(
        org_units.register(
            None,
            None,
            code=CITY,
            kind=OrgUnitKind.CITY,
            name_zh="儋州市",
            name_en="Danzhou",
            parent_code=None,
        ),
        [
            OrganisationUnitRegistered(
                code=CITY, kind=OrgUnitKind.CITY, name_zh="儋州市", name_en="Danzhou", parent_code=None
            )
        ],
    )


@pytest.mark.parametrize("kind", list(OrgUnitKind))
def test_register_under_a_parent_that_is_not_registered(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "unit_parent_invalid",
        lambda: org_units.register(
            None, None, code=NEW, kind=kind, name_zh="新单位", name_en="New unit", parent_code="NOWHERE"
        ),
    )


def test_register_a_community_under_the_subdistrict_office() -> None:
    then_events(
        org_units.register(
            None,
            given_unit(SUBDISTRICT_REGISTERED),
            code="XIANFENG",
            kind=OrgUnitKind.COMMUNITY,
            name_zh="先锋社区",
            name_en="Xianfeng Community",
            parent_code=SUBDISTRICT,
        ),
        [
            OrganisationUnitRegistered(
                code="XIANFENG",
                kind=OrgUnitKind.COMMUNITY,
                name_zh="先锋社区",
                name_en="Xianfeng Community",
                parent_code=SUBDISTRICT,
            )
        ],
    )


def test_register_a_taken_code() -> None:
    then_rule_broken(
        "unit_already_registered",
        lambda: org_units.register(
            village(),
            given_unit(TOWNSHIP_REGISTERED),
            code=VILLAGE,
            kind=OrgUnitKind.VILLAGE,
            name_zh="干冲村",
            name_en="Ganchong Village",
            parent_code=TOWNSHIP,
        ),
    )


def test_a_taken_code_is_reported_before_a_wrong_parent() -> None:
    then_rule_broken(
        "unit_already_registered",
        lambda: org_units.register(
            village(),
            None,
            code=VILLAGE,
            kind=OrgUnitKind.VILLAGE,
            name_zh="干冲村",
            name_en="Ganchong Village",
            parent_code="NOWHERE",
        ),
    )


def test_registered_folds_into_a_unit_without_coverage() -> None:
    assert village() == org_units.OrgUnit(
        VILLAGE, OrgUnitKind.VILLAGE, "干冲村", "Ganchong Village", TOWNSHIP
    )


# ---------------------------------------------------------------- rename


def test_rename() -> None:
    events = org_units.rename(village(), name_zh="干冲社区", name_en="Ganchong Community")
    then_events(
        events, [OrganisationUnitRenamed(code=VILLAGE, name_zh="干冲社区", name_en="Ganchong Community")]
    )
    renamed = given_unit(VILLAGE_REGISTERED, *events)
    assert (renamed.name_zh, renamed.name_en) == ("干冲社区", "Ganchong Community")


def test_rename_only_the_english_name() -> None:
    then_events(
        org_units.rename(village(), name_zh="干冲村", name_en="Ganchong"),
        [OrganisationUnitRenamed(code=VILLAGE, name_zh="干冲村", name_en="Ganchong")],
    )


def test_rename_to_the_same_names_records_nothing() -> None:
    then_events(org_units.rename(village(), name_zh="干冲村", name_en="Ganchong Village"), [])


# ---------------------------------------------------------------- assign_coverage

SINCE = date(2021, 1, 1)  # 西华派出所 covers 干冲村 from here on in most scenarios
CHANGE = date(2023, 7, 1)


def test_first_coverage_of_a_village() -> None:
    then_events(
        org_units.assign_coverage(village(), station(), effective_from=SINCE),
        [VillageCoverageAssigned(station_code=STATION, village_code=VILLAGE, effective_from=SINCE)],
    )


def test_first_coverage_of_a_community() -> None:
    then_events(
        org_units.assign_coverage(given_unit(COMMUNITY_REGISTERED), station(), effective_from=SINCE),
        [VillageCoverageAssigned(station_code=STATION, village_code=COMMUNITY, effective_from=SINCE)],
    )


def test_a_change_of_station_ends_the_previous_coverage_the_day_before() -> None:
    then_events(
        org_units.assign_coverage(village(coverage_assigned(SINCE)), other_station(), effective_from=CHANGE),
        [
            VillageCoverageEnded(
                station_code=STATION, village_code=VILLAGE, effective_until=date(2023, 6, 30)
            ),
            VillageCoverageAssigned(station_code=OTHER_STATION, village_code=VILLAGE, effective_from=CHANGE),
        ],
    )


def test_a_change_the_day_after_the_current_start_ends_it_on_its_first_day() -> None:
    then_events(
        org_units.assign_coverage(
            village(coverage_assigned(SINCE)), other_station(), effective_from=date(2021, 1, 2)
        ),
        [
            VillageCoverageEnded(station_code=STATION, village_code=VILLAGE, effective_until=SINCE),
            VillageCoverageAssigned(
                station_code=OTHER_STATION, village_code=VILLAGE, effective_from=date(2021, 1, 2)
            ),
        ],
    )


@pytest.mark.parametrize("effective_from", [date(2020, 1, 1), SINCE, CHANGE], ids=str)
def test_the_same_station_again_records_nothing(effective_from: date) -> None:
    then_events(
        org_units.assign_coverage(
            village(coverage_assigned(SINCE)), station(), effective_from=effective_from
        ),
        [],
    )


@pytest.mark.parametrize(
    "kind",
    [
        OrgUnitKind.CITY,
        OrgUnitKind.TOWNSHIP,
        OrgUnitKind.SUBDISTRICT_OFFICE,
        OrgUnitKind.POLICE_STATION,
        OrgUnitKind.GRID,
    ],
)
def test_only_villages_and_communities_are_covered(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_village",
        lambda: org_units.assign_coverage(unit_of_kind(kind), station(), effective_from=SINCE),
    )


@pytest.mark.parametrize("kind", [kind for kind in OrgUnitKind if kind is not OrgUnitKind.POLICE_STATION])
def test_only_a_police_station_covers(kind: OrgUnitKind) -> None:
    then_rule_broken(
        "not_a_police_station",
        lambda: org_units.assign_coverage(village(), unit_of_kind(kind), effective_from=SINCE),
    )


@pytest.mark.parametrize("effective_from", [SINCE, date(2020, 12, 31), date(2019, 6, 1)], ids=str)
def test_a_change_must_start_after_the_current_coverage_started(effective_from: date) -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: org_units.assign_coverage(
            village(coverage_assigned(SINCE)), other_station(), effective_from=effective_from
        ),
    )


def test_coverage_after_an_ended_one_is_assigned_alone() -> None:
    then_events(
        org_units.assign_coverage(
            village(coverage_assigned(SINCE), coverage_ended(date(2022, 12, 31))),
            other_station(),
            effective_from=date(2023, 1, 1),
        ),
        [
            VillageCoverageAssigned(
                station_code=OTHER_STATION, village_code=VILLAGE, effective_from=date(2023, 1, 1)
            )
        ],
    )


@pytest.mark.parametrize("effective_from", [date(2022, 6, 1), date(2019, 1, 1)], ids=str)
def test_coverage_after_an_ended_one_cannot_start_before_its_end(effective_from: date) -> None:
    ended_village = village(coverage_assigned(SINCE), coverage_ended(date(2022, 12, 31)))
    then_rule_broken(
        "dates_incoherent",
        lambda: org_units.assign_coverage(ended_village, other_station(), effective_from=effective_from),
    )


def test_coverage_folds_into_periods() -> None:
    changed = village(
        coverage_assigned(SINCE),
        coverage_ended(date(2023, 6, 30)),
        coverage_assigned(CHANGE, station_code=OTHER_STATION),
    )
    assert changed.coverage == (
        CoveragePeriod(STATION, SINCE, date(2023, 6, 30)),
        CoveragePeriod(OTHER_STATION, CHANGE),
    )
    assert changed.current_coverage == CoveragePeriod(OTHER_STATION, CHANGE)


# ---------------------------------------------------------------- end_coverage


def test_end_coverage() -> None:
    then_events(
        org_units.end_coverage(
            village(coverage_assigned(SINCE)), station_code=STATION, effective_until=date(2023, 12, 31)
        ),
        [
            VillageCoverageEnded(
                station_code=STATION, village_code=VILLAGE, effective_until=date(2023, 12, 31)
            )
        ],
    )


def test_end_coverage_on_its_first_day() -> None:
    then_events(
        org_units.end_coverage(
            village(coverage_assigned(SINCE)), station_code=STATION, effective_until=SINCE
        ),
        [VillageCoverageEnded(station_code=STATION, village_code=VILLAGE, effective_until=SINCE)],
    )


def test_end_coverage_by_another_station() -> None:
    then_rule_broken(
        "village_not_covered",
        lambda: org_units.end_coverage(
            village(coverage_assigned(SINCE)), station_code=OTHER_STATION, effective_until=date(2023, 12, 31)
        ),
    )


def test_end_coverage_of_an_uncovered_village() -> None:
    then_rule_broken(
        "village_not_covered",
        lambda: org_units.end_coverage(village(), station_code=STATION, effective_until=date(2023, 12, 31)),
    )


def test_end_coverage_that_already_ended() -> None:
    then_rule_broken(
        "village_not_covered",
        lambda: org_units.end_coverage(
            village(coverage_assigned(SINCE), coverage_ended(date(2022, 12, 31))),
            station_code=STATION,
            effective_until=date(2023, 12, 31),
        ),
    )


def test_end_coverage_before_it_started() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: org_units.end_coverage(
            village(coverage_assigned(SINCE)), station_code=STATION, effective_until=date(2020, 12, 31)
        ),
    )


# ---------------------------------------------------------------- station_on

HISTORY = (
    coverage_assigned(SINCE),
    coverage_ended(date(2023, 6, 30)),
    coverage_assigned(CHANGE, station_code=OTHER_STATION),
    coverage_ended(date(2025, 12, 31), station_code=OTHER_STATION),
)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2020, 12, 31), None),
        (SINCE, STATION),
        (date(2023, 3, 1), STATION),
        (date(2023, 6, 30), STATION),
        (CHANGE, OTHER_STATION),
        (date(2025, 12, 31), OTHER_STATION),
        (date(2026, 1, 1), None),
    ],
    ids=str,
)
def test_station_on(on: date, expected: str | None) -> None:
    assert village(*HISTORY).station_on(on) == expected


def test_an_open_coverage_covers_every_later_day() -> None:
    covered = village(coverage_assigned(SINCE))
    assert covered.station_on(date(2099, 1, 1)) == STATION
    assert covered.current_coverage == CoveragePeriod(STATION, SINCE)


def test_a_village_never_covered_has_no_station() -> None:
    assert village().station_on(date(2023, 3, 1)) is None
    assert village().current_coverage is None


# ---------------------------------------------------------------- jurisdiction_of


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrgUnitKind.CITY, Jurisdiction()),
        (OrgUnitKind.TOWNSHIP, Jurisdiction(township=TOWNSHIP)),
        (OrgUnitKind.SUBDISTRICT_OFFICE, Jurisdiction(township=SUBDISTRICT)),
        (OrgUnitKind.POLICE_STATION, Jurisdiction(station=STATION)),
        (OrgUnitKind.VILLAGE, Jurisdiction(township=TOWNSHIP, village=VILLAGE)),
        (OrgUnitKind.COMMUNITY, Jurisdiction(township=TOWNSHIP, village=COMMUNITY)),
    ],
)
def test_jurisdiction_of_an_uncovered_unit(kind: OrgUnitKind, expected: Jurisdiction) -> None:
    assert org_units.jurisdiction_of(unit_of_kind(kind), None) == expected


def test_jurisdiction_of_a_covered_village_names_its_current_station() -> None:
    covered = village(
        coverage_assigned(SINCE), coverage_ended(date(2023, 6, 30)), coverage_assigned(CHANGE, OTHER_STATION)
    )
    assert org_units.jurisdiction_of(covered, None) == Jurisdiction(
        township=TOWNSHIP, station=OTHER_STATION, village=VILLAGE
    )


def test_jurisdiction_of_a_village_whose_coverage_ended_has_no_station() -> None:
    assert org_units.jurisdiction_of(village(*HISTORY), None) == Jurisdiction(
        township=TOWNSHIP, village=VILLAGE
    )


def test_jurisdiction_of_a_grid_is_its_village_s() -> None:
    assert org_units.jurisdiction_of(
        given_unit(GRID_REGISTERED), village(coverage_assigned(SINCE))
    ) == Jurisdiction(township=TOWNSHIP, station=STATION, village=VILLAGE)


def test_jurisdiction_of_a_grid_in_an_uncovered_village() -> None:
    assert org_units.jurisdiction_of(given_unit(GRID_REGISTERED), village()) == Jurisdiction(
        township=TOWNSHIP, village=VILLAGE
    )
