"""The shapes of the read API's answers, so that its OpenAPI document says what each route returns.

One pagination style: ``page`` (from 1) and ``page_size`` in the query, ``Paged`` in the answer
(``items``, ``total``, ``page``, ``page_size``). Figures the read models may grow are allowed beyond
the documented ones (``extra="allow"``): an answer never loses a field to its model.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Generic
from typing import TypeVar

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from govgrid.web.errors import error_responses

# Every read can be refused for these reasons (a bad query parameter is a 422 with the one error body).
READ_ERRORS = error_responses(401, 403, 422, 503)

T = TypeVar("T")


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Paged(Answer, Generic[T]):
    items: list[T]
    total: int = Field(description="Rows in the scope, on every page.")
    page: int
    page_size: int


class Named(Answer):
    code: str
    name_zh: str | None
    name_en: str | None


class VillageLacking(Named):
    township_code: str | None
    station_code: str | None


class BreakdownRow(Named):
    villages: int
    with_deputy_secretary: int


class OrgUnit(Named):
    kind: str
    parent_code: str | None


class CoverageSummary(Answer):
    as_of: date
    villages: int
    villages_with_deputy_secretary: int
    villages_lacking_deputy_secretary: int
    stations: int
    stations_with_director: int
    stations_lacking_director: int
    deputy_secretaries_serving: int
    deputy_secretaries_certified: int
    directors_serving: int
    directors_certified: int
    officers_ever_certified: int
    cadres_ever_certified: int


class Activity(Answer):
    occurred_at: datetime
    service: str
    event_type: str
    label_zh: str
    label_en: str
    township_code: str | None
    station_code: str | None
    village_code: str | None


class Figures(Answer):
    """Figures of a range of days (``from`` .. ``to``, both included, China time)."""

    from_: date = Field(alias="from")
    to: date


class DisputeFigures(Answer):
    received: int
    open: int
    in_mediation: int
    resolved: int
    failed: int
    escalated: dict[str, int] = Field(description="By level escalated to (township, court).")
    referred_to_court: int
    withdrawn: int
    resolution_rate_percent: float | None
    median_days_to_resolve: float | None


class DisputeSummary(DisputeFigures, Figures):
    pass


class VillageDisputes(DisputeFigures):
    village_code: str
    name_zh: str | None
    name_en: str | None
    township_code: str | None


class BacklogBucket(Answer):
    age: str
    disputes: int
    with_running_since: int
    median_days_running_before_registration: float | None


class Backlog(Answer):
    as_of: date
    open: int
    buckets: list[BacklogBucket]


class Suppressible(Answer):
    """Lead figures that can single out an informant: a suppressed one is null and its path (``received``,
    ``received_by_channel.hotline``) is listed in ``suppressed``; show it as "<" + ``suppressed_below``."""

    suppressed: list[str] = Field(description="Paths of the figures suppressed as small counts (null).")
    suppressed_below: int = Field(description="Counts below this are suppressed: show them as '<n'.")


class LeadFigures(Suppressible):
    received: int | None
    verified: int | None
    dismissed: int | None
    outcomes: int | None
    fugitives_arrested: int | None
    open: int | None
    overdue: int | None


class LeadSummary(LeadFigures, Figures):
    received_by_channel: dict[str, int | None]
    received_by_category: dict[str, int | None]
    dismissed_by_reason: dict[str, int | None]
    outcomes_by_kind: dict[str, int | None]


class LeadStation(LeadFigures):
    station_code: str
    name_zh: str | None
    name_en: str | None
