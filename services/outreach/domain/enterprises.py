"""Enterprises: registered organisations of this service, each in a village or community and a
sector, visited by officers ("百警进百企") and offering jobs to people in difficulty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import EnterpriseRegistered
from govgrid.catalogue.outreach import EnterpriseSector
from govgrid.envelope import StreamNaming
from govgrid.rules import KeyMustBeFree
from govgrid.rules import MustBeRegistered
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import registered_once

stream_id = StreamNaming("enterprise")


@dataclass(frozen=True)
class Enterprise:
    """A registered enterprise: its name, village or community and sector."""

    enterprise_code: str
    name: str
    village_code: str
    sector: EnterpriseSector


evolve = registered_once(Enterprise, EnterpriseRegistered)


class EnterpriseCodeMustBeFree(KeyMustBeFree):
    code = "enterprise_already_registered"
    record = "enterprise"


@broken_if(
    EnterpriseCodeMustBeFree.code,
    "enterprise {enterprise.enterprise_code} is registered as {enterprise.name} ({enterprise.sector.value}) "
    "in {enterprise.village_code}, unlike this row",
)
def RowMustBeTheRegisteredEnterprise(enterprise: Enterprise, row: Mapping[str, object]) -> bool:
    """A file's row of an enterprise already registered says what is registered: an import registers
    the new enterprises and leaves the others as they are, it does not edit them."""
    return asdict(enterprise) != row


class EnterpriseMustExist(MustBeRegistered):
    """No visit, case or referral names an enterprise before it is registered."""

    code = "unknown_enterprise"
    record = "enterprise"


def register(
    existing: Enterprise | None,
    *,
    enterprise_code: str,
    name: str,
    village_code: str,
    sector: EnterpriseSector,
) -> list[DomainEvent]:
    """``village_code`` names a village or community of the registry (checked by the caller)."""
    check(EnterpriseCodeMustBeFree(existing, enterprise_code))
    return [
        EnterpriseRegistered(
            enterprise_code=enterprise_code, name=name, village_code=village_code, sector=sector
        )
    ]
