"""Command line of the appointments service (uses the database directly, as a city admin).

    python -m services.appointments.cli import-org-units units.csv
    python -m services.appointments.cli import-people people.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from services.appointments.main import SERVICE


def main(argv: list[str] | None = None) -> int:
    return SERVICE.import_command_line("govgrid appointments: bulk imports", argv)


if __name__ == "__main__":
    raise SystemExit(main())
