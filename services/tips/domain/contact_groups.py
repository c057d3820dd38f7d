"""Contact groups: a village's WeChat groups (警民微信联络群, 村居安全防范群), which safety notices are
posted to. The service knows a group's village, kind and name, never its members."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.tips import ContactGroupKind
from govgrid.catalogue.tips import ContactGroupRegistered
from govgrid.envelope import StreamNaming
from govgrid.rules import KeyMustBeFree
from govgrid.rules import NotInTheFuture
from govgrid.rules import check
from govgrid.telling import registered_once

stream_id = StreamNaming("contactgroup")


@dataclass(frozen=True)
class Registration:
    """What a contact group's registration says."""

    group_id: str
    village_code: str
    kind: ContactGroupKind
    name: str
    registered_on: date


@dataclass(frozen=True)
class ContactGroup(Registration):
    """A contact group: what its registration said (nothing happens to a group after it)."""


evolve = registered_once(ContactGroup, ContactGroupRegistered)


class GroupIdMustBeFree(KeyMustBeFree):
    code = "contact_group_already_registered"
    record = "contact group"


def register(existing: ContactGroup | None, registration: Registration, *, today: date) -> list[DomainEvent]:
    check(
        GroupIdMustBeFree(existing, registration.group_id),
        NotInTheFuture("the registration", registration.registered_on, today),
    )
    return [ContactGroupRegistered(**asdict(registration))]
