"""govgrid.bounds: far-off days and huge numbers are 422s with the field and the bound, not 500s."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from govgrid.bounds import Day
from govgrid.bounds import Moment
from govgrid.bounds import Offset
from govgrid.bounds import PageSize


class Query(BaseModel):
    day: Day | None = None
    moment: Moment | None = None
    offset: Offset = 0
    limit: PageSize = 50


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", "9999-12-31"),
        ("day", "1999-12-31"),
        ("moment", "9999-12-31T23:59:59+08:00"),
        ("moment", "0001-01-01T00:00:00Z"),
        ("offset", 2**63),
        ("offset", -1),
        ("limit", 0),
        ("limit", 2**31),
    ],
)
def test_values_out_of_bounds_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        Query.model_validate({field: value})

    assert [error["loc"] for error in raised.value.errors()] == [(field,)]


def test_the_edges_are_inside() -> None:
    query = Query.model_validate(
        {"day": "2100-12-31", "moment": "2100-12-31T23:59:59-12:00", "offset": 2**31 - 1, "limit": 1000}
    )
    assert query.offset == 2**31 - 1


def test_the_bounds_are_in_the_json_schema() -> None:
    properties = Query.model_json_schema()["properties"]

    day = properties["day"]["anyOf"][0]
    assert (day["formatMinimum"], day["formatMaximum"]) == ("2000-01-01", "2100-12-31")
    assert properties["moment"]["anyOf"][0]["formatMaximum"].startswith("2101-01-02")
    assert (properties["offset"]["minimum"], properties["offset"]["maximum"]) == (0, 2**31 - 1)
    assert (properties["limit"]["minimum"], properties["limit"]["maximum"]) == (1, 1000)
