"""Waiting in long-running loops (relay, feeds) without delaying a shutdown."""

from __future__ import annotations

import asyncio
import contextlib


async def sleep_unless_stopping(stopping: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds``, waking early when ``stopping`` is set; True if it is."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
    return stopping.is_set()
