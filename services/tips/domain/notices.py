"""Safety notices (安全提示): a police station publishes a notice to the contact groups of its
villages, then records its delivery group by group."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.tips import SafetyNoticeDelivered
from govgrid.catalogue.tips import SafetyNoticePublished
from govgrid.envelope import StreamNaming
from govgrid.rules import BusinessRule
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import telling
from govgrid.telling import told_by
from services.tips.domain.timing import CLOCK_SKEW

stream_id = StreamNaming("notice")


@dataclass(frozen=True)
class Delivery:
    group_id: str
    delivered_at: datetime


@dataclass(frozen=True)
class SafetyNotice:
    notice_id: str
    station_code: str
    village_codes: tuple[str, ...]
    group_ids: tuple[str, ...]
    title: str
    body: str
    published_at: datetime
    deliveries: tuple[Delivery, ...] = ()

    @property
    def delivered_group_ids(self) -> frozenset[str]:
        return frozenset(d.group_id for d in self.deliveries)


def evolve(state: SafetyNotice | None, event: DomainEvent) -> SafetyNotice:
    match event:
        case SafetyNoticePublished():
            return told_by(SafetyNotice, event)
        case SafetyNoticeDelivered() if state is not None:
            return replace(state, deliveries=(*state.deliveries, told_by(Delivery, event)))
    raise CannotApply(event, state)


class VillagesMustBeCoveredByStation(BusinessRule):
    """A station publishes to its own villages only."""

    code = "village_not_covered_by_station"
    station_code: str
    uncovered: tuple[str, ...]

    def is_broken(self) -> bool:
        return bool(self.uncovered)

    def message(self) -> str:
        return f"station {self.station_code} does not cover {', '.join(self.uncovered)}"


class MustReachAContactGroup(BusinessRule):
    code = "no_contact_groups"
    village_codes: tuple[str, ...]
    group_ids: tuple[str, ...]

    def is_broken(self) -> bool:
        return not self.group_ids

    def message(self) -> str:
        villages = ", ".join(self.village_codes) or "no village"
        return f"no contact group is registered for {villages}"


@broken_if("group_not_targeted", "notice {notice.notice_id} was not published to group {group_id}")
def GroupMustBeTargeted(notice: SafetyNotice, group_id: str) -> bool:
    return group_id not in notice.group_ids


@broken_if("notice_already_delivered", "notice {notice.notice_id} was already delivered to group {group_id}")
def DeliveredOnce(notice: SafetyNotice, group_id: str) -> bool:
    return group_id in notice.delivered_group_ids


@dataclass(frozen=True)
class Publication:
    notice_id: str
    station_code: str
    village_codes: tuple[str, ...]
    title: str
    body: str
    published_at: datetime


def publish(
    publication: Publication, *, uncovered: tuple[str, ...], group_ids: tuple[str, ...], now: datetime
) -> list[DomainEvent]:
    """``uncovered``: the villages the station does not cover on the day of publication; ``group_ids``:
    the contact groups of the villages."""
    p = publication
    check(
        NotInTheFuture("the publication", p.published_at, now + CLOCK_SKEW),
        VillagesMustBeCoveredByStation(p.station_code, uncovered),
        MustReachAContactGroup(p.village_codes, group_ids),
    )
    return [telling(SafetyNoticePublished, p, group_ids=list(group_ids))]


def deliver(
    notice: SafetyNotice, *, group_id: str, delivered_at: datetime, now: datetime
) -> list[DomainEvent]:
    check(
        GroupMustBeTargeted(notice, group_id),
        DeliveredOnce(notice, group_id),
        NotInTheFuture("the delivery", delivered_at, now + CLOCK_SKEW),
        NotBefore("the delivery", delivered_at, notice.published_at),
    )
    return [SafetyNoticeDelivered(notice_id=notice.notice_id, group_id=group_id, delivered_at=delivered_at)]
