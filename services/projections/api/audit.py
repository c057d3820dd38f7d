"""The read audit (who looked at what, services/projections/audit.py), for the city admin only."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Query
from pydantic import Field

from govgrid.auth import Principal
from govgrid.auth import Role
from govgrid.auth import require_role
from govgrid.china_time import occurred_on
from govgrid.web.parameters import day_parameter
from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.answers import Paged
from services.projections.api.dependencies import FIRST_DAY
from services.projections.api.dependencies import LAST_DAY
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import Paging
from services.projections.api.dependencies import get_generations
from services.projections.generations import Generations

router = APIRouter(prefix="/audit", tags=["audit"], responses=READ_ERRORS, dependencies=RECORDED)

# Printable text only: a NUL byte is not text to PostgreSQL.
Text = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]

MATCHING = """
  FROM read_audit
 WHERE ($1::text IS NULL OR subject = $1)
   AND ($2::text IS NULL OR endpoint = $2)
   AND ($3::timestamptz IS NULL OR requested_at >= $3)
   AND ($4::timestamptz IS NULL OR requested_at < $4)
"""
READS = f"""
SELECT requested_at, subject, role, jurisdiction, method, endpoint, path, query, status, correlation_id
{MATCHING}
 ORDER BY requested_at DESC, id DESC
 LIMIT $5 OFFSET $6
"""


class ReadRecorded(Answer):
    requested_at: datetime
    subject: str | None = Field(description="Who the token named; null: no valid token.")
    role: str | None
    jurisdiction: list[str] | None
    method: str
    endpoint: str = Field(description="The route (/leads/summary), or the path when none matched.")
    path: str
    query: str
    status: int
    correlation_id: str | None


@router.get(
    "/reads",
    response_model=Paged[ReadRecorded],
    summary="Reads of the read API, newest first, by caller, endpoint and China days (city admin only)",
)
async def reads(
    _admin: Annotated[Principal, Depends(require_role(Role.CITY_ADMIN))],
    generations: Annotated[Generations, Depends(get_generations)],
    page: Paging,
    subject: Text = None,
    endpoint: Text = None,
    from_: Annotated[
        date | None, day_parameter("First day (China time).", alias="from", first=FIRST_DAY, last=LAST_DAY)
    ] = None,
    to: Annotated[
        date | None, day_parameter("Last day (China time).", first=FIRST_DAY, last=LAST_DAY)
    ] = None,
) -> dict[str, Any]:
    since = occurred_on(from_) if from_ else None
    until = occurred_on(to + timedelta(days=1)) if to else None
    matching = (subject, endpoint, since, until)
    rows = await generations.control.fetch(READS, *matching, page.size, page.offset)
    return {
        "items": [dict(r) for r in rows],
        "total": await generations.control.fetchval(f"SELECT count(*) {MATCHING}", *matching),
        "page": page.number,
        "page_size": page.size,
    }
