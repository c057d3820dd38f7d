"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.mediation.bootstrap import MediationService


def get_service(request: Request) -> MediationService:
    service: MediationService = request.app.state.service
    return service


Service = Annotated[MediationService, Depends(get_service)]
