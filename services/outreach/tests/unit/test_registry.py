"""Schools and enterprises: registered once each, in a village or community of the registry."""

from __future__ import annotations

from typing import Any

import pytest

from govgrid.aggregate import Evolve
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseSector
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.rules import check
from govgrid.testing.scenario import given
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.outreach.domain import enterprises
from services.outreach.domain import schools
from services.outreach.domain.enterprises import Enterprise
from services.outreach.domain.schools import School
from services.outreach.tests.unit.scenario import ENTERPRISE
from services.outreach.tests.unit.scenario import ENTERPRISE_REGISTERED
from services.outreach.tests.unit.scenario import SCHOOL
from services.outreach.tests.unit.scenario import SCHOOL_REGISTERED
from services.outreach.tests.unit.scenario import VILLAGE
from services.outreach.tests.unit.scenario import enterprise
from services.outreach.tests.unit.scenario import school


def test_register_a_school() -> None:
    events = schools.register(None, school_code=SCHOOL, name_zh="东风中学", village_code=VILLAGE)
    then_events(events, [SchoolRegistered(school_code=SCHOOL, name_zh="东风中学", village_code=VILLAGE)])
    assert given(schools.evolve, *events) == School(SCHOOL, "东风中学", VILLAGE)


def test_a_school_is_registered_once() -> None:
    then_rule_broken(
        "school_already_registered",
        lambda: schools.register(school(), school_code=SCHOOL, name_zh="东风中学", village_code=VILLAGE),
    )


def test_register_an_enterprise() -> None:
    events = enterprises.register(
        None,
        enterprise_code=ENTERPRISE,
        name="东风橡胶加工厂",
        village_code=VILLAGE,
        sector=EnterpriseSector.MANUFACTURING,
    )
    then_events(events, [ENTERPRISE_REGISTERED])
    assert given(enterprises.evolve, *events) == Enterprise(
        ENTERPRISE, "东风橡胶加工厂", VILLAGE, EnterpriseSector.MANUFACTURING
    )


def test_an_enterprise_is_registered_once() -> None:
    then_rule_broken(
        "enterprise_already_registered",
        lambda: enterprises.register(
            enterprise(),
            enterprise_code=ENTERPRISE,
            name="别的名字",
            village_code=VILLAGE,
            sector=EnterpriseSector.OTHER,
        ),
    )


@pytest.mark.parametrize(
    ("evolve", "event"),
    [(schools.evolve, SCHOOL_REGISTERED), (enterprises.evolve, ENTERPRISE_REGISTERED)],
    ids=["school", "enterprise"],
)
def test_a_stream_holds_one_registration(evolve: Evolve[Any], event: DomainEvent) -> None:
    with pytest.raises(ValueError, match="cannot apply"):
        given(evolve, event, event)


def test_a_files_row_of_a_registered_school_must_say_what_is_registered() -> None:
    row = {"school_code": SCHOOL, "name_zh": "东风中学", "village_code": VILLAGE}
    check(schools.RowMustBeTheRegisteredSchool(school(), row))
    error = then_rule_broken(
        "school_already_registered",
        lambda: check(schools.RowMustBeTheRegisteredSchool(school(), {**row, "name_zh": "东风一中"})),
    )
    assert error.message == f"school {SCHOOL} is registered as 东风中学 in {VILLAGE}, unlike this row"


def test_a_files_row_of_a_registered_enterprise_must_say_what_is_registered() -> None:
    row = {
        "enterprise_code": ENTERPRISE,
        "name": "东风橡胶加工厂",
        "village_code": VILLAGE,
        "sector": EnterpriseSector.MANUFACTURING,
    }
    check(enterprises.RowMustBeTheRegisteredEnterprise(enterprise(), row))
    another_sector = {**row, "sector": EnterpriseSector.OTHER}
    error = then_rule_broken(
        "enterprise_already_registered",
        lambda: check(enterprises.RowMustBeTheRegisteredEnterprise(enterprise(), another_sector)),
    )
    registered = f"enterprise {ENTERPRISE} is registered as 东风橡胶加工厂 (manufacturing) in {VILLAGE}"
    assert error.message == f"{registered}, unlike this row"
