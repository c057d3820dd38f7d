"""Command line of the patrols service (uses the database directly, as a city admin).

    python -m services.patrols.cli import-police-activity activity.csv   (or .json)

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from govgrid.imports import import_command_line
from services.patrols.application import imports
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings


def main(argv: list[str] | None = None) -> int:
    return import_command_line(
        "govgrid patrols: bulk imports",
        lambda: start_service(PatrolsSettings()),
        {"import-police-activity": (PoliceActivityRow, imports.import_police_activity)},
        argv,
    )


if __name__ == "__main__":
    raise SystemExit(main())
