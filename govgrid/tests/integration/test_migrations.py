"""Migrations on real PostgreSQL: applied once each, and an applied file that changed stops the start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from govgrid.db import MigrationChanged
from govgrid.db import apply_migrations
from govgrid.db import checksum
from govgrid.db import migration_sql


def migrations_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "svc" / "migrations"
    directory.mkdir(parents=True)
    (directory / "0001_things.sql").write_text("CREATE TABLE things (id int PRIMARY KEY);")
    return directory


async def test_each_file_is_applied_once(pool: asyncpg.Pool, tmp_path: Path) -> None:
    directory = migrations_dir(tmp_path)
    assert await apply_migrations(pool, directory) == ["svc/0001_things.sql"]
    (directory / "0002_more.sql").write_text("ALTER TABLE things ADD COLUMN name text;")

    assert await apply_migrations(pool, directory) == ["svc/0002_more.sql"]
    assert await apply_migrations(pool, directory) == []
    assert await pool.fetchval("SELECT count(checksum) FROM schema_migrations WHERE name LIKE 'svc/%'") == 2


async def test_a_changed_applied_migration_refuses_the_start(pool: asyncpg.Pool, tmp_path: Path) -> None:
    directory = migrations_dir(tmp_path)
    await apply_migrations(pool, directory)
    (directory / "0001_things.sql").write_text("CREATE TABLE things (id bigint PRIMARY KEY);")
    (directory / "0002_more.sql").write_text("CREATE TABLE more (id int);")

    with pytest.raises(MigrationChanged, match=r"svc/0001_things\.sql"):
        await apply_migrations(pool, directory)
    # Nothing after the changed file ran.
    assert await pool.fetchval("SELECT to_regclass('more')") is None


async def test_files_applied_before_checksums_get_theirs(pool: asyncpg.Pool, tmp_path: Path) -> None:
    directory = migrations_dir(tmp_path)
    await apply_migrations(pool, directory)
    await pool.execute("UPDATE schema_migrations SET checksum = NULL WHERE name LIKE 'svc/%'")

    assert await apply_migrations(pool, directory) == []
    assert await pool.fetchval("SELECT checksum FROM schema_migrations WHERE name LIKE 'svc/%'") is not None
    (directory / "0001_things.sql").write_text("-- edited\nCREATE TABLE things (id int PRIMARY KEY);")
    with pytest.raises(MigrationChanged):
        await apply_migrations(pool, directory)


async def test_a_block_moved_to_an_included_file_changes_no_applied_migration(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    # The read models' organisation tables were written out in each model's 0001; now each includes one
    # file (psql's \\ir). The migration, and its checksum, is the text with the file in place of the
    # line: a deployment that applied the written-out text starts as before.
    directory = migrations_dir(tmp_path)
    uses_shared = directory / "0002_uses_shared.sql"
    uses_shared.write_text("-- before\nCREATE TABLE shared (id int);\nCREATE TABLE after (id int);\n")
    assert await apply_migrations(pool, directory) == ["svc/0001_things.sql", "svc/0002_uses_shared.sql"]
    recorded = await pool.fetchval(
        "SELECT checksum FROM schema_migrations WHERE name = 'svc/0002_uses_shared.sql'"
    )

    (directory.parent / "shared.sql").write_text("CREATE TABLE shared (id int);\n")
    uses_shared.write_text("-- before\n\\ir ../shared.sql\nCREATE TABLE after (id int);\n")
    assert await apply_migrations(pool, directory) == []
    assert checksum(migration_sql(uses_shared)) == recorded

    # Editing the included file edits every applied migration that includes it.
    (directory.parent / "shared.sql").write_text("CREATE TABLE shared (id bigint);\n")
    with pytest.raises(MigrationChanged, match=r"svc/0002_uses_shared\.sql"):
        await apply_migrations(pool, directory)


async def test_an_included_file_is_applied_with_its_migration(pool: asyncpg.Pool, tmp_path: Path) -> None:
    directory = migrations_dir(tmp_path)
    (directory.parent / "shared.sql").write_text("CREATE TABLE shared (id int);\n")
    (directory / "0002_uses_shared.sql").write_text("\\ir ../shared.sql\nCREATE TABLE after (id int);\n")

    assert await apply_migrations(pool, directory) == ["svc/0001_things.sql", "svc/0002_uses_shared.sql"]
    assert await pool.fetchval("SELECT to_regclass('shared') IS NOT NULL")
    assert await pool.fetchval("SELECT to_regclass('after') IS NOT NULL")


async def test_a_migration_longer_than_the_pools_command_timeout_is_applied(
    database_url: str, schema: str, tmp_path: Path
) -> None:
    # The pools of the services give an ordinary statement 60 s; chaining a store of millions of events
    # (event store 0003) takes longer, and cut off, the migration is rolled back and the start fails
    # again at every try. Here the same with a pool of half a second, and another process's migration
    # to wait for, as a second replica starting at the same time does.
    directory = migrations_dir(tmp_path)
    (directory / "0002_slow.sql").write_text("SELECT pg_sleep(1); CREATE TABLE slow (id int);")
    conn = await asyncpg.connect(database_url)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    pools = [
        await asyncpg.create_pool(
            database_url, min_size=1, max_size=2, server_settings={"search_path": schema}, command_timeout=0.5
        )
        for _ in range(2)
    ]
    try:
        first, second = await asyncio.gather(*(apply_migrations(p, directory) for p in pools))
        assert sorted((first, second)) == [[], ["svc/0001_things.sql", "svc/0002_slow.sql"]]
        assert await pools[0].fetchval("SELECT to_regclass('slow') IS NOT NULL")
    finally:
        for p in pools:
            await p.close()
