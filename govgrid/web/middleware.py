"""Per-request correlation id, access log and HTTP metrics."""

from __future__ import annotations

import logging
import time
from uuid import UUID
from uuid import uuid4

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from govgrid.config import GovgridSettings
from govgrid.observability import bind_correlation_id
from govgrid.observability import http_request_seconds
from govgrid.observability import http_requests_total

CORRELATION_HEADER = "X-Correlation-ID"
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_logger = logging.getLogger("govgrid.access")


def install_observability(app: FastAPI, settings: GovgridSettings) -> None:
    app.add_middleware(ObservabilityMiddleware, service=settings.service_name)


class ObservabilityMiddleware:
    """Plain ASGI rather than BaseHTTPMiddleware: the route runs in this task, so it sees the contextvar."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = _accepted_id(Headers(scope=scope).get(CORRELATION_HEADER)) or str(uuid4())
        # Left on the request state for the 500 handler, which Starlette runs outside this middleware.
        scope.setdefault("state", {})["correlation_id"] = request_id
        status = 500  # what the client gets if the app raises before starting a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = request_id
            await send(message)

        method = scope["method"]
        started = time.perf_counter()
        with bind_correlation_id(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                route = getattr(scope.get("route"), "path", "unmatched")
                # The method is client-chosen text too: unknown ones share one label value.
                label_method = method if method in _KNOWN_METHODS else "OTHER"
                http_requests_total.labels(self.service, label_method, route, str(status)).inc()
                http_request_seconds.labels(self.service, label_method, route).observe(seconds)
                fields = {
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                }
                access_logger.info("%s %s %d", method, route, status, extra=fields)


def _accepted_id(value: str | None) -> str | None:
    """The caller's id in canonical form if it is a UUID; anything else could forge or flood the logs."""
    if value is None:
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None
