"""Who reads schools, enterprises and drives: decided by where they are today.

A school or an enterprise belongs to whoever is responsible for its village or community today
(township, covering station, village), even after the station covering it changed: its own stream
has a single event, filed under the station of the day it was registered. A drive is readable by its
station and by whoever can see one of its target schools (a township reads the drives that serve its
schools). Visits, cases and referrals are read by their events' jurisdiction, as everywhere else.
"""

from __future__ import annotations

from typing import Any

from govgrid.aggregate import Loaded
from govgrid.aggregate import load
from govgrid.auth import Principal
from govgrid.china_time import today_in_china
from govgrid.envelope import Jurisdiction
from govgrid.reference import OrgReference
from govgrid.service import ServiceBase
from services.outreach.domain import schools
from services.outreach.domain.drives import Drive


async def placed_today(service: ServiceBase[Any, Any], principal: Principal, loaded: Loaded[Any]) -> None:
    assert loaded.state is not None
    village = await OrgReference(service.pool).jurisdiction_of(loaded.state.village_code, today_in_china())
    principal.ensure_can_see(village)


async def drive_visible(service: ServiceBase[Any, Any], principal: Principal, loaded: Loaded[Drive]) -> None:
    assert loaded.state is not None
    station = Jurisdiction(station=loaded.state.station_code)
    if not principal.can_see(station) and not await _targets_a_visible_school(
        service, principal, loaded.state
    ):
        principal.ensure_can_see(station)  # refuses, as every other read does


async def _targets_a_visible_school(
    service: ServiceBase[Any, Any], principal: Principal, drive: Drive
) -> bool:
    today, orgs = today_in_china(), OrgReference(service.pool)
    for code in drive.target_school_codes:
        school = (await load(service.events, schools.stream_id(code), schools.evolve)).state
        if school and principal.can_see(await orgs.jurisdiction_of(school.village_code, today)):
            return True
    return False
