"""Bounded types for what callers send: days, moments, offsets and page sizes.

Unbounded, valid-looking input crashed services: year 9999 overflows ``day + 1`` and the China-day
conversion, an offset of 2**63 overflows PostgreSQL's bigint in the driver. Each bound here is far
beyond any real record and inside what every later step can compute with; outside it a caller gets a
422 naming the field and the bound, and the OpenAPI documents show the bound.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Any

from pydantic import AwareDatetime
from pydantic import Field

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Moments anywhere on those days, in any time zone.
EARLIEST_MOMENT = datetime(1999, 12, 31, tzinfo=UTC)
LATEST_MOMENT = datetime(2101, 1, 2, tzinfo=UTC)
# PostgreSQL's integer; asyncpg refuses anything larger with an OverflowError.
MAX_OFFSET = 2**31 - 1
MAX_PAGE_SIZE = 1000


def _between(earliest: date, latest: date) -> Any:  # a pydantic FieldInfo
    """``earliest`` to ``latest`` inclusive, in validation and in the OpenAPI documents: pydantic keeps
    ge/le on dates and datetimes out of the JSON schema, formatMinimum/formatMaximum (the JSON Schema
    vocabulary for formatted values) put them there."""
    return Field(
        ge=earliest,
        le=latest,
        json_schema_extra={"formatMinimum": earliest.isoformat(), "formatMaximum": latest.isoformat()},
    )


Day = Annotated[date, _between(EARLIEST_DAY, LATEST_DAY)]
Moment = Annotated[AwareDatetime, _between(EARLIEST_MOMENT, LATEST_MOMENT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
