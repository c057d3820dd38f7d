"""govgrid.imports.parse_rows on malformed CSV: a 422 (InvalidInput) naming the line, never a crash."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from govgrid.errors import InvalidInput
from govgrid.imports import parse_rows


class Row(BaseModel):
    code: str
    name: str | None = None


@pytest.mark.parametrize(
    ("content", "row", "line"),
    [
        (b"code\n\rx", 1, 2),  # the file of the issue
        (b"code,name\nA,1\nB,x\ry\n", 2, 3),
        (b'code,name\nA,1\nB,2\n"C"x\rz,3\n', 3, 4),
    ],
)
def test_a_bare_carriage_return_names_its_line(content: bytes, row: int, line: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rows(content, "text/csv", Row)

    assert raised.value.details == [
        {
            "row": row,
            "field": None,
            "reason": f"line {line}: a line break inside a field not in double quotes",
        }
    ]


def test_a_carriage_return_inside_quotes_is_data() -> None:
    assert parse_rows(b'code,name\nA,"x\ry"\n', "text/csv", Row) == [(1, Row(code="A", name="x\ry"))]
