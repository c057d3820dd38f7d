"""FastAPI dependencies that turn the ``Authorization: Bearer`` header into a Principal.

They only raise Unauthenticated / Forbidden; govgrid.web.errors maps those to 401 / 403.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Coroutine
from typing import Annotated
from typing import Any

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security import HTTPBearer

from govgrid.auth.principal import Principal
from govgrid.auth.principal import Role
from govgrid.auth.tokens import read_token
from govgrid.config import GovgridSettings
from govgrid.config import get_settings
from govgrid.errors import Forbidden
from govgrid.errors import Unauthenticated

# auto_error=False: we raise our own Unauthenticated, but OpenAPI still shows the bearer scheme.
bearer_scheme = HTTPBearer(auto_error=False)


# The dependencies are coroutines: FastAPI runs a plain function dependency in a worker thread, a
# thread hand-off per request per dependency for work that takes microseconds (get_settings, a plain
# function, was still one: about 6 % of a write service's CPU samples under load, issue 14).
async def current_settings() -> GovgridSettings:
    """``get_settings`` as a dependency; override this one in tests."""
    return get_settings()


async def get_principal(
    settings: Annotated[GovgridSettings, Depends(current_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    # HTTPBearer yields None both for a missing header and for a scheme other than Bearer.
    if credentials is None:
        raise Unauthenticated("expected an 'Authorization: Bearer <token>' header")
    return read_token(settings, credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that passes the principal through only when its role is one of ``roles``."""
    if not roles:
        raise ValueError("require_role needs at least one role")
    allowed = frozenset(roles)
    allowed_text = ", ".join(sorted(allowed))

    async def check_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"role {principal.role} may not do this (allowed: {allowed_text})")
        return principal

    return check_role
