"""The jurisdiction rule as SQL, for the indexes and read models that filter rows by it.

The rule itself is govgrid.auth.Principal.can_see: a city admin sees everything; anyone else sees a
record when its township, station or village code is one of the codes of their token. This is the
same rule for rows that carry those three codes.
"""

from __future__ import annotations

from govgrid.auth import Principal
from govgrid.auth import Role


def visible_codes(principal: Principal) -> list[str] | None:
    """Bind this to the parameter of ``visible_sql``: the caller's codes, or None for everything."""
    return None if principal.role is Role.CITY_ADMIN else sorted(principal.jurisdiction)


def visible_sql(
    param: str, township: str = "township_code", station: str = "station_code", village: str = "village_code"
) -> str:
    """A condition true for the rows the caller may see; ``param`` (``$1``) is bound to
    ``visible_codes(principal)``, the other arguments name the row's code columns."""
    return (
        f"({param}::text[] IS NULL OR {township} = ANY({param}::text[])"
        f" OR {station} = ANY({param}::text[]) OR {village} = ANY({param}::text[]))"
    )
