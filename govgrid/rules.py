"""Business rules as named, testable objects, in the service's domain.

A rule knows its stable machine-readable ``code`` (the 409 body's ``error``), when it is broken and
what it says then; ``check`` raises RuleBroken for the first broken rule.

Most rules are a test and a message: write them as a function under ``@broken_if(code, says)``
(calling it with what the rule reads makes the rule). A rule whose message is more than a template,
or a family of rules a service specialises (``KeyMustBeFree``), is a ``BusinessRule`` subclass.
"""

from __future__ import annotations

import inspect
import re
import string
from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from datetime import date
from typing import Any
from typing import ClassVar
from typing import Generic
from typing import ParamSpec
from typing import Protocol
from typing import dataclass_transform

from govgrid.errors import RuleBroken

P = ParamSpec("P")


class Rule(Protocol):
    """What ``check`` asks of a rule."""

    @property
    def code(self) -> str: ...

    def is_broken(self) -> bool: ...

    def message(self) -> str: ...


def check(*rules: Rule) -> None:
    for rule in rules:
        if rule.is_broken():
            raise RuleBroken(rule.code, rule.message())


def _check_says(name: str, says: str, reads: Collection[str]) -> None:
    """A message names only what its rule reads (checked when the rule is declared, not when broken)."""
    for _, field, _, _ in string.Formatter().parse(says):
        if field is not None and re.split(r"[.\[]", field)[0] not in reads:
            raise TypeError(f"{name}'s message names {field!r}, not something the rule reads")


def broken_if(code: str, says: str) -> Callable[[Callable[P, bool]], RuleOf[P]]:
    """``@broken_if(code, says)`` over a function that answers whether the rule is broken by its
    arguments makes that function a rule: ``MustBeTriaged(lead)`` is the rule about that lead.

    ``says`` is the message, a ``str.format`` template over the function's parameters (``"lead
    {lead.lead_id} has no priority yet"``). The function keeps its name, written as a class's since
    calling it makes a rule."""

    def declared(broken: Callable[P, bool]) -> RuleOf[P]:
        return RuleOf(code, says, broken)

    return declared


class RuleOf(Generic[P]):
    """A rule declared by ``@broken_if``: its code and message, and the test over what it reads."""

    def __init__(self, code: str, says: str, broken: Callable[P, bool]) -> None:
        self.code = code
        self.says = says
        self.broken = broken
        self.signature = inspect.signature(broken)
        _check_says(broken.__name__, says, self.signature.parameters)
        self.__name__ = broken.__name__
        self.__doc__ = broken.__doc__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> AppliedRule:
        return AppliedRule(self, args, kwargs)


@dataclass(frozen=True)
class AppliedRule:
    """A declared rule and the arguments it reads, matched to its parameters only for the message
    (most rules hold: binding them by name every time cost five times the call)."""

    rule: RuleOf[Any]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]

    @property
    def code(self) -> str:
        return self.rule.code

    def is_broken(self) -> bool:
        return self.rule.broken(*self.args, **self.kwargs)

    def message(self) -> str:
        reads = self.rule.signature.bind(*self.args, **self.kwargs)
        reads.apply_defaults()
        return self.rule.says.format_map(reads.arguments)


@dataclass_transform(frozen_default=True)
class BusinessRule(ABC):
    """A rule as a class: a frozen dataclass of what it reads (a subclass is made one: no decorator).

    ``says`` is its message, a ``str.format`` template over those fields, checked against them when
    the class is made; a rule whose message needs more than the fields' attributes overrides
    ``message()`` instead."""

    code: ClassVar[str]
    says: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
        if "says" in cls.__dict__:
            _check_says(cls.__name__, cls.says, [f.name for f in fields(cls)])  # type: ignore[arg-type]

    @abstractmethod
    def is_broken(self) -> bool: ...

    def message(self) -> str:
        return self.says.format_map({f.name: getattr(self, f.name) for f in fields(self)})  # type: ignore[arg-type]


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
