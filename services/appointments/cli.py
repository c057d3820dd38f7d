"""Command line of the appointments service (uses the database directly, as a city admin).

    python -m services.appointments.cli import-org-units units.csv
    python -m services.appointments.cli import-people people.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from govgrid.commands import CommandContext, CommandResult, run_from_command_line
from govgrid.errors import GovgridError, InvalidInput
from govgrid.imports import parse_rows
from services.appointments.application import imports
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings

Work = Callable[[AppointmentsUnitOfWork, CommandContext], Awaitable[CommandResult]]


async def run_as_admin(settings: AppointmentsSettings, work: Work) -> CommandResult:
    service = await start_service(settings)
    try:
        return await run_from_command_line(service.commands, work)
    finally:
        await service.pool.close()


def import_work(command: str, path: Path) -> Work:
    media_type = "application/json" if path.suffix.lower() == ".json" else "text/csv"
    content = path.read_bytes()
    if command == "import-org-units":
        units = parse_rows(content, media_type, imports.OrgUnitRow)
        return lambda uow, ctx: imports.import_org_units(uow, ctx, units)
    people = parse_rows(content, media_type, imports.PersonRow)
    return lambda uow, ctx: imports.import_people(uow, ctx, people)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="govgrid appointments: bulk imports")
    parser.add_argument("command", choices=["import-org-units", "import-people"])
    parser.add_argument("file", type=Path, help="a .csv (header line first) or .json (a list of rows) file")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"{args.file} is not a file")
    try:
        result = asyncio.run(run_as_admin(AppointmentsSettings(), import_work(args.command, args.file)))
    except InvalidInput as exc:
        print(json.dumps({"error": exc.code, "detail": exc.details}, ensure_ascii=False, indent=2))
        return 1
    except GovgridError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(result.body, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
