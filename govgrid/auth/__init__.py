"""Authentication (bearer JWTs) and the access rules (roles, jurisdictions) shared by every service."""

from govgrid.auth.dependencies import CurrentPrincipal, bearer_scheme, get_principal, require_role
from govgrid.auth.principal import Principal, Role
from govgrid.auth.tokens import mint_token, read_token

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
