"""Read model "disputes" and its API: exact figures of a small scenario, the backlog by age as of a
day, rows per village, scoping to the caller, a village moving station, replay safety and 422s."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.generations import Generations
from services.projections.readmodels.disputes import DISPUTES
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.conftest import every_row
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import GRIDS
from services.projections.tests.integration.test_patrols_read import NOVEMBER
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation
from services.projections.tests.integration.test_patrols_read import pick

PARTIES = (Party(label="party-A", role=PartyRole.CLAIMANT), Party(label="party-B", role=PartyRole.RESPONDENT))
VILLAGE, TOWNSHIP, COURT = MediationLevel.VILLAGE, MediationLevel.TOWNSHIP, MediationLevel.COURT


class Dispute:
    """The events of one dispute as the mediation service files them: under its village's township,
    the station covering it (or ``station``, once the village has moved) and the village."""

    def __init__(self, dispute_id: str, village: str, registered_on: date, since: date | None = None) -> None:
        self.dispute_id = dispute_id
        township, station = VILLAGES[village]
        self.stream = Stream(
            f"dispute-{dispute_id}", Jurisdiction(township=township, station=station, village=village)
        )
        self.events: list[EventEnvelope] = []
        self.session = 0
        self._add(
            DisputeRegistered(
                dispute_id=dispute_id,
                source=DisputeSource.WALK_IN,
                village_code=village,
                category=DisputeCategory.NEIGHBOUR,
                parties=PARTIES,
                running_since=since,
                description="张三与李四因宅基地界线争执，电话13812345678",
                registered_on=registered_on,
            ),
            registered_on,
        )

    def _add(self, payload: DomainEvent, on: date) -> Dispute:
        self.events.append(self.stream.next(payload, on))
        return self

    def mediators(self, on: date) -> Dispute:
        return self._add(
            MediatorsAssigned(
                dispute_id=self.dispute_id, officer_person_id="P001", cadre_person_id="C001", assigned_on=on
            ),
            on,
        )

    def session_at(self, level: MediationLevel, on: date) -> Dispute:
        self.session += 1
        held = MediationSessionHeld(
            dispute_id=self.dispute_id,
            session_number=self.session,
            level=level,
            held_on=on,
            parties_present=("party-A", "party-B"),
            officials_present=("P001", "C001"),
            summary="双方陈述",
        )
        return self._add(held, on)

    def agreement(self, level: MediationLevel, on: date) -> Dispute:
        return self._add(
            AgreementReached(dispute_id=self.dispute_id, level=level, reached_on=on, terms="各让一米"), on
        )

    def failure(self, level: MediationLevel, on: date) -> Dispute:
        return self._add(
            MediationFailed(dispute_id=self.dispute_id, level=level, failed_on=on, reason="拒不到场"), on
        )

    def escalate(self, from_level: MediationLevel, to_level: MediationLevel, on: date) -> Dispute:
        escalated = DisputeEscalated(
            dispute_id=self.dispute_id, from_level=from_level, to_level=to_level, escalated_on=on
        )
        return self._add(escalated, on)

    def close(self, outcome: CloseOutcome, on: date) -> Dispute:
        return self._add(DisputeClosed(dispute_id=self.dispute_id, outcome=outcome, closed_on=on), on)


def d(month: int, day: int, year: int = 2023) -> date:
    return date(year, month, day)


D1 = (  # V1: resolved on 5 November after 16 days; it had been running for 30 days before registration
    Dispute("D1", "V1", d(10, 20), since=d(9, 20))
    .mediators(d(10, 21))
    .session_at(VILLAGE, d(10, 25))
    .agreement(VILLAGE, d(11, 5))
    .close(CloseOutcome.RESOLVED, d(11, 6))
)
D2 = (  # V1: received and resolved in November, in 10 days (not closed)
    Dispute("D2", "V1", d(11, 2))
    .mediators(d(11, 3))
    .session_at(VILLAGE, d(11, 4))
    .agreement(VILLAGE, d(11, 12))
)
D3 = (  # V2: failed at the village and at the township, then went to court
    Dispute("D3", "V2", d(11, 10))
    .mediators(d(11, 11))
    .session_at(VILLAGE, d(11, 12))
    .failure(VILLAGE, d(11, 15))
    .escalate(VILLAGE, TOWNSHIP, d(11, 16))
    .session_at(TOWNSHIP, d(11, 18))
    .failure(TOWNSHIP, d(11, 20))
    .escalate(TOWNSHIP, COURT, d(11, 25))
    .close(CloseOutcome.REFERRED_TO_COURT, d(11, 28))
)
D4 = Dispute("D4", "V3", d(11, 20), since=d(11, 14))  # V3: no pair yet
D5 = Dispute("D5", "V2", d(1, 10), since=d(12, 1, 2022)).mediators(d(1, 12))  # V2: open since January
D6 = Dispute("D6", "V1", d(11, 5)).mediators(d(11, 6)).close(CloseOutcome.WITHDRAWN, d(11, 8))
D7 = (  # V3: open for 550 days until its agreement in December
    Dispute("D7", "V3", d(6, 1, 2022))
    .mediators(d(6, 2, 2022))
    .session_at(VILLAGE, d(6, 3, 2022))
    .agreement(VILLAGE, d(12, 3))
)
D8 = Dispute("D8", "V3", d(10, 1), since=d(9, 21))  # V3: 60 days old at the end of November

HISTORY = [*organisation(VILLAGES, GRIDS), *(e for x in (D1, D2, D3, D4, D5, D6, D7, D8) for e in x.events)]


async def test_city_summary_of_november(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    november = await get(read_api, f"/disputes/summary?{NOVEMBER}")
    assert november == {
        "from": "2023-11-01",
        "to": "2023-11-30",
        "received": 4,  # D2, D3, D4, D6
        "open": 4,  # D4, D5, D7, D8
        "in_mediation": 2,  # D5, D7: a pair assigned
        "resolved": 2,  # D1, D2
        "failed": 2,  # D3 twice
        "escalated": {"township": 1, "court": 1},
        "referred_to_court": 1,
        "withdrawn": 1,
        "resolution_rate_percent": 50.0,  # 2 of D1, D2, D3 (court), D6 (withdrawn)
        "median_days_to_resolve": 13.0,  # 16 and 10
    }
    december = await get(read_api, "/disputes/summary?from=2023-12-01&to=2023-12-31")
    assert pick(
        december, "received", "resolved", "open", "resolution_rate_percent", "median_days_to_resolve"
    ) == {
        "received": 0,
        "resolved": 1,
        "open": 3,
        "resolution_rate_percent": 100.0,
        "median_days_to_resolve": 550.0,
    }
    nothing = await get(read_api, "/disputes/summary?from=2021-01-01&to=2021-12-31")
    assert pick(nothing, "received", "open", "resolution_rate_percent", "median_days_to_resolve") == {
        "received": 0,
        "open": 0,
        "resolution_rate_percent": None,
        "median_days_to_resolve": None,
    }


async def test_backlog_by_age_as_of_a_day(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    end_of_november = await get(read_api, "/disputes/backlog?as_of=2023-11-30")
    assert end_of_november == {
        "as_of": "2023-11-30",
        "open": 4,
        "buckets": [
            {  # D4, 10 days old, running 6 days before
                "age": "under_30_days",
                "disputes": 1,
                "with_running_since": 1,
                "median_days_running_before_registration": 6.0,
            },
            {  # D8, 60 days
                "age": "30_to_90_days",
                "disputes": 1,
                "with_running_since": 1,
                "median_days_running_before_registration": 10.0,
            },
            {  # D5, 324 days
                "age": "90_to_365_days",
                "disputes": 1,
                "with_running_since": 1,
                "median_days_running_before_registration": 40.0,
            },
            {  # D7, 547 days, beginning unknown
                "age": "over_365_days",
                "disputes": 1,
                "with_running_since": 0,
                "median_days_running_before_registration": None,
            },
        ],
    }
    # A month earlier D1 (11 days) was open, D8 exactly 30 days old, D4 not registered yet.
    end_of_october = await get(read_api, "/disputes/backlog?as_of=2023-10-31")
    assert [(b["age"], b["disputes"]) for b in end_of_october["buckets"]] == [
        ("under_30_days", 1),
        ("30_to_90_days", 1),
        ("90_to_365_days", 1),
        ("over_365_days", 1),
    ]
    assert end_of_october["buckets"][0]["median_days_running_before_registration"] == 30.0
    v3 = await get(read_api, "/disputes/backlog?as_of=2023-11-30", bearer(Role.VILLAGE_CADRE, "V3"))
    assert (v3["open"], [b["disputes"] for b in v3["buckets"]]) == (3, [1, 1, 0, 1])


async def test_rows_per_village(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    rows = await get(read_api, f"/disputes/by-village?{NOVEMBER}")
    assert [(r["village_code"], r["name_en"], r["township_code"]) for r in rows] == [
        ("V1", "V1 name", "T01"),
        ("V2", "V2 name", "T02"),
        ("V3", "V3 name", "T02"),
    ]
    keys = ("received", "resolved", "failed", "escalated", "withdrawn", "open", "in_mediation")
    assert [pick(r, *keys) for r in rows] == [
        {
            "received": 2,
            "resolved": 2,
            "failed": 0,
            "escalated": {"township": 0, "court": 0},
            "withdrawn": 1,
            "open": 0,
            "in_mediation": 0,
        },
        {
            "received": 1,
            "resolved": 0,
            "failed": 2,
            "escalated": {"township": 1, "court": 1},
            "withdrawn": 0,
            "open": 1,
            "in_mediation": 1,
        },
        {
            "received": 1,
            "resolved": 0,
            "failed": 0,
            "escalated": {"township": 0, "court": 0},
            "withdrawn": 0,
            "open": 3,
            "in_mediation": 1,
        },
    ]
    assert rows[0]["resolution_rate_percent"] == 66.7 and rows[0]["median_days_to_resolve"] == 13.0


async def test_the_caller_sees_their_jurisdiction(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    t01 = await get(read_api, f"/disputes/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert pick(t01, "received", "resolved", "withdrawn", "failed", "open", "resolution_rate_percent") == {
        "received": 2,
        "resolved": 2,
        "withdrawn": 1,
        "failed": 0,
        "open": 0,
        "resolution_rate_percent": 66.7,
    }
    assert await get(read_api, f"/disputes/summary?{NOVEMBER}&township=T01") == t01
    s02 = await get(read_api, f"/disputes/summary?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S02"))
    assert pick(s02, "received", "open") == {"received": 1, "open": 3}  # D4; D4, D7, D8
    # Asking for a place outside the jurisdiction gives nothing, not someone else's figures.
    outside = await get(
        read_api, f"/disputes/summary?{NOVEMBER}&village=V1", bearer(Role.STATION_OFFICER, "S02")
    )
    assert pick(outside, "received", "resolved") == {"received": 0, "resolved": 0}
    villages = await get(read_api, f"/disputes/by-village?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert [r["village_code"] for r in villages] == ["V1"]


async def test_an_open_dispute_follows_its_village_to_another_station(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    # V2 moves from S01 to S02 on 15 December (one command of the registry: an end and a start).
    village = Stream("orgunit-V2", Jurisdiction(township="T02", station="S01", village="V2"))
    move = [
        village.next(
            VillageCoverageEnded(station_code="S01", village_code="V2", effective_until=d(12, 14)), d(12, 14)
        ),
        village.next(
            VillageCoverageAssigned(station_code="S02", village_code="V2", effective_from=d(12, 15)),
            d(12, 14),
        ),
    ]
    moved = Dispute("D9", "V2", d(12, 1))
    moved.stream.jurisdiction = Jurisdiction(township="T02", station="S02", village="V2")  # from 15 December
    moved.session_at(VILLAGE, d(12, 16))
    await feed(generations, [*organisation(VILLAGES, GRIDS), *move, *moved.events])
    december = "from=2023-12-01&to=2023-12-31"
    assert pick(await get(read_api, f"/disputes/summary?{december}&station=S02"), "received", "open") == {
        "received": 0,
        "open": 1,
    }
    assert pick(await get(read_api, f"/disputes/summary?{december}&station=S01"), "received", "open") == {
        "received": 1,  # received while V2 was S01's: it stays so
        "open": 0,
    }
    before = "from=2023-12-01&to=2023-12-14"
    assert (await get(read_api, f"/disputes/summary?{before}&station=S01"))["open"] == 1
    assert (await get(read_api, f"/disputes/summary?{before}&station=S02"))["open"] == 0


async def test_nothing_of_the_parties_reaches_the_read_model(generations: Generations) -> None:
    await feed(generations, HISTORY)
    dumped = await every_row(await generations.active_pool(DISPUTES))
    for personal in (
        "party-A",
        "party-B",
        "P001",
        "C001",
        "张三",
        "13812345678",
        "双方陈述",
        "各让一米",
        "拒不到场",
    ):
        assert personal not in dumped


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    paths = [
        f"/disputes/summary?{NOVEMBER}",
        f"/disputes/by-village?{NOVEMBER}",
        "/disputes/backlog?as_of=2023-11-30",
    ]
    before = [await get(read_api, path) for path in paths]
    await feed(generations, HISTORY)
    assert [await get(read_api, path) for path in paths] == before


async def test_an_act_whose_registration_is_missing_is_parked(generations: Generations) -> None:
    rest = D2.events[1:]  # without its registration
    await feed(generations, rest)
    pool = await generations.active_pool(DISPUTES)
    reasons = [
        r["reason"] for r in await pool.fetch("SELECT reason FROM parked_events ORDER BY stream_version")
    ]
    assert len(reasons) == len(rest) and "dispute D2 is not in the read model" in reasons[0]


@pytest.mark.parametrize(
    "query",
    [
        "summary?from=2023-02-30",
        "summary?from=2023-12-01&to=2023-11-30",
        "summary?to=1999-12-31",
        "backlog?as_of=yesterday",
        "by-village?village=bad%20code",
    ],
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/disputes/{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/disputes/backlog")).status_code == 401
