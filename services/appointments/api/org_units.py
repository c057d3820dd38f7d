"""Organisation units: the grid hierarchy and which station covers each village."""

from __future__ import annotations

from govgrid.service import Command, Import, StateReads, command_router, registry_code, state_response
from services.appointments.application import commands as c
from services.appointments.application import handlers as h
from services.appointments.application import imports
from services.appointments.domain.org_units import OrgUnit

Answer = state_response(OrgUnit)
ID = {"code": registry_code()}

router = command_router(
    "/org-units",
    ["organisation units"],
    ID,
    [
        Command("", c.RegisterOrgUnit, h.register_unit, "Register an organisation unit", Answer, 201),
        Import(
            "/import",
            imports.OrgUnitRow,
            imports.import_org_units,
            "Import organisation units from CSV or JSON (all rows or none)",
        ),
        Command("/{code}/rename", c.RenameOrgUnit, h.rename_unit, "Rename an organisation unit", Answer),
        Command(
            "/{code}/location",
            c.LocateOrgUnit,
            h.locate_unit,
            "Set or correct where an organisation unit is (its point and, optionally, its boundary)",
            Answer,
        ),
        Command(
            "/{code}/coverage",
            c.AssignVillageCoverage,
            h.assign_coverage,
            "A police station covers this village from a date on",
            Answer,
        ),
        Command(
            "/{code}/coverage/end",
            c.EndVillageCoverage,
            h.end_coverage,
            "A police station stops covering this village",
            Answer,
        ),
    ],
    state=StateReads(h.ORG_UNIT, Answer),
)
