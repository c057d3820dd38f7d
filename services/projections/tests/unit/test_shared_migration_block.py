"""The read models' organisation tables are one file each model's 0001 includes: the migrations stay,
to the byte, what deployed generations applied before the block was shared, so an upgrade starts
without MigrationChanged and without a rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgrid.db import checksum
from govgrid.db import migration_sql
from services.projections.readmodels import READ_MODELS

SQL = Path(__file__).parents[2] / "readmodels" / "sql"

# sha256 of each 0001 as applied before sql/organisation_tables.sql existed (the tables written out).
APPLIED = {
    "clocks/0001_clocks_tables.sql": "03f776ba857f4f530c3fa3302e184c316da98d4883a588a8e2ea48f41e431d64",
    "coverage/0001_coverage.sql": "9ce34f3bbfb9e5703fab95d2076f3a01e942d31f79fc021917e3ac9034ca762c",
    "disputes/0001_disputes_tables.sql": "fd02bc7ffe8f7db19e7c532af572fa9cfcf0460575415a581fa99dab068cd705",
    "leads/0001_leads_tables.sql": "ee9345b390b6aec034ea80afce70c5ea602d4d7f61ce0ce9962a3263d747939a",
    "outreach/0001_outreach_tables.sql": "ed860e694f6ed95bf05d6e3c098bae0238ebf3231ecf8c5441eba54ddf11680b",
    "patrols/0001_patrols_tables.sql": "30142b804027d5df5467e490fb199357d9ccdda108ac91eeb78f641e3e5aded7",
    "police_activity/0001_police_activity_tables.sql": (
        "9e0cbfc0c28f90e415df31167c822dc86f6483294e25f0a85e5e202dd12f64ad"
    ),
}


@pytest.mark.parametrize("name", sorted(APPLIED))
def test_a_migration_that_includes_the_organisation_tables_is_what_was_applied(name: str) -> None:
    path = SQL / name
    assert "\\ir ../organisation_tables.sql\n" in path.read_text()
    assert checksum(migration_sql(path)) == APPLIED[name]


def test_every_model_with_the_organisation_tables_includes_them() -> None:
    including = {
        f"{model.name}/{path.name}"
        for model in READ_MODELS
        for path in model.sql.glob("*.sql")
        if "organisation_tables.sql" in path.read_text()
    }
    assert including == set(APPLIED)
    assert all("CREATE TABLE rm_org_units" not in (SQL / name).read_text() for name in APPLIED)
