"""The FastAPI application every service builds: errors, observability and health wired the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import APIRouter, FastAPI
from starlette.types import Lifespan

from govgrid.config import GovgridSettings
from govgrid.web.errors import install_error_handlers
from govgrid.web.health import ReadyCheck, health_router
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
