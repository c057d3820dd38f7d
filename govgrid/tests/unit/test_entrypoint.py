"""A write service's entrypoint: titled after its service, described by its main module's docstring."""

from __future__ import annotations

import pytest

from govgrid.service import Entrypoint, ServiceBase
from govgrid.service.settings import ServiceSettings

pytestmark = pytest.mark.unit


class HutsSettings(ServiceSettings):
    service_name: str = "huts"
    database_schema: str = "huts"


async def start(settings: HutsSettings) -> ServiceBase[object, HutsSettings]:
    raise AssertionError("the app is only built, not started")


DOC = """Huts of the villages: built,
painted, mended."""


def test_the_app_is_titled_after_the_service_and_described_by_the_docstring() -> None:
    info = Entrypoint(HutsSettings, start, DOC, []).create_app().openapi()["info"]
    assert (info["title"], info["description"]) == (
        "govgrid huts",
        "Huts of the villages: built, painted, mended.",
    )


def test_a_main_module_without_a_docstring_is_refused() -> None:
    with pytest.raises(ValueError, match="docstring"):
        Entrypoint(HutsSettings, start, None, [])
