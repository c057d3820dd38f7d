"""Who looked at what: every request to the read API, recorded in the append-only ``read_audit`` table.

A request is noted in memory as its answer goes out (``ReadAuditMiddleware``) and written by a
background task in batches (``ReadAudit.running``): one ``COPY`` per batch of up to 500 rows, at most
half a second after the read, so a read never waits for the audit's write. On a normal shutdown the
task writes everything noted before it stops (the lifespan ends after the last request); only a killed
process loses what it had not written yet (at most half a second of reads), and so does a shutdown
while PostgreSQL stays away for more than ten seconds (logged as an error with the number lost). While
PostgreSQL is away the rows wait in memory and are written when it is back; when 50,000 are waiting,
reads wait for room rather than go unrecorded.

Reads are recorded while the app's lifespan runs (``python -m services.projections`` under uvicorn);
an app served without it (benchmarks, most tests) records none.

The caller is who the token says (``remember_caller``, a dependency of every route); a request without
a valid token is recorded with no subject and its 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import astuple
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from urllib.parse import parse_qsl
from urllib.parse import urlencode

import asyncpg
from fastapi import Request
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from govgrid.auth import CurrentPrincipal
from govgrid.auth import Principal
from govgrid.observability import DependencyAway
from govgrid.web.errors import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

# Not reads of anything: health, metrics and the dashboard's static files.
NOT_READS = ("/healthz", "/readyz", "/metrics", "/dashboard")
# Query parameters never stored: the live stream's token.
SECRET_PARAMETERS = frozenset({"access_token"})
BATCH, FLUSH_SECONDS, CAPACITY, RETRY_SECONDS = 500, 0.5, 50_000, 1.0
# PostgreSQL away at shutdown: tries this many more times (a second apart), then logs what is lost.
STOP_RETRIES = 10


@dataclass(frozen=True)
class ReadRecord:
    requested_at: datetime
    subject: str | None
    role: str | None
    jurisdiction: list[str] | None
    method: str
    endpoint: str
    path: str
    query: str
    status: int
    correlation_id: str | None


COLUMNS = tuple(ReadRecord.__dataclass_fields__)


def remember_caller(request: Request, principal: CurrentPrincipal) -> None:
    """A dependency of every read route: the caller, for the audit (FastAPI resolves the principal
    once per request, so this verifies no token twice)."""
    request.state.principal = principal


class ReadAudit:
    """The reads noted and not written yet, and the task that writes them."""

    def __init__(self) -> None:
        self._waiting: asyncio.Queue[ReadRecord] = asyncio.Queue(CAPACITY)
        self._running = False

    async def note(self, record: ReadRecord) -> None:
        # An app served without its lifespan (a benchmark's, a test's that does not ask for the audit)
        # has no writer: noting would only fill memory.
        if self._running:
            await self._waiting.put(record)

    @asynccontextmanager
    async def running(self, pool: asyncpg.Pool) -> AsyncIterator[None]:
        """Writes what is noted into ``read_audit`` of ``pool`` until the block ends, then the rest."""
        stopping = asyncio.Event()
        writer = asyncio.create_task(self._write(pool, stopping))
        self._running = True
        try:
            yield
        finally:
            self._running = False
            stopping.set()
            await writer

    async def _write(self, pool: asyncpg.Pool, stopping: asyncio.Event) -> None:
        batch: list[ReadRecord] = []
        failures_since_stop = 0
        # An outage is logged once, then once per interval, not at every retry; the reads wait in memory.
        away = DependencyAway(logger, "PostgreSQL (read audit; reads wait in memory)")
        while True:
            batch = batch or await self._next_batch(stopping)
            if not batch:
                return  # stopping, and nothing left
            try:
                await pool.copy_records_to_table("read_audit", records=map(astuple, batch), columns=COLUMNS)
                batch = []
                away.back()
            except DATABASE_UNAVAILABLE as exc:
                if stopping.is_set():
                    failures_since_stop += 1
                    if failures_since_stop > STOP_RETRIES:
                        lost = len(batch) + self._waiting.qsize()
                        logger.error("read audit: PostgreSQL unavailable at shutdown, %d reads lost", lost)
                        return
                away.away(exc)
                await asyncio.sleep(RETRY_SECONDS)
            except asyncpg.PostgresError:
                # A record PostgreSQL refuses fails its whole batch; it must neither stop the writer
                # (nothing later would be recorded) nor take the batch's other reads with it.
                batch = await self._write_each(pool, batch)

    async def _write_each(self, pool: asyncpg.Pool, batch: list[ReadRecord]) -> list[ReadRecord]:
        """Write ``batch`` record by record, a refused one in the log instead (in full: the trail
        keeps it there); return what is left if PostgreSQL went away meanwhile."""
        for i, record in enumerate(batch):
            try:
                await pool.copy_records_to_table("read_audit", records=[astuple(record)], columns=COLUMNS)
            except DATABASE_UNAVAILABLE:
                return batch[i:]
            except asyncpg.PostgresError as exc:
                logger.error(
                    "read audit: PostgreSQL refused a read's record (%s), kept here: %r", exc, record
                )
        return []

    async def _next_batch(self, stopping: asyncio.Event) -> list[ReadRecord]:
        """Up to BATCH records, looking every FLUSH_SECONDS; none once stopping with nothing left."""
        while self._waiting.empty():
            if stopping.is_set():
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), FLUSH_SECONDS)
        return [self._waiting.get_nowait() for _ in range(min(BATCH, self._waiting.qsize()))]


def _query_without_secrets(raw: bytes) -> str:
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, "***" if k in SECRET_PARAMETERS else v) for k, v in pairs])


def _storable(path: str) -> str:
    """A decoded path as PostgreSQL's text can hold it: a NUL byte as the URL gave it, ``%00`` (a row
    with one fails its whole batch, and the writer with it)."""
    return path.replace("\x00", "%00")


class ReadAuditMiddleware:
    """Notes every read of the read API (after its answer is sent) for ``ReadAudit`` to write."""

    def __init__(self, app: ASGIApp, audit: ReadAudit) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NOT_READS):
            await self.app(scope, receive, send)
            return
        requested_at = datetime.now(UTC)
        status = 500  # what the client gets if the app raises before answering

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            state = scope.get("state", {})
            caller: Principal | None = state.get("principal")
            await self.audit.note(
                ReadRecord(
                    requested_at=requested_at,
                    subject=caller.subject if caller else None,
                    role=caller.role.value if caller else None,
                    jurisdiction=sorted(caller.jurisdiction) if caller else None,
                    method=scope["method"],
                    endpoint=_storable(str(getattr(scope.get("route"), "path", scope["path"]))),
                    path=_storable(scope["path"]),
                    query=_query_without_secrets(scope.get("query_string", b"")),
                    status=status,
                    correlation_id=state.get("correlation_id"),
                )
            )
