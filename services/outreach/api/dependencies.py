"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.outreach.bootstrap import OutreachService


def get_service(request: Request) -> OutreachService:
    service: OutreachService = request.app.state.service
    return service


Service = Annotated[OutreachService, Depends(get_service)]
