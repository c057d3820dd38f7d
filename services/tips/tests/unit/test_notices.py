"""Contact groups and safety notices (安全提示): publish to a station's villages, deliver per group."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from govgrid.aggregate import fold
from govgrid.catalogue.tips import ContactGroupKind
from govgrid.catalogue.tips import ContactGroupRegistered
from govgrid.catalogue.tips import SafetyNoticeDelivered
from govgrid.catalogue.tips import SafetyNoticePublished
from services.tips.domain import contact_groups
from services.tips.domain import notices
from services.tips.domain.notices import Publication
from services.tips.domain.notices import SafetyNotice
from services.tips.tests.unit.scenario import STATION
from services.tips.tests.unit.scenario import VILLAGE
from services.tips.tests.unit.scenario import then_events
from services.tips.tests.unit.scenario import then_rule_broken

NOTICE = "b7e3c1d2a4f5e6d7c8b9a0f1e2d3c4b5"
PUBLISHED_AT = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)
NOW = PUBLISHED_AT + timedelta(days=1)
REGISTERED_ON = date(2023, 3, 1)
OTHER_VILLAGE = "XINGLONG"
GROUPS = ("QIANJIN-JM", "QIANJIN-AF")

PUBLICATION = Publication(
    notice_id=NOTICE,
    station_code=STATION,
    village_codes=(VILLAGE,),
    title="防范电信诈骗",
    body="近期冒充公检法诈骗高发，请勿向陌生账户转账。",
    published_at=PUBLISHED_AT,
)
PUBLISHED = SafetyNoticePublished(
    notice_id=NOTICE,
    station_code=STATION,
    village_codes=[VILLAGE],
    group_ids=list(GROUPS),
    title=PUBLICATION.title,
    body=PUBLICATION.body,
    published_at=PUBLISHED_AT,
)


def notice(*history: SafetyNoticeDelivered) -> SafetyNotice:
    state = fold(notices.evolve, [PUBLISHED, *history])
    assert state is not None
    return state


def delivered(
    group_id: str = GROUPS[0], at: datetime = PUBLISHED_AT + timedelta(minutes=5)
) -> SafetyNoticeDelivered:
    return SafetyNoticeDelivered(notice_id=NOTICE, group_id=group_id, delivered_at=at)


# ---------------------------------------------------------------- contact groups


def registration(name: str = "前进村警民联络群", on: date = REGISTERED_ON) -> contact_groups.Registration:
    return contact_groups.Registration(GROUPS[0], VILLAGE, ContactGroupKind.POLICE_RESIDENT, name, on)


def test_register_a_villages_contact_group_on_the_day_it_was_set_up() -> None:
    then_events(
        contact_groups.register(None, registration(), today=NOW.date()),
        [
            ContactGroupRegistered(
                group_id=GROUPS[0],
                village_code=VILLAGE,
                kind=ContactGroupKind.POLICE_RESIDENT,
                name="前进村警民联络群",
                registered_on=REGISTERED_ON,
            )
        ],
    )


def test_a_group_id_is_registered_once() -> None:
    existing = contact_groups.evolve(
        None,
        ContactGroupRegistered(
            group_id=GROUPS[0],
            village_code=VILLAGE,
            kind=ContactGroupKind.VILLAGE_SAFETY,
            name="x",
            registered_on=REGISTERED_ON,
        ),
    )
    then_rule_broken(
        "contact_group_already_registered",
        lambda: contact_groups.register(existing, registration("y"), today=NOW.date()),
    )


def test_a_group_is_not_registered_in_the_future() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: contact_groups.register(None, registration(on=date(2023, 11, 22)), today=NOW.date()),
    )


# ---------------------------------------------------------------- publish


def test_a_station_publishes_to_every_group_of_its_villages() -> None:
    then_events(notices.publish(PUBLICATION, uncovered=(), group_ids=GROUPS, now=NOW), [PUBLISHED])
    state = notice()
    assert (state.group_ids, state.deliveries) == (GROUPS, ())


def test_a_station_publishes_to_its_own_villages_only() -> None:
    error = then_rule_broken(
        "village_not_covered_by_station",
        lambda: notices.publish(PUBLICATION, uncovered=(OTHER_VILLAGE,), group_ids=GROUPS, now=NOW),
    )
    assert OTHER_VILLAGE in error.message


def test_a_notice_reaches_at_least_one_contact_group() -> None:
    then_rule_broken(
        "no_contact_groups", lambda: notices.publish(PUBLICATION, uncovered=(), group_ids=(), now=NOW)
    )


def test_a_notice_is_not_published_in_the_future() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: notices.publish(
            PUBLICATION, uncovered=(), group_ids=GROUPS, now=PUBLISHED_AT - timedelta(hours=1)
        ),
    )


# ---------------------------------------------------------------- deliver


def test_delivery_is_recorded_group_by_group() -> None:
    now = PUBLISHED_AT + timedelta(hours=1)
    then_events(
        notices.deliver(notice(), group_id=GROUPS[0], delivered_at=delivered().delivered_at, now=now),
        [delivered()],
    )
    state = notice(delivered())
    assert state.delivered_group_ids == {GROUPS[0]}
    assert [d.group_id for d in state.deliveries] == [GROUPS[0]]


def test_only_to_the_groups_it_was_published_to() -> None:
    then_rule_broken(
        "group_not_targeted",
        lambda: notices.deliver(
            notice(), group_id="XINGLONG-JM", delivered_at=PUBLISHED_AT, now=PUBLISHED_AT
        ),
    )


def test_a_group_gets_the_notice_once() -> None:
    then_rule_broken(
        "notice_already_delivered",
        lambda: notices.deliver(
            notice(delivered()), group_id=GROUPS[0], delivered_at=PUBLISHED_AT, now=PUBLISHED_AT
        ),
    )


def test_a_delivery_is_neither_before_publication_nor_in_the_future() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: notices.deliver(
            notice(), group_id=GROUPS[1], delivered_at=PUBLISHED_AT - timedelta(minutes=1), now=PUBLISHED_AT
        ),
    )
    then_rule_broken(
        "date_in_future",
        lambda: notices.deliver(
            notice(), group_id=GROUPS[1], delivered_at=PUBLISHED_AT + timedelta(hours=1), now=PUBLISHED_AT
        ),
    )
