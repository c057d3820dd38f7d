"""The FastAPI application every service builds: errors, observability and health wired the same way."""

from __future__ import annotations

import socket
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

import uvicorn
from fastapi import APIRouter
from fastapi import FastAPI
from starlette.types import Lifespan

from govgrid.config import GovgridSettings
from govgrid.observability import configure_logging
from govgrid.web.errors import install_error_handlers
from govgrid.web.health import ReadyCheck
from govgrid.web.health import health_router
from govgrid.web.middleware import install_observability


def create_service_app(
    settings: GovgridSettings,
    *,
    title: str,
    description: str,
    routers: Iterable[APIRouter],
    ready_checks: Mapping[str, ReadyCheck],
    lifespan: Lifespan[FastAPI] | None = None,
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="1", lifespan=lifespan, debug=False)
    install_observability(app, settings)
    install_error_handlers(app, settings)
    app.include_router(health_router(ready_checks, retry_after_seconds=settings.retry_after_seconds))
    for router in routers:
        app.include_router(router)
    return app


S = TypeVar("S", bound=GovgridSettings)

# uvloop and httptools (C) instead of asyncio's loop and h11 (pure Python): named, not left to
# uvicorn's "auto", so a missing one fails at start instead of silently costing CPU on every request.
UVICORN_OPTIONS: dict[str, Any] = {
    "access_log": False,
    "log_config": None,
    "loop": "uvloop",
    "http": "httptools",
}


def serve(create_app: Callable[[S], FastAPI], settings: S) -> None:
    """Run a service's app in the foreground (``python -m services.<name>``)."""
    configure_logging(settings)
    # log_config=None: uvicorn logs through the root logger, i.e. as JSON lines like everything else.
    app = create_app(settings)
    if not settings.http_reuse_port:
        uvicorn.run(app, host=settings.http_host, port=settings.http_port, **UVICORN_OPTIONS)
        return
    # Bound here since uvicorn cannot set SO_REUSEPORT: with it, replicas on one host share the port
    # and the kernel spreads connections among those alive.
    listening = socket.socket(socket.AF_INET6 if ":" in settings.http_host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listening.bind((settings.http_host, settings.http_port))
    uvicorn.Server(uvicorn.Config(app, **UVICORN_OPTIONS)).run(sockets=[listening])
