"""Business rules as named, testable objects (one class per rule, in the service's domain).

A rule knows its stable machine-readable ``code`` (the 409 body's ``error``), when it is broken and
what it says then; ``check`` raises RuleBroken for the first broken rule.
"""

from __future__ import annotations

import re
import string
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar, dataclass_transform

from govgrid.errors import RuleBroken


@dataclass_transform(frozen_default=True)
class BusinessRule(ABC):
    """A rule is a frozen dataclass of what it reads (a subclass is made one: no decorator to write).

    ``says`` is its message, a ``str.format`` template over those fields (``"lead {lead.lead_id} was
    closed on {lead.closed_on}"``), checked against them when the class is made; a rule whose message
    needs more than the fields' attributes overrides ``message()`` instead."""

    code: ClassVar[str]
    says: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
        if "says" in cls.__dict__:
            named = {f.name for f in fields(cls)}  # type: ignore[arg-type]
            for _, field, _, _ in string.Formatter().parse(cls.says):
                if field is not None and re.split(r"[.\[]", field)[0] not in named:
                    raise TypeError(f"{cls.__name__}.says names {field!r}, not a field of the rule")

    @abstractmethod
    def is_broken(self) -> bool: ...

    def message(self) -> str:
        return self.says.format_map({f.name: getattr(self, f.name) for f in fields(self)})  # type: ignore[arg-type]


def check(*rules: BusinessRule) -> None:
    for rule in rules:
        if rule.is_broken():
            raise RuleBroken(rule.code, rule.message())


# Rules about a registry's records, named by their key (a code or an id). A service's subclass names the
# record (``record``, as the message says it) and keeps its own stable code.


class _RecordRule(BusinessRule):
    """A rule about ``found``, the registry's record under ``key`` (None: no record holds it)."""

    record: ClassVar[str]
    found: object | None
    key: str


class KeyMustBeFree(_RecordRule):
    """A registration takes a key no record holds yet."""

    def is_broken(self) -> bool:
        return self.found is not None

    def message(self) -> str:
        return f"{self.record} {self.key} is already registered"


class MustBeRegistered(_RecordRule):
    """A record named in a command is registered: nothing is recorded about it before that."""

    def is_broken(self) -> bool:
        return self.found is None

    def message(self) -> str:
        return f"{self.record} {self.key} is not registered"


# Rules every service applies to the dates of the acts it records: one class, one code each.


class NotInTheFuture(BusinessRule):
    """An act is recorded once it happened: ``when`` (a day, or a moment) is ``latest`` (today in
    China, or now) at the latest."""

    code = "date_in_future"
    what: str
    when: date
    latest: date

    def is_broken(self) -> bool:
        return self.when > self.latest

    def message(self) -> str:
        return f"{self.what} ({self.when.isoformat()}) is in the future: record it once it happened"


class NotBefore(BusinessRule):
    """``what`` (on ``when``) cannot be before ``earliest`` (both days, or both moments)."""

    code = "dates_incoherent"
    what: str
    when: date
    earliest: date
    earliest_what: str = ""

    def is_broken(self) -> bool:
        return self.when < self.earliest

    def message(self) -> str:
        earliest = self.earliest.isoformat()
        if self.earliest_what:
            earliest = f"{self.earliest_what} ({earliest})"
        return f"{self.what} ({self.when.isoformat()}) cannot be before {earliest}"
