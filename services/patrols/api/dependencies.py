"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.patrols.bootstrap import PatrolsService


def get_service(request: Request) -> PatrolsService:
    service: PatrolsService = request.app.state.service
    return service


Service = Annotated[PatrolsService, Depends(get_service)]
