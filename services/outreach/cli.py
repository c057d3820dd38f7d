"""Command line of the outreach service (uses the database directly, as a city admin).

    python -m services.outreach.cli import-schools schools.csv
    python -m services.outreach.cli import-enterprises enterprises.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
The village codes are checked against this service's copy of the registry, which the running
service keeps in step with the appointments topic.
"""

from __future__ import annotations

from pathlib import Path

from govgrid.commands import CommandResult, ContextHandler, run_in_service
from govgrid.imports import import_command_line, read_rows_file
from services.outreach.application import imports
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.bootstrap import start_service
from services.outreach.settings import OutreachSettings


def import_work(command: str, path: Path) -> ContextHandler[OutreachUnitOfWork]:
    if command == "import-schools":
        school_rows = read_rows_file(path, imports.SchoolRow)
        return lambda uow, ctx: imports.import_schools(uow, ctx, school_rows)
    enterprise_rows = read_rows_file(path, imports.EnterpriseRow)
    return lambda uow, ctx: imports.import_enterprises(uow, ctx, enterprise_rows)


async def run(command: str, path: Path) -> CommandResult:
    return await run_in_service(start_service(OutreachSettings()), import_work(command, path))


def main(argv: list[str] | None = None) -> int:
    description = "govgrid outreach: bulk registration of schools and enterprises"
    return import_command_line(description, ["import-schools", "import-enterprises"], run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
