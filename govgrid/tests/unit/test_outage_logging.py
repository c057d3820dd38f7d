"""An outage is told once per interval, not once per retry (DependencyAway, OncePerInterval); a part
whose backlog does not shrink is not ready (Progress)."""

from __future__ import annotations

import logging

import pytest

from govgrid.observability import DependencyAway
from govgrid.observability import OncePerInterval
from govgrid.observability import quiet_repeats
from govgrid.web.health import Progress
from govgrid.web.health import Stuck

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_said_once_then_once_per_interval_with_its_length_then_its_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    outage = DependencyAway(logging.getLogger("test.outage"), "PostgreSQL", interval=30, clock=clock)
    caplog.set_level(logging.INFO, logger="test.outage")
    outage.back()  # nothing was away: nothing to say
    for _ in range(100):  # 100 retries over 50 s
        outage.away(ConnectionRefusedError("connection refused"))
        clock.now += 0.5
    assert outage.is_away
    outage.back()
    outage.back()

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3
    assert messages[0] == "PostgreSQL away: ConnectionRefusedError('connection refused'); retrying"
    assert messages[1].startswith("PostgreSQL still away after 30 s (60 retries failed)")
    assert messages[2] == "PostgreSQL back after 50.0 s"
    assert caplog.records[2].__dict__["away_seconds"] == 50.0
    assert not outage.is_away


def test_a_repeated_library_message_passes_once_per_interval_and_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    repeats = OncePerInterval(interval=30, clock=clock)
    logger = logging.getLogger("test.library.conn")
    logger.addFilter(repeats)
    caplog.set_level(logging.INFO, logger="test.library")
    try:
        for attempt in range(200):  # 200 reconnects over 100 s
            logger.error("Unable connect to node with id %s: %s", 1, f"attempt {attempt}")
            logger.error("another message")
            clock.now += 0.5
    finally:
        logger.removeFilter(repeats)

    unable = [r for r in caplog.records if r.msg.startswith("Unable")]
    other = [r for r in caplog.records if r.msg == "another message"]
    assert [r.getMessage().split(": ")[1] for r in unable] == [f"attempt {n}" for n in (0, 60, 120, 180)]
    assert [getattr(r, "repeated", 0) for r in unable] == [0, 59, 59, 59]
    assert len(other) == 4


def test_quiet_repeats_reaches_every_module_logger_of_a_package() -> None:
    child = logging.getLogger("test.package.deep.module")
    quiet_repeats("test.package")
    quiet_repeats("test.package")  # again: replaces, never stacks
    filters = [f for f in child.filters if isinstance(f, OncePerInterval)]
    assert len(filters) == 1
    assert filters[0] in logging.getLogger("test.package").filters


async def test_readiness_fails_while_a_backlog_waits_and_none_of_it_is_done() -> None:
    clock = Clock()
    progress = Progress(stuck_after_seconds=15, clock=clock)
    # Busy: the backlog grows, yet work is done (at 0, 5, 10, 15 s).
    for backlog, done in ((0, 0), (40, 10), (120, 30), (130, 60)):
        progress.observe(backlog, done)
        await progress.check()
        clock.now += 5
    for backlog in (130, 140, 150):  # at 20, 25, 30 s: nothing done, yet within the limit
        progress.observe(backlog, 60)
        await progress.check()
        clock.now += 5
    clock.now -= 4  # 31 s: 16 s since anything was done
    with pytest.raises(Stuck, match="150 waiting, none done for 16 s"):
        await progress.check()
    progress.observe(150, 61)  # one event done: ready again
    await progress.check()
    progress.observe(0, 61)
    clock.now += 600  # nothing waits: never stuck
    await progress.check()
