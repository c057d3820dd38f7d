"""The map (GeoJSON): villages coloured by coverage, disputes or leads, and a station's patrol
checkpoints. Served by the platform itself: the dashboard draws it without tiles from the internet."""

from __future__ import annotations

from typing import Any
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from pydantic import Field

from govgrid.errors import InvalidInput
from services.projections.api.answers import READ_ERRORS
from services.projections.api.answers import Answer
from services.projections.api.dependencies import RECORDED
from services.projections.api.dependencies import CoverageModel
from services.projections.api.dependencies import DateRange
from services.projections.api.dependencies import DisputesModel
from services.projections.api.dependencies import LeadsModel
from services.projections.api.dependencies import PatrolsModel
from services.projections.api.dependencies import RangeScope
from services.projections.api.dependencies import SmallCountsRule
from services.projections.queries import maps as geo

router = APIRouter(prefix="/map", tags=["map"], responses=READ_ERRORS, dependencies=RECORDED)


# [longitude, latitude], RFC 7946.
Position = tuple[float, float]


class Point(BaseModel):
    type: Literal["Point"]
    coordinates: Position


class Polygon(BaseModel):
    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class VillageProperties(Answer):
    code: str
    name_zh: str
    name_en: str
    township_code: str | None
    station_code: str | None = Field(description="The station covering it on `to`.")
    centre: Position = Field(description="Its point, where its marker goes (also when it has a boundary).")
    has_deputy_secretary: bool = Field(description="A police deputy party secretary serving on `to`.")
    disputes_received: int = Field(description="Disputes registered from `from` to `to`.")
    leads_received: int | None = Field(
        description="Leads received from `from` to `to`; null below city level where the count could single"
        " out an informant (fewer than `suppressed_below`, or a count that would give such a one back)."
    )


class VillageFeature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: Point | Polygon = Field(description="Its boundary when known, else its point.")
    properties: VillageProperties


class VillageMap(Answer):
    type: Literal["FeatureCollection"]
    from_: str = Field(alias="from")
    to: str
    unlocated: int = Field(description="Villages in the scope whose location the registry lacks.")
    suppressed_below: int = Field(description="A village's lead count below this is null (small counts).")
    features: list[VillageFeature]


class CheckpointProperties(Answer):
    patrol_id: str
    grid_code: str
    visited_at: str


class CheckpointFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Point
    properties: CheckpointProperties


class CheckpointMap(Answer):
    type: Literal["FeatureCollection"]
    from_: str = Field(alias="from")
    to: str
    truncated: bool = Field(description=f"More than {geo.CHECKPOINT_LIMIT} visits: the latest are given.")
    features: list[CheckpointFeature]


@router.get(
    "/villages",
    response_model=VillageMap,
    response_model_by_alias=True,
    summary="Villages with a location (GeoJSON): coverage on `to`, disputes and leads received in the range",
)
async def villages(
    coverage_pool: CoverageModel,
    disputes_pool: DisputesModel,
    leads_pool: LeadsModel,
    scope: RangeScope,
    days: DateRange,
    small: SmallCountsRule,
) -> dict[str, Any]:
    return await geo.villages(coverage_pool, disputes_pool, leads_pool, scope, days.first, days.last, small)


@router.get(
    "/checkpoints",
    response_model=CheckpointMap,
    response_model_by_alias=True,
    summary="A police station's patrol checkpoints visited in the range, where the phone gave a location",
)
async def checkpoints(pool: PatrolsModel, scope: RangeScope, days: DateRange) -> dict[str, Any]:
    """`station` is required: a city's checkpoints at once would be tens of thousands of points."""
    if scope.station is None:
        raise InvalidInput(
            "a station is required", [{"field": "query.station", "reason": "which station's checkpoints"}]
        )
    return await geo.checkpoints(pool, scope, days.first, days.last)
