"""Bearer tokens: HS256 JWTs signed with the shared secret from settings.

Claims: ``sub``, ``role``, ``jur`` (list of org unit codes), ``iss``, ``iat``, ``exp``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import jwt

from govgrid.auth.principal import Principal, Role
from govgrid.config import GovgridSettings
from govgrid.errors import Unauthenticated

ALGORITHM = "HS256"
# Tolerated clock difference between the host that minted a token and the one reading it.
CLOCK_SKEW_SECONDS = 10
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss"]


def mint_token(
    settings: GovgridSettings,
    subject: str,
    role: Role,
    jurisdiction: Iterable[str],
    ttl_seconds: int | None = None,
) -> str:
    """Sign a token; refuses (ValueError) anything ``read_token`` would reject later."""
    role = Role(role)
    codes = sorted(set(jurisdiction))
    ttl = settings.jwt_ttl_seconds if ttl_seconds is None else ttl_seconds
    if not subject:
        raise ValueError("subject must not be empty")
    if ttl <= 0:
        raise ValueError("ttl_seconds must be positive")
    if not all(isinstance(code, str) and code for code in codes):
        raise ValueError("jurisdiction codes must be non-empty strings")
    if not codes and role is not Role.CITY_ADMIN:
        raise ValueError(f"role {role} needs at least one jurisdiction code")
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "role": str(role),
        "jur": codes,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def read_token(settings: GovgridSettings, token: str) -> Principal:
    """Verify ``token`` and return its principal; any problem is Unauthenticated with a short reason."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],  # fixed, never taken from the token header
            issuer=settings.jwt_issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": _REQUIRED_CLAIMS},
        )
    # Reasons come from us, not from PyJWT, so nothing of the token itself is ever echoed.
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token expired") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthenticated(f"token lacks the {exc.claim!r} claim") from exc
    except jwt.InvalidIssuerError as exc:
        raise Unauthenticated("token issuer not accepted") from exc
    except jwt.InvalidSignatureError as exc:
        raise Unauthenticated("token signature invalid") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("token malformed or invalid") from exc
    return _principal_from_claims(claims)


def _principal_from_claims(claims: dict[str, Any]) -> Principal:
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("token subject invalid")
    role_name = claims.get("role")
    if not isinstance(role_name, str):
        raise Unauthenticated("token role unknown")
    try:
        role = Role(role_name)
    except ValueError:
        raise Unauthenticated("token role unknown") from None
    codes = claims.get("jur")
    if not isinstance(codes, list) or not all(isinstance(code, str) and code for code in codes):
        raise Unauthenticated("token jurisdiction must be a list of non-empty codes")
    if not codes and role is not Role.CITY_ADMIN:
        raise Unauthenticated("token jurisdiction empty")
    return Principal(subject=subject, role=role, jurisdiction=frozenset(codes))
