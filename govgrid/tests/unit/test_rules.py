"""The kernel's two ways to write a rule: ``@broken_if`` over a test, and a ``BusinessRule`` class."""

from __future__ import annotations

import pytest

from govgrid.errors import RuleBroken
from govgrid.rules import BusinessRule
from govgrid.rules import broken_if
from govgrid.rules import check


@broken_if("count_odd", "{what} counts {count}, an odd number")
def MustBeEven(count: int, what: str = "the list") -> bool:
    """A pair is never split."""
    return count % 2 == 1


class MustBeSmall(BusinessRule):
    code = "count_too_large"
    says = "{count} is more than {limit}"
    count: int
    limit: int

    def is_broken(self) -> bool:
        return self.count > self.limit


def test_a_declared_rule_is_broken_when_its_test_says_so_and_keeps_its_name() -> None:
    assert MustBeEven(3).is_broken()
    assert not MustBeEven(count=4).is_broken()
    assert (MustBeEven.__name__, MustBeEven.__doc__) == ("MustBeEven", "A pair is never split.")
    assert MustBeEven.code == "count_odd"


def test_check_raises_the_first_broken_rule_with_its_code_and_message() -> None:
    with pytest.raises(RuleBroken) as broken:
        check(MustBeEven(2), MustBeSmall(7, limit=5), MustBeEven(3, what="the team"))
    assert (broken.value.code, str(broken.value)) == ("count_too_large", "7 is more than 5")

    with pytest.raises(RuleBroken) as broken:
        check(MustBeSmall(1, limit=5), MustBeEven(3, what="the team"))
    assert (broken.value.code, str(broken.value)) == ("count_odd", "the team counts 3, an odd number")

    check(MustBeEven(2), MustBeSmall(5, limit=5))  # nothing broken: nothing raised


def test_a_default_argument_is_in_the_message() -> None:
    assert MustBeEven(5).message() == "the list counts 5, an odd number"


def test_a_message_naming_what_the_rule_does_not_read_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match=r"'lead\.lead_id'"):

        @broken_if("lead_closed", "lead {lead.lead_id} was closed")
        def NothingChangesAfterClosing(status: str) -> bool:
            return status == "closed"

    with pytest.raises(TypeError, match="'limit'"):

        class MustBeLarge(BusinessRule):
            code = "count_too_small"
            says = "{count} is less than {limit}"
            count: int

            def is_broken(self) -> bool:
                return self.count < 10
