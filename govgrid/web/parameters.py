"""Query parameters bounded like the command models (govgrid.bounds), with the bounds shown in the
OpenAPI documents: a day of year 9999 or an offset of 2**63 is a 422 naming the parameter, never a 500
from ``day + 1`` or the database driver."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import Path
from fastapi import Query

from govgrid.bounds import EARLIEST_DAY
from govgrid.bounds import LATEST_DAY
from govgrid.bounds import MAX_OFFSET


def day_parameter(
    description: str,
    *,
    alias: str | None = None,
    first: date = EARLIEST_DAY,
    last: date = LATEST_DAY,
    in_path: bool = False,
) -> Any:
    """A day in a query (or the path), between ``first`` and ``last``; pydantic keeps ge/le on dates
    out of the schema, so formatMinimum/formatMaximum say them."""
    # FastAPI types ge/le as numbers; pydantic, which checks them, compares dates as well.
    return (Path if in_path else Query)(
        alias=alias,
        ge=first,  # type: ignore[arg-type]
        le=last,  # type: ignore[arg-type]
        description=description,
        json_schema_extra={"formatMinimum": first.isoformat(), "formatMaximum": last.isoformat()},
    )


OffsetParameter = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many rows to skip.")]
