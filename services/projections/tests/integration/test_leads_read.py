"""Read model "leads" and its API: exact figures of a small scenario by China days, overdue leads as of
the range's end, rows per station, scoping, replay safety, 422s, and informant protection: no column
for it, and no trace of an informant's reference or contact anywhere in the read models."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta

import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import InformantContactRevealed
from govgrid.catalogue.tips import InformantContactShredded
from govgrid.catalogue.tips import InformantRevealRefused
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadOutcome
from govgrid.catalogue.tips import LeadOutcomeRecorded
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.catalogue.tips import RevealRefusal
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.leads import LEADS
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.conftest import every_row
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import GRIDS
from services.projections.tests.integration.test_patrols_read import NOVEMBER
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import cst
from services.projections.tests.integration.test_patrols_read import feed
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation
from services.projections.tests.integration.test_patrols_read import pick

INFORMANT_REF = "0123456789abcdef0123456789abcdef"
CONTACT = "王五 13912345678 wx_wangwu"


class Lead:
    """The events of one lead as the tips service files them: all under the jurisdiction of receipt."""

    def __init__(
        self,
        lead_id: str,
        village: str,
        channel: LeadChannel,
        category: LeadCategory,
        received_at: datetime,
        informant_ref: str | None = None,
    ) -> None:
        self.lead_id = lead_id
        township, station = VILLAGES[village]
        self.stream = Stream(
            f"lead-{lead_id}", Jurisdiction(township=township, station=station, village=village)
        )
        self.events: list[EventEnvelope] = []
        received = LeadReceived(
            lead_id=lead_id,
            channel=channel,
            category=category,
            village_code=village,
            station_code=station,
            description=f"举报人{CONTACT}称村口有可疑人员",
            informant_ref=informant_ref,
            anonymous=informant_ref is None,
            received_at=received_at,
            triage_due_at=received_at + timedelta(hours=24),
        )
        self._add(received, received_at)

    def _add(self, payload: DomainEvent, at: date | datetime) -> Lead:
        self.events.append(self.stream.next(payload, at))
        return self

    def triage(self, at: datetime, priority: LeadPriority, due: datetime) -> Lead:
        return self._add(LeadTriaged(lead_id=self.lead_id, priority=priority, due_at=due, triaged_at=at), at)

    def verify(self, on: date) -> Lead:
        return self._add(LeadVerified(lead_id=self.lead_id, verified_on=on), on)

    def dismiss(self, on: date, reason: DismissalReason) -> Lead:
        return self._add(LeadDismissed(lead_id=self.lead_id, reason=reason, dismissed_on=on), on)

    def outcome(self, on: date, outcome: LeadOutcome, case_number: str | None = None) -> Lead:
        recorded = LeadOutcomeRecorded(
            lead_id=self.lead_id, outcome=outcome, case_number=case_number, outcome_on=on
        )
        return self._add(recorded, on)

    def close(self, on: date, shred_on: date | None = None) -> Lead:
        return self._add(
            LeadClosed(lead_id=self.lead_id, closed_on=on, informant_contact_shred_on=shred_on), on
        )


def d(month: int, day: int) -> date:
    return date(2023, month, day)


L1 = (  # V1 (S01, T01), with an informant: an arrest and a case
    Lead(
        "L1",
        "V1",
        LeadChannel.WECHAT_GROUP,
        LeadCategory.FUGITIVE,
        cst("2023-11-02T10:00+08:00"),
        INFORMANT_REF,
    )
    .triage(cst("2023-11-02T11:00+08:00"), LeadPriority.HIGH, cst("2023-11-05T10:00+08:00"))
    .verify(d(11, 3))
    .outcome(d(11, 4), LeadOutcome.FUGITIVE_ARRESTED, "A-1")
    .outcome(d(11, 4), LeadOutcome.CASE_OPENED, "A-2")
    .close(d(11, 5), shred_on=date(2024, 5, 3))
)
L1.events.extend(
    [  # the informant's audit trail: not the read models' business
        L1.stream.next(
            InformantContactRevealed(
                lead_id="L1",
                informant_ref=INFORMANT_REF,
                by="P001",
                role="station_officer",
                reason=f"回访{CONTACT}",
            ),
            d(11, 6),
        ),
        L1.stream.next(
            InformantRevealRefused(
                lead_id="L1",
                by="P009",
                role="village_cadre",
                reason=f"想联系{CONTACT}",
                refusal=RevealRefusal.ROLE_NOT_ALLOWED,
            ),
            d(11, 6),
        ),
        L1.stream.next(
            InformantContactShredded(lead_id="L1", informant_ref=INFORMANT_REF, shredded_on=d(11, 7)),
            d(11, 7),
        ),
    ]
)
L2 = (  # V2 (S01, T02): a duplicate
    Lead("L2", "V2", LeadChannel.HOTLINE, LeadCategory.FRAUD, cst("2023-11-10T09:00+08:00"))
    .triage(cst("2023-11-10T10:00+08:00"), LeadPriority.NORMAL, cst("2023-11-17T09:00+08:00"))
    .dismiss(d(11, 12), DismissalReason.DUPLICATE)
    .close(d(11, 12))
)
# V3 (S02): never triaged; its triage was due on the evening of 29 November.
L3 = Lead("L3", "V3", LeadChannel.IN_PERSON, LeadCategory.DRUGS, cst("2023-11-28T20:00+08:00"))
L4 = Lead("L4", "V1", LeadChannel.APP, LeadCategory.THEFT, cst("2023-11-25T08:00+08:00")).triage(
    cst("2023-11-25T09:00+08:00"), LeadPriority.URGENT, cst("2023-11-26T08:00+08:00")
)  # a decision was due on 26 November
L5 = Lead(  # triaged in time, a decision due in December
    "L5", "V1", LeadChannel.JOINT_DEFENCE_DIRECTOR, LeadCategory.SAFETY_HAZARD, cst("2023-11-29T08:00+08:00")
).triage(cst("2023-11-29T12:00+08:00"), LeadPriority.LOW, cst("2023-12-13T08:00+08:00"))
L6 = (  # V3 (S02): received in October, the arrest in November
    Lead("L6", "V3", LeadChannel.WECHAT_GROUP, LeadCategory.FUGITIVE, cst("2023-10-20T09:00+08:00"))
    .triage(cst("2023-10-20T10:00+08:00"), LeadPriority.URGENT, cst("2023-10-21T09:00+08:00"))
    .verify(d(10, 20))
    .outcome(d(11, 8), LeadOutcome.FUGITIVE_ARRESTED, "B-1")
    .close(d(11, 9))
)
# V3: 30 November in UTC, 1 December in China.
L7 = Lead("L7", "V3", LeadChannel.HOTLINE, LeadCategory.OTHER, cst("2023-11-30T17:00+00:00"))

HISTORY = [*organisation(VILLAGES, GRIDS), *(e for lead in (L1, L2, L3, L4, L5, L6, L7) for e in lead.events)]

FIGURES = ("received", "verified", "dismissed", "outcomes", "fugitives_arrested", "open", "overdue")


async def test_city_summary_of_november(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    november = await get(read_api, f"/leads/summary?{NOVEMBER}")
    assert november == {
        "from": "2023-11-01",
        "to": "2023-11-30",
        "received": 5,  # L1-L5; L7 is December's in China
        "verified": 1,
        "dismissed": 1,
        "outcomes": 3,
        "fugitives_arrested": 2,  # L1 and L6
        "open": 3,  # L3, L4, L5
        "overdue": 2,  # L3 (triage), L4 (decision)
        "received_by_channel": {
            "wechat_group": 1,
            "hotline": 1,
            "in_person": 1,
            "joint_defence_director": 1,
            "app": 1,
        },
        "received_by_category": {
            "fugitive": 1,
            "drugs": 1,
            "fraud": 1,
            "theft": 1,
            "safety_hazard": 1,
            "dispute": 0,
            "other": 0,
        },
        "dismissed_by_reason": {
            "unfounded": 0,
            "duplicate": 1,
            "insufficient_information": 0,
            "not_a_police_matter": 0,
            "other": 0,
        },
        "outcomes_by_kind": {
            "fugitive_arrested": 2,
            "case_opened": 1,
            "hazard_removed": 0,
            "referred_to_mediation": 0,
        },
        "suppressed": [],  # the city sees every count
        "suppressed_below": 3,
    }
    # As of the end of 28 November: L3's triage was not due yet, L5 not received.
    earlier = await get(read_api, "/leads/summary?from=2023-11-01&to=2023-11-28")
    assert pick(earlier, "received", "open", "overdue") == {"received": 4, "open": 2, "overdue": 1}
    december = await get(read_api, "/leads/summary?from=2023-12-01&to=2023-12-31")
    assert pick(december, *FIGURES) == {
        "received": 1,
        "verified": 0,
        "dismissed": 0,
        "outcomes": 0,
        "fugitives_arrested": 0,
        "open": 4,
        "overdue": 4,  # L3, L4, L7 (triage) and L5 (decision due 13 December)
    }


async def test_rows_per_station(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    rows = await get(read_api, f"/leads/by-station?{NOVEMBER}")
    assert [(r["station_code"], r["name_zh"]) for r in rows] == [("S01", "S01名"), ("S02", "S02名")]
    assert [pick(r, *FIGURES) for r in rows] == [
        {
            "received": 4,
            "verified": 1,
            "dismissed": 1,
            "outcomes": 2,
            "fugitives_arrested": 1,
            "open": 2,
            "overdue": 1,
        },
        {
            "received": 1,
            "verified": 0,
            "dismissed": 0,
            "outcomes": 1,
            "fugitives_arrested": 1,
            "open": 1,
            "overdue": 1,
        },
    ]


async def test_the_caller_sees_their_jurisdiction(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    t01 = await get(read_api, f"/leads/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert pick(t01, *FIGURES) == {
        "received": 3,  # L1, L4, L5
        "verified": 1,
        "dismissed": 0,
        "outcomes": 2,
        "fugitives_arrested": 1,
        "open": 2,
        "overdue": 1,
    }
    assert await get(read_api, f"/leads/summary?{NOVEMBER}&township=T01") == t01
    s02 = await get(read_api, f"/leads/by-station?{NOVEMBER}", bearer(Role.STATION_OFFICER, "S02"))
    assert [r["station_code"] for r in s02] == ["S02"]


async def test_the_read_model_has_no_column_for_informant_data(generations: Generations) -> None:
    pool = await generations.active_pool(LEADS)
    columns = {
        (r["table_name"], r["column_name"])
        for r in await pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name LIKE 'rm\\_lead%'"
        )
    }
    assert {
        c for _, c in columns if any(w in c for w in ("informant", "contact", "anonym", "ref", "descr"))
    } == set()
    # Every column, so that one added later is looked at here first.
    assert columns == {
        *(
            ("rm_leads", c)
            for c in (
                "lead_id",
                "channel",
                "category",
                "township_code",
                "station_code",
                "village_code",
                "received_at",
                "received_on",
                "triage_due_at",
                "triaged_at",
                "due_at",
                "verified_on",
                "dismissed_on",
                "dismissal_reason",
                "closed_on",
            )
        ),
        *(("rm_lead_outcomes", c) for c in ("event_id", "lead_id", "outcome", "outcome_on")),
    }


async def test_an_informant_leaves_no_trace_in_any_read_model(generations: Generations) -> None:
    await feed(generations, HISTORY)
    for model in READ_MODELS:
        dumped = await every_row(await generations.active_pool(model))
        for secret in (INFORMANT_REF, CONTACT, "13912345678", "wx_wangwu", "王五", "A-1", "P009"):
            assert secret not in dumped, (model.name, secret)


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    paths = [f"/leads/summary?{NOVEMBER}", f"/leads/by-station?{NOVEMBER}"]
    before = [await get(read_api, path) for path in paths]
    await feed(generations, HISTORY)
    assert [await get(read_api, path) for path in paths] == before


@pytest.mark.parametrize(
    "query",
    [
        "summary?from=2023-02-30",
        "summary?from=2023-12-01&to=2023-11-30",
        "summary?to=2100-01-01",
        "by-station?station=S01;DROP",
    ],
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/leads/{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/leads/summary")).status_code == 401
