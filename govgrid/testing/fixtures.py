"""pytest fixtures: one Kafka and one PostgreSQL per test session; each test gets its own schema
and its own topic names, so tests never see each other's data."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from govgrid.config import get_settings
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.kafka import events_topic
from govgrid.projection import MIGRATIONS as PROJECTION_MIGRATIONS
from govgrid.testing.servers import LocalInstance
from govgrid.testing.servers import kafka_server
from govgrid.testing.servers import local_instance
from govgrid.testing.servers import postgres_server

TEST_KINDS = ("unit", "integration", "e2e")


# A development key pair of this test session's own. Set when pytest loads this plugin (the root
# conftest), before any other conftest: test modules mint tokens at import (``mint_token(get_settings(),
# ...)``), and pytest imports the conftests of the paths it is given even before pytest_configure.
# Tokens minted in tests and the services under test read the same directory, so they agree; a
# developer's .local/auth is never touched.
_TEST_KEYS = Path(tempfile.mkdtemp(prefix="govgrid-test-keys-"))
os.environ["DEVELOPMENT_KEY_DIR"] = str(_TEST_KEYS / "auth")
get_settings.cache_clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TEST_KEYS, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in: .../unit/, .../integration/ or .../e2e/."""
    for item in items:
        parts = Path(str(item.path)).parts
        for kind in TEST_KINDS:
            if kind in parts:
                item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    with kafka_server() as bootstrap:
        yield bootstrap


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def private_kafka() -> Iterator[LocalInstance]:
    """A broker of this test's own, which the test may stop and start (outage tests)."""
    with local_instance("kafka") as instance:
        yield instance


@pytest.fixture
async def schema(database_url: str) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    yield name
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture
async def pool(database_url: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on this test's own schema, with the event store and projection tables migrated."""
    pool = await create_pool(database_url, schema=schema, max_size=20)
    await apply_migrations(pool, EVENT_STORE_MIGRATIONS, PROJECTION_MIGRATIONS)
    yield pool
    await pool.close()


@pytest.fixture
def service_name() -> str:
    """A service name of this test's own, hence its own events topic."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def topic(service_name: str) -> str:
    return events_topic(service_name)


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, timeout: float = 30.0, interval: float = 0.05, what: str = ""
) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or condition}")
        await asyncio.sleep(interval)
