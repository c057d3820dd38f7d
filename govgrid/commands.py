"""Running a command once: its appends and its Idempotency-Key record commit in one transaction.

A retry with the same key and the same request gets the first answer back and appends nothing;
the same key with a different request is refused (409 idempotency_key_reused).
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar
from uuid import UUID
from uuid import uuid4

import asyncpg
from pydantic_core import to_jsonable_python

from govgrid.auth.principal import Principal
from govgrid.auth.principal import Role
from govgrid.catalogue import DomainEvent
from govgrid.envelope import EventDraft
from govgrid.envelope import Jurisdiction
from govgrid.errors import Forbidden
from govgrid.errors import IdempotencyKeyReused
from govgrid.eventstore.wakeup import wake_relay
from govgrid.observability import current_correlation_id


@dataclass(frozen=True)
class CommandContext:
    """Who issued a command and which request it belongs to; stamps the events it causes."""

    principal: Principal
    correlation_id: UUID = field(default_factory=uuid4)

    @classmethod
    def current(cls, principal: Principal) -> CommandContext:
        """For the request being served: its correlation id (set by the web middleware)."""
        raw = current_correlation_id()
        return cls(principal, UUID(raw) if raw else uuid4())

    def require_role(self, roles: frozenset[Role]) -> None:
        """The command is for these roles only (jurisdiction is checked on the records it touches)."""
        if self.principal.role not in roles:
            raise Forbidden(f"a {self.principal.role.value} cannot do this")

    def draft(
        self, payload: DomainEvent, jurisdiction: Jurisdiction, occurred_at: datetime | None = None
    ) -> EventDraft:
        return EventDraft(
            payload=payload,
            occurred_at=occurred_at or datetime.now(UTC),
            jurisdiction=jurisdiction,
            actor=self.principal.subject,
            correlation_id=self.correlation_id,
        )


@dataclass(frozen=True)
class CommandResult:
    """What the caller gets back; stored as is for idempotent retries."""

    status_code: int
    body: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False  # True when this answer was stored by an earlier, identical request

    def __post_init__(self) -> None:
        # JSON types only (dates as ISO strings...): the first answer and its replays look the same.
        object.__setattr__(self, "body", to_jsonable_python(self.body))


# What a handler works with inside the command's transaction: at least an event store bound to it;
# a service may add its own lookups (see the runner's ``unit_of_work`` factory).
U = TypeVar("U")
CommandHandler = Callable[[U], Awaitable[CommandResult]]
# A handler that also gets the command's context (who, which request).
ContextHandler = Callable[[U, "CommandContext"], Awaitable[CommandResult]]


def request_fingerprint(*parts: object) -> str:
    """A stable hash of what makes two requests "the same" (caller, route, body...)."""
    canonical = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Taken(Exception):
    """The Idempotency-Key is held by an earlier request (committed, or a concurrent one that
    committed first)."""


class PostgresCommandRunner(Generic[U]):
    """Runs handlers in one transaction each; ``unit_of_work`` builds what they get from its connection
    (``PostgresEventStore`` for a handler that only needs the event store)."""

    def __init__(self, pool: asyncpg.Pool, unit_of_work: Callable[[asyncpg.Connection], U]) -> None:
        self._pool = pool
        self._unit_of_work = unit_of_work

    async def run(
        self, handler: CommandHandler[U], *, idempotency_key: str | None, fingerprint: str
    ) -> CommandResult:
        # Round trips of a first request: BEGIN, claim the key, the handler's (load, append), the
        # answer, COMMIT. The claim doubles as the look-up of an earlier answer: a retry (or a twin
        # that waited for the first to commit) fails to claim, rolls back and gets the stored answer
        # without running the handler, which may show something once only (a revealed contact).
        async with self._pool.acquire() as conn:
            try:
                async with conn.transaction():
                    if idempotency_key is not None:
                        await _claim(conn, idempotency_key, fingerprint)
                    result = await handler(self._unit_of_work(conn))
                    if idempotency_key is not None:
                        await _record(conn, idempotency_key, result)
            except _Taken:
                # Rolled back, nothing ran. Answer like the request that holds the key.
                assert idempotency_key is not None
                earlier = await _stored(conn, idempotency_key, fingerprint)
                assert earlier is not None
                return earlier
        wake_relay(self._pool)
        return result


async def _stored(conn: asyncpg.Connection, key: str, fingerprint: str) -> CommandResult | None:
    row = await conn.fetchrow(
        "SELECT fingerprint, status_code, body FROM idempotency_keys WHERE key = $1", key
    )
    if row is None:
        return None
    if row["fingerprint"] != fingerprint:
        raise IdempotencyKeyReused(key)
    return CommandResult(row["status_code"], json.loads(row["body"]), replayed=True)


async def _claim(conn: asyncpg.Connection, key: str, fingerprint: str) -> None:
    """Take the key before running the handler. A concurrent request with the same key blocks here
    until the first one commits (then this one finds it taken) or rolls back (then this one runs)."""
    claimed = await conn.fetchval(
        "INSERT INTO idempotency_keys (key, fingerprint, status_code, body) VALUES ($1, $2, 0, '{}')"
        " ON CONFLICT (key) DO NOTHING RETURNING true",
        key,
        fingerprint,
    )
    if not claimed:
        raise _Taken


async def _record(conn: asyncpg.Connection, key: str, result: CommandResult) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET status_code = $2, body = $3 WHERE key = $1",
        key,
        result.status_code,
        json.dumps(result.body, ensure_ascii=False, default=str),
    )


def command_line_admin() -> Principal:
    """Who runs a command-line tool: a city admin named after the operating-system user."""
    return Principal(f"cli:{getpass.getuser()}", Role.CITY_ADMIN, frozenset())


async def run_from_command_line(runner: PostgresCommandRunner[U], work: ContextHandler[U]) -> CommandResult:
    """Run one command of a command-line tool (no Idempotency-Key: the operator sees the answer)."""
    ctx = CommandContext(command_line_admin())

    async def handle(unit_of_work: U) -> CommandResult:
        return await work(unit_of_work, ctx)

    return await runner.run(handle, idempotency_key=None, fingerprint="")


class ServiceWithCommands(Protocol[U]):
    """What a service's composition root (bootstrap.start_service) gives a command-line tool."""

    @property
    def pool(self) -> asyncpg.Pool: ...

    @property
    def commands(self) -> PostgresCommandRunner[U]: ...


async def run_in_service(
    started: Awaitable[ServiceWithCommands[U]], work: ContextHandler[U]
) -> CommandResult:
    """Start the service (``start_service(settings)``), run one command-line command in it as a city
    admin, and close it."""
    service = await started
    try:
        return await run_from_command_line(service.commands, work)
    finally:
        await service.pool.close()
