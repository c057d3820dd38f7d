"""A service's lookup tables beside its events: what its rules must see across records, kept in the
command's transaction (one active appointment of a kind per person, one pending referral per person
and enterprise): ``insert_unique`` for any such row, ``Holds`` for a table of records in force."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Holds:
    """A lookup table of the records in force (an active appointment, a referral waiting for its
    outcome), one row each: the record's id (``id_column``, the first column) and the key that a
    unique constraint lets one record at a time hold, which keeps the rule ``rule_code``."""

    table: str
    id_column: str
    rule_code: str

    async def hold(self, conn: asyncpg.Connection, taken: str, record_id: str, *key: object) -> None:
        """The record holds ``key`` from now on; if another command held it first, unseen, this one
        is refused by the rule, with the message ``taken`` (see ``insert_unique``)."""
        values = ", ".join(f"${n}" for n in range(1, len(key) + 2))
        insert = f"INSERT INTO {self.table} VALUES ({values})"
        await insert_unique(conn, RuleBroken(self.rule_code, taken), insert, record_id, *key)

    async def release(self, conn: asyncpg.Connection, record_id: str) -> None:
        """The record is no longer in force: its key is free again."""
        await conn.execute(f"DELETE FROM {self.table} WHERE {self.id_column} = $1", record_id)
