"""Command line of the patrols service (uses the database directly, as a city admin).

    python -m services.patrols.cli import-police-activity activity.csv   (or .json)

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from pathlib import Path

from govgrid.commands import CommandResult, run_in_service
from govgrid.imports import import_command_line, read_rows_file
from services.patrols.application import imports
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings


async def run(command: str, path: Path) -> CommandResult:
    rows = read_rows_file(path, PoliceActivityRow)
    return await run_in_service(
        start_service(PatrolsSettings()), lambda uow, ctx: imports.import_police_activity(uow, ctx, rows)
    )


def main(argv: list[str] | None = None) -> int:
    return import_command_line("govgrid patrols: bulk imports", ["import-police-activity"], run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
