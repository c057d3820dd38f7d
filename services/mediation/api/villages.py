"""Villages as mediation sees them: the pair suggested to mediate there."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter

from govgrid.auth import CurrentPrincipal
from govgrid.china_time import today_in_china
from govgrid.service import CurrentService
from govgrid.service import registry_code
from govgrid.web.errors import error_responses
from govgrid.web.parameters import day_parameter
from services.mediation.application.mediators import suggestion_for

router = APIRouter(prefix="/villages", tags=["villages"], responses=error_responses(401, 403, 404, 422, 503))

VillageCode = registry_code()


@router.get(
    "/{code}/suggested-mediators",
    summary="The village's current dual-appointment holders: its deputy party secretary and a joint-defence "
    "director",
)
async def suggested_mediators(
    principal: CurrentPrincipal,
    service: CurrentService,
    code: str = VillageCode,
    on: Annotated[date | None, day_parameter("The day (default: today in China).")] = None,
) -> dict[str, Any]:
    return await suggestion_for(service.pool, principal, code, on or today_in_china())
