"""A summary's statements sent at the same time, each on a connection of its own.

A summary is several independent statements (one per group of figures). Sent one after the other,
an answer waits for the sum of their round trips; sent together, for the slowest. Nothing else
changes: each statement always saw its own snapshot (they were never in one transaction), and the
answers are put together in the order the statements are given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

import asyncpg

Statement = tuple[str, Sequence[Any]]  # SQL and its arguments


async def fetch_together(pool: asyncpg.Pool, statements: Iterable[Statement]) -> list[list[asyncpg.Record]]:
    """The rows of each statement, in the order given."""
    return list(await asyncio.gather(*(pool.fetch(sql, *args) for sql, args in statements)))


def by_key(answers: Iterable[list[asyncpg.Record]]) -> dict[str | None, dict[str, Any]]:
    """The figures of statements that each count a group of them per ``key`` (a place, or None for the
    whole scope), put together per key; the ``key`` column itself is left out."""
    figures: dict[str | None, dict[str, Any]] = {}
    for rows in answers:
        for row in rows:
            figures.setdefault(row["key"], {}).update((k, v) for k, v in row.items() if k != "key")
    return figures
