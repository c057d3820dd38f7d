"""PostgreSQL access: connection pools (one schema per service or per test) and migrations."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATIONS_LOCK = 0x6F76_6D69  # advisory lock id: one migrator at a time per database


def check_schema_name(schema: str) -> str:
    if not SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}: lower-case letters, digits and _ only")
    return schema


async def create_pool(
    database_url: str, *, schema: str = "public", min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool:
    """A pool whose connections work in ``schema`` (created if missing)."""
    check_schema_name(schema)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": schema},
        command_timeout=60,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


async def _keep_session(conn: asyncpg.Connection) -> None:
    """On release, asyncpg has already rolled back an open transaction; by default it would then send
    a reset query (unlock advisory locks, UNLISTEN, RESET ALL), a round trip on every use of the pool
    that was about a third of an append's client CPU (docs/benchmarks.md). Nothing here leaves
    session state behind: the relay and the migrations release their locks and LISTEN themselves."""


async def apply_migrations(pool: asyncpg.Pool, *directories: Path) -> list[str]:
    """Apply the ``NNNN_name.sql`` files of each directory not applied yet, in order; return their names.

    Each file runs in its own transaction; an advisory lock keeps concurrent starts from racing.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            for directory in directories:
                for path in sorted(directory.glob("*.sql")):
                    name = f"{directory.parent.name}/{path.name}"
                    if name in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(path.read_text())
                        await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                    applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATIONS_LOCK)
    return applied
