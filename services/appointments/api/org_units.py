"""Organisation units: the grid hierarchy and which station covers each village."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import Import
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import registry_code
from govgrid.service import state_response
from services.appointments.application import handlers as h
from services.appointments.application import imports
from services.appointments.domain.org_units import OrgUnit

Answer = state_response(OrgUnit)

router = command_router(
    "/org-units",
    ["organisation units"],
    {"code": registry_code()},
    [
        Command(
            "",
            h.register_unit,
            "Register an organisation unit",
        ),
        Import(
            "/import",
            imports.OrgUnitRow,
            imports.import_org_units,
            "Import organisation units from CSV or JSON (all rows or none)",
        ),
        Command(
            "/{code}/rename",
            h.rename_unit,
            "Rename an organisation unit",
        ),
        Command(
            "/{code}/location",
            h.locate_unit,
            "Set or correct where an organisation unit is (its point and, optionally, its boundary)",
        ),
        Command(
            "/{code}/coverage",
            h.assign_coverage,
            "A police station covers this village from a date on",
        ),
        Command(
            "/{code}/coverage/end",
            h.end_coverage,
            "A police station stops covering this village",
        ),
    ],
    state=StateReads(h.ORG_UNIT, Answer),
)
