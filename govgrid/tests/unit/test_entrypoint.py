"""A write service's entrypoint: titled after its service, described by its main module's docstring; its
command line imports what its routers import."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.service import Entrypoint
from govgrid.service import Import
from govgrid.service import ServiceBase
from govgrid.service import command_router
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


class HutRow(BaseModel):
    hut_id: str


async def import_huts(uow: object, ctx: CommandContext, rows: list[tuple[int, HutRow]]) -> CommandResult:
    raise AssertionError("not run")


def test_each_import_of_the_routers_is_a_command_of_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    huts = command_router("/huts", ["huts"], {}, [Import("/import", HutRow, import_huts, "Import huts")])
    assert huts.file_imports == {"import-huts": (HutRow, import_huts)}
    with pytest.raises(SystemExit):
        Entrypoint(HutsSettings, start, DOC, [huts]).import_command_line("huts: bulk imports", ["--help"])
    assert "{import-huts}" in capsys.readouterr().out


def test_a_router_has_one_import_at_most_as_the_command_line_names_it_after_the_router() -> None:
    twice = [
        Import("/import", HutRow, import_huts, "Import huts"),
        Import("/again", HutRow, import_huts, "Again"),
    ]
    with pytest.raises(ValueError, match="one import per router"):
        _ = command_router("/huts", ["huts"], {}, twice).file_imports
