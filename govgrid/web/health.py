"""Liveness, readiness and metrics endpoints for orchestrators and Prometheus.

Include the router without auth dependencies: the callers hold no token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping

import asyncpg  # type: ignore[import-untyped,unused-ignore]  # asyncpg ships no type hints
from fastapi import APIRouter
from fastapi import Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import generate_latest

from govgrid.observability import DependencyAway

logger = logging.getLogger(__name__)

ReadyCheck = Callable[[], Awaitable[None]]


def health_router(
    ready_checks: Mapping[str, ReadyCheck],
    *,
    retry_after_seconds: int = 5,
    check_timeout_seconds: float = 2.0,
) -> APIRouter:
    """``ready_checks`` raise (or hang) when their dependency is not usable; pass the service's
    ``settings.retry_after_seconds`` so that every 503 of the service says the same."""
    router = APIRouter(tags=["health"])
    # A probe asks every few seconds: a failing check is logged once, then once per interval, not
    # once per probe.
    outages = {name: DependencyAway(logger, f"ready check {name}") for name in ready_checks}

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        # Alive means the event loop answers; dependencies are /readyz's business.
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        # Run concurrently so that the slowest check, not the sum, bounds the answer time.
        results = await asyncio.gather(
            *(_run_check(check, outages[name], check_timeout_seconds) for name, check in ready_checks.items())
        )
        checks = dict(zip(ready_checks, results, strict=True))
        if all(result == "ok" for result in results):
            return JSONResponse({"status": "ready", "checks": checks})
        return JSONResponse(
            {"status": "not_ready", "checks": checks},
            status_code=503,
            headers={"Retry-After": str(retry_after_seconds)},
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


class Stuck(RuntimeError):
    """Work waits and none was done for a while."""


class Progress:
    """Readiness of a part that works through a backlog (a consumer's lag): not ready while work
    waits and none was done for ``stuck_after_seconds``. A backlog under the lag limit can still be
    stuck (a consumer group waiting for Kafka to expire a dead member, a worker retrying a database
    that is away); a busy part's backlog may not shrink, but what it has done grows."""

    def __init__(self, stuck_after_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._stuck_after = stuck_after_seconds
        self._clock = clock
        self._backlog = 0
        self._done = 0
        self._progress_at = clock()

    def observe(self, backlog: int, done: int) -> None:
        """A new measurement: the work waiting, and a count of the work done that grows with it (a
        consumer's committed offsets)."""
        if backlog == 0 or done > self._done:
            self._progress_at = self._clock()
        self._backlog, self._done = backlog, done

    async def check(self) -> None:
        """A ReadyCheck."""
        idle = self._clock() - self._progress_at
        if self._backlog > 0 and idle > self._stuck_after:
            raise Stuck(f"{self._backlog} waiting, none done for {idle:.0f} s")


def postgres_ready_check(pool: asyncpg.Pool) -> ReadyCheck:
    async def check() -> None:
        await pool.fetchval("SELECT 1")

    return check


async def _run_check(check: ReadyCheck, outage: DependencyAway, timeout_seconds: float) -> str:
    """Return "ok", or a short reason: the exception's type only, since /readyz answers without a token."""
    try:
        async with asyncio.timeout(timeout_seconds):
            await check()
    except TimeoutError as exc:
        outage.away(exc)
        return "timeout"
    except Exception as exc:
        outage.away(exc)
        return type(exc).__name__
    outage.back()
    return "ok"
