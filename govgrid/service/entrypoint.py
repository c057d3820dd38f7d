"""A write service's ``main`` and its command line, from its settings class, its start and its
routers."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from fastapi import APIRouter
from fastapi import FastAPI

from govgrid.imports import import_command_line
from govgrid.service.base import ServiceBase
from govgrid.service.base import service_app
from govgrid.service.routes import CommandRouter
from govgrid.service.settings import ServiceSettings
from govgrid.web.app import serve

Se = TypeVar("Se", bound=ServiceSettings)


@dataclass(frozen=True)
class Entrypoint(Generic[Se]):
    """A write service's ``main``: its app (``create_app``, for tests and ``uvicorn --factory``), its
    foreground run (``python -m services.<name>``) and its command line of imports. The app is titled
    ``govgrid <service_name>``; ``description``, what the service does, is its main module's
    docstring (its line breaks read as spaces)."""

    settings: Callable[[], Se]
    start: Callable[[Se], Awaitable[ServiceBase[Any, Se]]]
    description: str | None  # a module's __doc__: None where it has none, refused
    routers: Sequence[APIRouter]

    def __post_init__(self) -> None:
        if not self.description:
            raise ValueError("an entrypoint says what its service does: its main module's docstring")

    def create_app(self, settings: Se | None = None) -> FastAPI:
        settings = settings or self.settings()
        return service_app(
            settings,
            self.start,
            title=f"govgrid {settings.service_name}",
            description=" ".join((self.description or "").split()),
            routers=self.routers,
        )

    def run(self) -> None:
        serve(self.create_app, self.settings())

    def import_command_line(self, description: str, argv: list[str] | None = None) -> int:
        """The service's ``cli.py``, ``COMMAND FILE``: each import its routers declare is a command,
        ``import-<prefix>`` (``import-org-units`` for ``POST /org-units/import``), run in the started
        service as a city admin (govgrid.imports.import_command_line)."""
        imports = {
            command: file_import
            for router in self.routers
            if isinstance(router, CommandRouter)
            for command, file_import in router.file_imports.items()
        }
        return import_command_line(description, lambda: self.start(self.settings()), imports, argv)
