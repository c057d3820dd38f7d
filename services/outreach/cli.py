"""Command line of the outreach service (uses the database directly, as a city admin).

    python -m services.outreach.cli import-schools schools.csv
    python -m services.outreach.cli import-enterprises enterprises.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
The village codes are checked against this service's copy of the registry, which the running
service keeps in step with the appointments topic.
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
from services.outreach.application import imports
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.bootstrap import start_service
from services.outreach.settings import OutreachSettings

Work = Callable[[OutreachUnitOfWork, CommandContext], Awaitable[CommandResult]]


async def run_as_admin(settings: OutreachSettings, work: Work) -> CommandResult:
    service = await start_service(settings)
    try:
        return await run_from_command_line(service.commands, work)
    finally:
        await service.pool.close()


def import_work(command: str, path: Path) -> Work:
    media_type = "application/json" if path.suffix.lower() == ".json" else "text/csv"
    content = path.read_bytes()
    if command == "import-schools":
        school_rows = parse_rows(content, media_type, imports.SchoolRow)
        return lambda uow, ctx: imports.import_schools(uow, ctx, school_rows)
    enterprise_rows = parse_rows(content, media_type, imports.EnterpriseRow)
    return lambda uow, ctx: imports.import_enterprises(uow, ctx, enterprise_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="govgrid outreach: bulk registration of schools and enterprises"
    )
    parser.add_argument("command", choices=["import-schools", "import-enterprises"])
    parser.add_argument("file", type=Path, help="a .csv (header line first) or .json (a list of rows) file")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"{args.file} is not a file")
    try:
        result = asyncio.run(run_as_admin(OutreachSettings(), import_work(args.command, args.file)))
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
