"""Command line of the patrols service (uses the database directly, as a city admin).

    python -m services.patrols.cli import-police-activity activity.csv   (or .json)

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from services.patrols.main import SERVICE


def main(argv: list[str] | None = None) -> int:
    return SERVICE.import_command_line("govgrid patrols: bulk imports", argv)


if __name__ == "__main__":
    raise SystemExit(main())
