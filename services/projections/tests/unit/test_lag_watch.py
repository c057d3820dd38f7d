"""The read API's readiness on the read models' lag: a measure is trusted for a while when the next
ones fail (a Kafka node lost), never for ever, and a stuck group is not ready meanwhile."""

from __future__ import annotations

import pytest

from govgrid.web.health import Stuck
from services.projections.lag import LagWatch
from services.projections.settings import ProjectionsSettings

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def watch(clock: Clock) -> LagWatch:
    settings = ProjectionsSettings(database_url="postgresql://unused@127.0.0.1/unused")
    return LagWatch(settings, interval=5.0, trusted_for=4, clock=clock)


async def test_a_measure_is_trusted_for_four_intervals_then_the_lag_is_unknown() -> None:
    clock = Clock()
    lag = watch(clock)
    with pytest.raises(LookupError, match="lag unknown"):
        await lag.check()  # nothing measured yet
    lag.observe({"coverage": 0}, done=10)
    clock.now += 20  # the next measures failed for 20 s: a Kafka node lost, its leaders moving
    await lag.check()
    clock.now += 0.5
    with pytest.raises(LookupError, match="lag unknown"):
        await lag.check()
    lag.observe({"coverage": 0}, done=10)  # measured again
    await lag.check()


async def test_a_group_seen_stuck_is_not_ready_while_the_last_measure_is_still_trusted() -> None:
    clock = Clock()
    lag = watch(clock)
    lag.observe({"coverage": 40}, done=10)
    clock.now += 10
    lag.observe({"coverage": 60}, done=10)  # work waits, none done
    clock.now += 6  # 16 s without progress; the last measure is 6 s old
    with pytest.raises(Stuck):
        await lag.check()
