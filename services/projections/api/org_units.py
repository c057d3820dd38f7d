"""The organisation registry as the read side knows it: for the dashboard's drill-down."""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Query

from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import OrgUnit
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import CallerScope
from services.projections.api.dependencies import Code
from services.projections.api.dependencies import CoverageModel
from services.projections.queries import coverage

router = APIRouter(
    prefix="/org-units", tags=["organisation units"], responses=READ_ERRORS, dependencies=RECORDED
)

Kind = Literal["city", "township", "subdistrict_office", "police_station", "village", "community", "grid"]


@router.get(
    "", response_model=list[OrgUnit], summary="Organisation units the caller may see, by kind and parent"
)
async def list_units(
    pool: CoverageModel, scope: CallerScope, kind: Annotated[Kind | None, Query()] = None, parent: Code = None
) -> list[dict[str, Any]]:
    return await coverage.org_units(pool, scope, kind, parent)
