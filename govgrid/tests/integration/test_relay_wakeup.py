"""Waking the relay after commits: coalesced, and the last commit always gets a wake-up after it."""

from __future__ import annotations

import asyncio

import asyncpg

from govgrid.eventstore.wakeup import WAKE_INTERVAL
from govgrid.eventstore.wakeup import outbox_channel
from govgrid.eventstore.wakeup import wake_relay
from govgrid.testing.fixtures import wait_until


async def test_many_commits_share_few_notifies_and_the_last_one_is_covered(
    pool: asyncpg.Pool, schema: str
) -> None:
    heard: list[float] = []
    loop = asyncio.get_running_loop()
    async with pool.acquire() as listener:

        def on_notify(_conn: object, _pid: int, _channel: str, _payload: str) -> None:
            heard.append(loop.time())

        await listener.add_listener(outbox_channel(schema), on_notify)
        try:
            started = loop.time()
            for _ in range(200):  # 200 commits over about 100 ms
                await asyncio.sleep(0.0005)
                wake_relay(pool)
            # Read before anything else runs: the NOTIFY of the last commit cannot have been sent yet.
            # (Read after a last sleep, a loaded machine let that NOTIFY arrive before it, and the
            # test waited for one more that nothing had asked for.)
            last_commit = loop.time()

            async def woken_after_the_last_commit() -> bool:
                return bool(heard) and heard[-1] >= last_commit

            await wait_until(woken_after_the_last_commit, timeout=10, what="a NOTIFY after the last commit")
        finally:
            await listener.remove_listener(outbox_channel(schema), on_notify)
    at_most = (last_commit - started) / WAKE_INTERVAL + 2
    assert 1 <= len(heard) <= at_most, (len(heard), at_most)
