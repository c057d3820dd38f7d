"""Authentication (bearer JWTs) and the access rules (roles, jurisdictions) shared by every service."""

from govgrid.auth.dependencies import CurrentPrincipal
from govgrid.auth.dependencies import bearer_scheme
from govgrid.auth.dependencies import get_principal
from govgrid.auth.dependencies import require_role
from govgrid.auth.principal import Principal
from govgrid.auth.principal import Role
from govgrid.auth.tokens import mint_token
from govgrid.auth.tokens import read_token

__all__ = [
    "CurrentPrincipal",
    "Principal",
    "Role",
    "bearer_scheme",
    "get_principal",
    "mint_token",
    "read_token",
    "require_role",
]
