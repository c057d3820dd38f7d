"""Command line of the appointments service (uses the database directly, as a city admin).

    python -m services.appointments.cli import-org-units units.csv
    python -m services.appointments.cli import-people people.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from pathlib import Path

from govgrid.commands import CommandResult, ContextHandler, run_in_service
from govgrid.imports import import_command_line, read_rows_file
from services.appointments.application import imports
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings


def import_work(command: str, path: Path) -> ContextHandler[AppointmentsUnitOfWork]:
    if command == "import-org-units":
        units = read_rows_file(path, imports.OrgUnitRow)
        return lambda uow, ctx: imports.import_org_units(uow, ctx, units)
    people = read_rows_file(path, imports.PersonRow)
    return lambda uow, ctx: imports.import_people(uow, ctx, people)


async def run(command: str, path: Path) -> CommandResult:
    return await run_in_service(start_service(AppointmentsSettings()), import_work(command, path))


def main(argv: list[str] | None = None) -> int:
    commands = ["import-org-units", "import-people"]
    return import_command_line("govgrid appointments: bulk imports", commands, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
