"""Command line of the appointments service (uses the database directly, as a city admin).

    python -m services.appointments.cli import-org-units units.csv
    python -m services.appointments.cli import-people people.json

Prints the import report as JSON; exit code 1 when rows were rejected (nothing is then imported).
"""

from __future__ import annotations

from govgrid.imports import import_command_line
from services.appointments.application import imports
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings


def main(argv: list[str] | None = None) -> int:
    return import_command_line(
        "govgrid appointments: bulk imports",
        lambda: start_service(AppointmentsSettings()),
        {
            "import-org-units": (imports.OrgUnitRow, imports.import_org_units),
            "import-people": (imports.PersonRow, imports.import_people),
        },
        argv,
    )


if __name__ == "__main__":
    raise SystemExit(main())
