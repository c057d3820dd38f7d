"""Bounded types for what callers send: days, moments, offsets and page sizes.

Unbounded, valid-looking input crashed services: year 9999 overflows ``day + 1`` and the China-day
conversion, an offset of 2**63 overflows PostgreSQL's bigint in the driver. Each bound here is far
beyond any real record and inside what every later step can compute with; outside it a caller gets a
422 naming the field and the bound, and the OpenAPI documents show the bound.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Moments anywhere on those days, in any time zone.
EARLIEST_MOMENT = datetime(1999, 12, 31, tzinfo=UTC)
LATEST_MOMENT = datetime(2101, 1, 2, tzinfo=UTC)
# PostgreSQL's integer; asyncpg refuses anything larger with an OverflowError.
MAX_OFFSET = 2**31 - 1
MAX_PAGE_SIZE = 1000

# pydantic keeps ge/le on dates and datetimes out of the JSON schema: formatMinimum/formatMaximum
# (the JSON Schema vocabulary for formatted values) put them in the OpenAPI documents.
Day = Annotated[
    date,
    Field(
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        json_schema_extra={
            "formatMinimum": EARLIEST_DAY.isoformat(),
            "formatMaximum": LATEST_DAY.isoformat(),
        },
    ),
]
Moment = Annotated[
    AwareDatetime,
    Field(
        ge=EARLIEST_MOMENT,
        le=LATEST_MOMENT,
        json_schema_extra={
            "formatMinimum": EARLIEST_MOMENT.isoformat(),
            "formatMaximum": LATEST_MOMENT.isoformat(),
        },
    ),
]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
