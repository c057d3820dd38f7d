"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.tips.bootstrap import TipsService


def get_service(request: Request) -> TipsService:
    service: TipsService = request.app.state.service
    return service


Service = Annotated[TipsService, Depends(get_service)]
