"""Command line of the patrols service (uses the database directly, as a city admin).

    python -m services.patrols.cli import-police-activity activity.csv   (or .json)

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from govgrid.commands import CommandContext, CommandResult, run_from_command_line
from govgrid.errors import GovgridError, InvalidInput
from govgrid.imports import parse_rows
from services.patrols.application import imports
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings


def read_rows(path: Path) -> list[tuple[int, PoliceActivityRow]]:
    media_type = "application/json" if path.suffix.lower() == ".json" else "text/csv"
    return parse_rows(path.read_bytes(), media_type, PoliceActivityRow)


async def import_police_activity(
    settings: PatrolsSettings, rows: list[tuple[int, PoliceActivityRow]]
) -> CommandResult:
    service = await start_service(settings)
    try:

        async def work(uow: PatrolsUnitOfWork, ctx: CommandContext) -> CommandResult:
            return await imports.import_police_activity(uow, ctx, rows)

        return await run_from_command_line(service.commands, work)
    finally:
        await service.pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="govgrid patrols: bulk imports")
    parser.add_argument("command", choices=["import-police-activity"])
    parser.add_argument("file", type=Path, help="a .csv (header line first) or .json (a list of rows) file")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"{args.file} is not a file")
    try:
        result = asyncio.run(import_police_activity(PatrolsSettings(), read_rows(args.file)))
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
