"""Every read route notes its caller for the read audit: a router without it records its reads with no
subject or role (the clocks and map routers did)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi import APIRouter

from services.projections import api
from services.projections.audit import remember_caller

# Live updates read the token from the query (EventSource sends no headers) and note the caller there.
NOTED_ITS_OWN_WAY = {"services.projections.api.live"}


def read_routers() -> list[tuple[str, APIRouter]]:
    modules = (
        importlib.import_module(f"{api.__name__}.{m.name}") for m in pkgutil.iter_modules(api.__path__)
    )
    return [(m.__name__, m.router) for m in modules if isinstance(getattr(m, "router", None), APIRouter)]


def test_the_read_api_has_its_routers() -> None:
    assert len(read_routers()) == 13


@pytest.mark.parametrize(
    "router",
    [router for module, router in read_routers() if module not in NOTED_ITS_OWN_WAY],
    ids=lambda router: router.prefix,
)
def test_every_read_router_notes_its_caller(router: APIRouter) -> None:
    assert remember_caller in {d.dependency for d in router.dependencies}
