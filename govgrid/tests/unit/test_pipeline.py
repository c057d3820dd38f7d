"""govgrid.service.pipeline on the in-memory event store: ``Aggregate.decide`` (role, record and
jurisdiction before the rule, which gets the command's fields and the context), ``Aggregate.named``
(a record named in a body is a rule, 409, not a 404) and ``refused`` (a 403 answered, not raised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from pydantic import BaseModel

from govgrid.auth import Role
from govgrid.auth.principal import Principal
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.commands import CommandContext
from govgrid.envelope import Jurisdiction
from govgrid.errors import Forbidden
from govgrid.errors import NotFound
from govgrid.errors import RuleBroken
from govgrid.eventstore.memory import InMemoryEventStore
from govgrid.service import Aggregate
from govgrid.service.pipeline import refused


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    name_en: str


def evolve(state: Unit | None, event: DomainEvent) -> Unit:
    assert isinstance(event, OrganisationUnitRegistered | OrganisationUnitRenamed)
    return Unit(event.code, event.name_zh, event.name_en)


class Uow:
    def __init__(self) -> None:
        self.events = InMemoryEventStore()


DAYS_ASKED: list[date] = []


async def in_village(uow: Uow, unit: Unit, on: date) -> Jurisdiction:
    DAYS_ASKED.append(on)
    return Jurisdiction(village=unit.code)


UNIT: Aggregate[Unit, Uow] = Aggregate("unit", lambda code: f"unit-{code}", evolve, in_village)


class Rename(BaseModel):
    name_zh: str
    name_en: str


def rename(unit: Unit, *, name_zh: str, name_en: str, suffix: str) -> list[DomainEvent]:
    return [OrganisationUnitRenamed(code=unit.code, name_zh=name_zh, name_en=f"{name_en}{suffix}")]


def ctx(role: Role, *codes: str) -> CommandContext:
    return CommandContext(Principal("someone", role, frozenset(codes)))


async def registered(code: str) -> Uow:
    uow = Uow()
    registration = OrganisationUnitRegistered(
        code=code, kind=OrgUnitKind.VILLAGE, name_zh="旧", name_en="Old"
    )
    where = lambda: in_village(uow, Unit(code, "", ""), date(2025, 1, 1))  # noqa: E731
    t = await UNIT.create(uow, ctx(Role.CITY_ADMIN), code, frozenset({Role.CITY_ADMIN}), where)
    await t.record([registration])
    return uow


async def test_decide_gives_the_rule_every_field_and_the_context_on_the_acts_day() -> None:
    uow = await registered("V1")
    DAYS_ASKED.clear()
    on = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)  # 2 March in China
    answer = await UNIT.decide(
        uow,
        ctx(Role.STATION_OFFICER, "V1"),
        "V1",
        frozenset({Role.STATION_OFFICER}),
        rename,
        Rename(name_zh="新", name_en="New"),
        on=on,
        suffix="!",
    )
    assert (answer.status_code, answer.body["name_en"], answer.body["version"]) == (200, "New!", 2)
    assert [date(2025, 3, 2)] == DAYS_ASKED  # the jurisdiction is judged on the act's day in China
    (_, renamed) = await uow.events.read_stream("unit-V1")
    assert renamed.occurred_at == on
    assert renamed.jurisdiction == Jurisdiction(village="V1")


async def test_decide_checks_role_record_and_jurisdiction_before_the_rule() -> None:
    uow = await registered("V1")
    command = Rename(name_zh="新", name_en="New")

    def never(unit: Unit, **fields: object) -> list[DomainEvent]:
        raise AssertionError("the rule ran before the caller was allowed")

    officers = frozenset({Role.STATION_OFFICER})
    with pytest.raises(Forbidden):  # role
        await UNIT.decide(uow, ctx(Role.VILLAGE_CADRE, "V1"), "V1", officers, never, command)
    with pytest.raises(NotFound):  # record
        await UNIT.decide(uow, ctx(Role.STATION_OFFICER, "V1"), "V9", officers, never, command)
    with pytest.raises(Forbidden):  # jurisdiction
        await UNIT.decide(uow, ctx(Role.STATION_OFFICER, "V2"), "V1", officers, never, command)


async def test_a_record_named_in_a_body_is_a_rule_when_unknown() -> None:
    uow = await registered("V1")
    assert await UNIT.named(uow, "V1", "unknown_unit") == Unit("V1", "旧", "Old")
    with pytest.raises(RuleBroken) as unknown:
        await UNIT.named(uow, "V9", "unknown_unit")
    assert (unknown.value.code, unknown.value.message) == ("unknown_unit", "no unit 'V9'")


def test_a_refusal_answered_has_the_one_error_body() -> None:
    context = ctx(Role.STATION_OFFICER)
    answer = refused(context, "not yours")
    assert answer.status_code == 403
    assert answer.body == {
        "error": "forbidden",
        "detail": "not yours",
        "correlation_id": str(context.correlation_id),
    }
