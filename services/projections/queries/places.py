"""The rows of a per-place breakdown: each place's code, its names, its figures.

Every "by station" / "by village" answer names its places from the read model's own ``rm_org_units``
(each model registers the units it files under); a unit not registered yet is named None rather than
left out, so its figures still count. The figures of no place (key None: nothing covered them) are
left out of a breakdown, as its charts have no bar for them.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from typing import Any

import asyncpg


async def unit_names(pool: asyncpg.Pool, codes: Collection[str]) -> dict[str, asyncpg.Record]:
    """The registered units among ``codes``: code, names and parent, by code."""
    rows = await pool.fetch(
        "SELECT code, name_zh, name_en, parent_code FROM rm_org_units WHERE code = ANY($1)", list(codes)
    )
    return {r["code"]: r for r in rows}


def names_of(names: Mapping[str, asyncpg.Record], code: str) -> dict[str, str | None]:
    unit = names.get(code)
    return {
        "name_zh": unit["name_zh"] if unit is not None else None,
        "name_en": unit["name_en"] if unit is not None else None,
    }


def placed_codes(figures: Mapping[str | None, Any]) -> list[str]:
    """The places of ``figures`` in code order, without the figures of no place."""
    return sorted(c for c in figures if c is not None)


async def per_place(
    pool: asyncpg.Pool, key: str, figures: Mapping[str | None, dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per place: its code under ``key``, its names, then its figures."""
    codes = placed_codes(figures)
    names = await unit_names(pool, codes)
    return [{key: code, **names_of(names, code), **figures[code]} for code in codes]
