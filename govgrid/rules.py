"""Business rules as named, testable objects (one class per rule, in the service's domain).

A rule knows its stable machine-readable ``code`` (the 409 body's ``error``) and when it is broken;
``check`` raises RuleBroken for the first broken rule.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from govgrid.errors import RuleBroken


class BusinessRule(ABC):
    code: ClassVar[str]

    @abstractmethod
    def is_broken(self) -> bool: ...

    @abstractmethod
    def message(self) -> str: ...


def check(*rules: BusinessRule) -> None:
    for rule in rules:
        if rule.is_broken():
            raise RuleBroken(rule.code, rule.message())
