"""A service's lookup tables beside its events: what its rules must see across records, kept in the
command's transaction (one active appointment of a kind per person, one pending referral per person
and enterprise)."""

from __future__ import annotations

import asyncpg

from govgrid.errors import RuleBroken


async def insert_unique(conn: asyncpg.Connection, refusal: RuleBroken, sql: str, *args: object) -> None:
    """Run ``sql``, an INSERT into a table whose unique key keeps a rule. The domain checked the rule
    on what it read; a concurrent command that inserted the same key first, unseen, won the race, and
    this one is refused by the same rule (``refusal``, a 409), which ends its transaction."""
    try:
        await conn.execute(sql, *args)
    except asyncpg.UniqueViolationError:
        raise refusal from None
