"""Command line of the outreach service (uses the database directly, as a city admin).

    python -m services.outreach.cli import-schools schools.csv
    python -m services.outreach.cli import-enterprises enterprises.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
The village codes are checked against this service's copy of the registry, which the running
service keeps in step with the appointments topic.
"""

from __future__ import annotations

from services.outreach.main import SERVICE


def main(argv: list[str] | None = None) -> int:
    return SERVICE.import_command_line("govgrid outreach: bulk registration of schools and enterprises", argv)


if __name__ == "__main__":
    raise SystemExit(main())
