"""Waking the outbox relay after commits, off the commit's critical path.

A ``pg_notify`` inside the appending transaction takes PostgreSQL's cluster-wide notify-queue lock at
commit, serialising every commit of every service behind it. Instead, whoever commits events calls
``wake_relay(pool)`` afterwards: at most one NOTIFY per ``WAKE_INTERVAL`` per pool is sent, from a
background task, for all the commits in between. A NOTIFY that is lost (the connection failed) only
delays the rows until the relay's next poll; nothing depends on it for correctness.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger("govgrid.eventstore.wakeup")

# One channel per schema: a NOTIFY reaches only the relay of the store that has new rows, not every
# relay of the platform (each woken relay costs a wake-up and a query; with one shared channel, every
# command woke all five). PostgreSQL truncates channel names to 63 bytes (schemas are ASCII
# identifiers here): both sides cut alike.
CHANNEL_PREFIX = "govgrid_outbox_"
CHANNEL_LENGTH = 63


def outbox_channel(schema: str) -> str:
    """The channel the relay of ``schema`` listens on (RelayWaker's SQL names the same one)."""
    return (CHANNEL_PREFIX + schema)[:CHANNEL_LENGTH]


WAKE_INTERVAL = 0.005  # seconds: the longest a commit waits for its NOTIFY


class RelayWaker:
    """Coalesces the wake-ups of one pool (one service's store)."""

    def __init__(self, pool: asyncpg.Pool, interval: float = WAKE_INTERVAL) -> None:
        self.pool = pool
        self._interval = interval
        self._scheduled = False  # a NOTIFY is due that will cover every commit made until it is sent
        self._last_sent = float("-inf")
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        if self._scheduled:
            return
        self._scheduled = True
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self) -> None:
        loop = asyncio.get_running_loop()
        delay = self._last_sent + self._interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        # Before sending: a commit made while the NOTIFY is on its way schedules the next one.
        self._scheduled = False
        self._last_sent = loop.time()
        try:
            await self.pool.execute(
                "SELECT pg_notify(left($1 || current_schema(), $2), '')", CHANNEL_PREFIX, CHANNEL_LENGTH
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.debug("could not wake the relay (its poll will find the rows): %r", exc)


# One waker per pool, for as long as the pool is open (asyncpg pools cannot be weakly referenced).
_wakers: dict[int, RelayWaker] = {}


def wake_relay(pool: asyncpg.Pool) -> None:
    """Call after committing events through ``pool``; returns at once."""
    waker = _wakers.get(id(pool))
    if waker is None:
        for key in [k for k, w in _wakers.items() if w.pool.is_closing()]:
            del _wakers[key]
        waker = _wakers[id(pool)] = RelayWaker(pool)
    waker.wake()
