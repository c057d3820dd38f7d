"""Read model "activity" and its API: newest first by page, as of a day, scoped to the caller; only
whitelisted event types, and none of the personal-looking data the events carry reaches the table."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue import catalogue
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.outreach import EnterpriseVisitKind
from govgrid.catalogue.outreach import EnterpriseVisitRecorded
from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.patrols import ObservationCategory
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolObservationRecorded
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.tips import InformantContactRevealed
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadReceived
from govgrid.envelope import Jurisdiction
from services.projections.generations import Generations
from services.projections.readmodels.activity import ACTIVITIES
from services.projections.readmodels.activity import ACTIVITY
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.conftest import every_row
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import cst
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get

INFORMANT_REF = "fedcba9876543210fedcba9876543210"
PERSONAL = "张三 13812345678"
S01 = Jurisdiction(station="S01")
T01_S01_V1 = Jurisdiction(township="T01", station="S01", village="V1")
T02_S01_V2 = Jurisdiction(township="T02", station="S01", village="V2")
T02_S02_V3 = Jurisdiction(township="T02", station="S02", village="V3")

patrol = Stream("patrol-P1", S01)
dispute = Stream("dispute-D1", T01_S01_V1)
lead = Stream("lead-L1", T02_S01_V2)
HISTORY = [
    patrol.next(
        PatrolScheduled(
            patrol_id="P1",
            team_id="team-S01",
            station_code="S01",
            planned_start=cst("2023-11-20T19:00+08:00"),
            planned_end=cst("2023-11-20T22:00+08:00"),
            note=f"联系{PERSONAL}",
        ),
        cst("2023-11-20T19:00+08:00"),
    ),
    patrol.next(  # not listed: a note
        PatrolObservationRecorded(
            patrol_id="P1",
            category=ObservationCategory.SAFETY_HAZARD,
            note=f"{PERSONAL}家门口电线裸露",
            observed_at=cst("2023-11-20T19:30+08:00"),
        ),
        cst("2023-11-20T19:30+08:00"),
    ),
    patrol.next(
        PatrolAborted(patrol_id="P1", aborted_at=cst("2023-11-20T19:50+08:00"), reason=f"{PERSONAL}受伤送医"),
        cst("2023-11-20T19:50+08:00"),
    ),
    Stream("person-P001", S01).next(  # not listed: a person
        PoliceOfficerRegistered(
            person_id="P001", badge_number="460001", station_code="S01", display_name="王警官"
        ),
        date(2023, 11, 20),
    ),
    dispute.next(
        DisputeRegistered(
            dispute_id="D1",
            source=DisputeSource.WALK_IN,
            village_code="V1",
            category=DisputeCategory.FAMILY,
            parties=(
                Party(label="party-A", role=PartyRole.CLAIMANT),
                Party(label="party-B", role=PartyRole.RESPONDENT),
            ),
            description=f"{PERSONAL}与其兄分家",
            registered_on=date(2023, 11, 21),
        ),
        date(2023, 11, 21),
    ),
    dispute.next(
        MediationSessionHeld(
            dispute_id="D1",
            session_number=1,
            level=MediationLevel.VILLAGE,
            held_on=date(2023, 11, 22),
            parties_present=("party-A", "party-B"),
            officials_present=("P001", "C001"),
            summary="双方陈述各自诉求",
        ),
        date(2023, 11, 22),
    ),
    lead.next(
        LeadReceived(
            lead_id="L1",
            channel=LeadChannel.HOTLINE,
            category=LeadCategory.DRUGS,
            village_code="V2",
            station_code="S01",
            description=f"举报人{PERSONAL}",
            informant_ref=INFORMANT_REF,
            anonymous=False,
            received_at=cst("2023-11-22T10:00+08:00"),
            triage_due_at=cst("2023-11-23T10:00+08:00"),
        ),
        cst("2023-11-22T10:00+08:00"),
    ),
    lead.next(  # not listed: informant protection
        InformantContactRevealed(
            lead_id="L1",
            informant_ref=INFORMANT_REF,
            by="P001",
            role="station_officer",
            reason=f"回访{PERSONAL}",
        ),
        cst("2023-11-22T11:00+08:00"),
    ),
    Stream("jobreferral-J1", T02_S02_V3).next(  # not listed: about one person
        JobReferralMade(
            referral_id="J1",
            person_ref="Rxyz-secret",
            enterprise_code="E1",
            position="包装工",
            referred_on=date(2023, 11, 23),
        ),
        date(2023, 11, 23),
    ),
    Stream("enterprisevisit-EV1", T02_S02_V3).next(
        EnterpriseVisitRecorded(
            visit_id="EV1",
            enterprise_code="E1",
            officer_person_id="P001",
            kind=EnterpriseVisitKind.SAFETY_INSPECTION,
            visited_on=date(2023, 11, 23),
            findings=("消防通道堵塞",),
        ),
        date(2023, 11, 23),
    ),
]


def item(
    at: str, service: str, event_type: str, zh: str, en: str, where: Jurisdiction
) -> dict[str, str | None]:
    return {
        "occurred_at": at,
        "service": service,
        "event_type": event_type,
        "label_zh": zh,
        "label_en": en,
        "township_code": where.township,
        "station_code": where.station,
        "village_code": where.village,
    }


VISIT = item(
    "2023-11-22T16:00:00Z",
    "outreach",
    "EnterpriseVisitRecorded",
    "走访企业",
    "Enterprise visited",
    T02_S02_V3,
)
LEAD = item("2023-11-22T02:00:00Z", "tips", "LeadReceived", "收到线索", "Lead received", S01)
SESSION = item(
    "2023-11-21T16:00:00Z",
    "mediation",
    "MediationSessionHeld",
    "调解会",
    "Mediation session held",
    T01_S01_V1,
)
REGISTERED = item(
    "2023-11-20T16:00:00Z", "mediation", "DisputeRegistered", "纠纷登记", "Dispute registered", T01_S01_V1
)
ABORTED = item("2023-11-20T11:50:00Z", "patrols", "PatrolAborted", "巡逻中止", "Patrol aborted", S01)
SCHEDULED = item("2023-11-20T11:00:00Z", "patrols", "PatrolScheduled", "巡逻排班", "Patrol scheduled", S01)


async def feed_page(
    api: httpx.AsyncClient, query: str = "", headers: dict[str, str] = ADMIN
) -> dict[str, object]:
    page: dict[str, object] = await get(api, f"/activity?as_of=2023-11-30&{query}", headers)
    return page


async def test_newest_first_by_page(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    assert await feed_page(read_api) == {
        # A lead is shown at its station only.
        "items": [VISIT, LEAD, SESSION, REGISTERED, ABORTED, SCHEDULED],
        "total": 6,
        "page": 1,
        "page_size": 50,
    }
    second = await feed_page(read_api, "page=2&page_size=2")
    assert (second["items"], second["total"]) == ([SESSION, REGISTERED], 6)
    beyond = await feed_page(read_api, "page=4&page_size=2")
    assert (beyond["items"], beyond["total"]) == ([], 6)


async def test_as_of_the_end_of_a_day(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    # The end of 21 November in China: the dispute was registered at its start.
    answer = await get(read_api, "/activity?as_of=2023-11-21")
    assert (answer["items"], answer["total"]) == ([REGISTERED, ABORTED, SCHEDULED], 3)


async def test_the_caller_sees_their_jurisdiction(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    v1 = await feed_page(read_api, headers=bearer(Role.VILLAGE_CADRE, "V1"))
    assert v1["items"] == [SESSION, REGISTERED]
    t02 = await feed_page(read_api, headers=bearer(Role.TOWNSHIP_OFFICER, "T02"))
    assert t02["items"] == [VISIT]  # the lead of V2 is shown to its station only
    s01 = await feed_page(read_api, "village=V1", bearer(Role.STATION_OFFICER, "S01"))
    assert s01["items"] == [SESSION, REGISTERED]


async def test_no_personal_data_reaches_the_table(generations: Generations) -> None:
    await feed(generations, HISTORY)
    dumped = await every_row(await generations.active_pool(ACTIVITY))
    for personal in (
        "张三",
        "13812345678",
        "party-A",
        "P001",
        "C001",
        "王警官",
        "460001",
        INFORMANT_REF,
        "Rxyz-secret",
        "包装工",
        "消防通道堵塞",
        "双方陈述",
    ):
        assert personal not in dumped, personal


def test_the_whitelist_names_events_of_the_services_read_and_nothing_about_people() -> None:
    service_of = {entry.event_type: entry.service for entry in catalogue.entries()}
    assert {service_of[t] for t in ACTIVITIES} == ACTIVITY.services
    for about_someone in (
        "PoliceOfficerRegistered",
        "VillageCadreRegistered",
        "PoliceOfficerTransferred",
        "PersonLeftService",
        "InformantContactRevealed",
        "InformantRevealRefused",
        "InformantContactShredded",
        "JobReferralMade",
        "JobReferralOutcomeRecorded",
        "PatrolTeamMemberJoined",
        "DisputePartiesAdded",
    ):
        assert about_someone not in ACTIVITY.appliers


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    before = await feed_page(read_api)
    await feed(generations, HISTORY)
    assert await feed_page(read_api) == before


@pytest.mark.parametrize(
    "query", ["page=0", "page_size=501", "page_size=x", "as_of=2023-13-01", "township=%20"]
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/activity?{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/activity")).status_code == 401
