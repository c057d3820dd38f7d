"""PostgreSQL access: connection pools (one schema per service or per test) and migrations."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import asyncpg

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# psql's include relative to the file, on a line of its own: a block that several migrations share.
INCLUDE = re.compile(r"^\\ir (\S+)$", re.MULTILINE)
MIGRATIONS_LOCK = 0x6F76_6D69  # advisory lock id: one migrator at a time per database
# A migration may rewrite a whole table (the event store's 0003 chains every event stored before it:
# minutes for millions), and a start waits for another process's migrations: neither is held to the
# pool's command_timeout, which is for ordinary statements, only to this bound (seconds).
MIGRATION_TIMEOUT = 6 * 3600.0


def check_schema_name(schema: str) -> str:
    if not SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}: lower-case letters, digits and _ only")
    return schema


async def create_pool(
    database_url: str,
    *,
    schema: str = "public",
    min_size: int = 1,
    max_size: int = 10,
    server_settings: dict[str, str] | None = None,
) -> asyncpg.Pool:
    """A pool whose connections work in ``schema`` (created if missing), with ``server_settings``
    (PostgreSQL settings of each connection) besides."""
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
        server_settings={**(server_settings or {}), "search_path": schema},
        command_timeout=60,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


class MigrationChanged(RuntimeError):
    """An applied migration's file is not what was applied: the schema is not what the code expects."""


def migration_sql(path: Path) -> str:
    """A migration's SQL: its file, each ``\\ir other.sql`` line replaced by that file's text (path
    relative to the migration, its last newline dropped; no nested includes).

    The checksum is of this text, so moving a block that several applied migrations repeat (the read
    models' organisation tables) into one included file changes no applied migration; editing the
    included file changes every migration that includes it, and is refused like any other edit."""
    return INCLUDE.sub(lambda m: (path.parent / m.group(1)).read_text().removesuffix("\n"), path.read_text())


def checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def migration_name(path: Path) -> str:
    """A migration's name in ``schema_migrations``: its owner's folder and its file."""
    return f"{path.parent.parent.name}/{path.name}"


async def record_migration(conn: asyncpg.Connection, path: Path) -> None:
    """Record the migration at ``path`` as applied, with the checksum a later start compares."""
    await conn.execute(
        "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
        migration_name(path),
        checksum(migration_sql(path)),
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """On release, asyncpg has already rolled back an open transaction; by default it would then send
    a reset query (unlock advisory locks, UNLISTEN, RESET ALL), a round trip on every use of the pool
    that was about a third of an append's client CPU (docs/benchmarks.md). Nothing here leaves
    session state behind: the relay and the migrations release their locks and LISTEN themselves."""


async def apply_migrations(pool: asyncpg.Pool, *directories: Path) -> list[str]:
    """Apply the ``NNNN_name.sql`` files of each directory not applied yet, in order; return their names.

    Each file runs in its own transaction; an advisory lock keeps concurrent starts from racing. An
    applied file is never run again, so an edit to it would be silently ignored: each file's checksum
    is recorded, and a start with an applied file changed is refused (MigrationChanged). Write a new
    migration instead. Files applied before checksums were recorded get theirs on the next start.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK, timeout=MIGRATION_TIMEOUT)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            await conn.execute("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text")
            done = {
                r["name"]: r["checksum"]
                for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")
            }
            for directory in directories:
                for path in sorted(directory.glob("*.sql")):
                    name = migration_name(path)
                    sql = migration_sql(path)
                    if name in done:
                        await _check_unchanged(conn, name, done[name], checksum(sql))
                        continue
                    async with conn.transaction():
                        await conn.execute(sql, timeout=MIGRATION_TIMEOUT)
                        await record_migration(conn, path)
                    applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATIONS_LOCK)
    return applied


async def _check_unchanged(conn: asyncpg.Connection, name: str, recorded: str | None, current: str) -> None:
    if recorded is None:
        await conn.execute("UPDATE schema_migrations SET checksum = $2 WHERE name = $1", name, current)
    elif recorded != current:
        raise MigrationChanged(
            f"migration {name} changed since it was applied (checksum {recorded[:12]}, now {current[:12]});"
            " restore it and add a new migration"
        )
