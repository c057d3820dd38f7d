"""Bearer tokens: JWTs with an asymmetric signature, verified with the issuer's public keys.

Services only verify (``read_token``). Tokens come from the city's identity provider; in local mode
(`make up`, tests) ``mint_token`` signs them as the development issuer with a key pair of this machine.
Claims read: ``iss``, ``aud``, ``sub``, ``iat``, ``exp``, and the role and jurisdiction claims whose
names the settings give (``role`` and ``jur`` by default).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import jwt

from govgrid.auth.development import ALGORITHM as DEVELOPMENT_ALGORITHM
from govgrid.auth.development import signing_key
from govgrid.auth.keys import key_set_for
from govgrid.auth.principal import Principal
from govgrid.auth.principal import Role
from govgrid.config import DEVELOPMENT_ISSUER
from govgrid.config import GovgridSettings
from govgrid.errors import Unauthenticated

# Tolerated clock difference between the host that minted a token and the one reading it.
CLOCK_SKEW_SECONDS = 10
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
_ROLE_NAMES = frozenset(role.value for role in Role)


def mint_token(
    settings: GovgridSettings,
    subject: str,
    role: Role,
    jurisdiction: Iterable[str],
    ttl_seconds: int | None = None,
) -> str:
    """Sign a token as the development issuer; refuses (ValueError) anything ``read_token`` would
    reject later, and any settings whose services would not trust the development issuer."""
    if settings.auth_issuer != DEVELOPMENT_ISSUER:
        raise ValueError(f"only the development issuer mints tokens; AUTH_ISSUER is {settings.auth_issuer!r}")
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
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "iat": now,
        "exp": now + ttl,
    }
    _put_claim(claims, settings.auth_role_claim, str(role))
    _put_claim(claims, settings.auth_jurisdiction_claim, codes)
    kid, key = signing_key(settings.development_key_dir)
    return jwt.encode(claims, key, algorithm=DEVELOPMENT_ALGORITHM, headers={"kid": kid})


def read_token(settings: GovgridSettings, token: str) -> Principal:
    """Verify ``token`` and return its principal; any problem is Unauthenticated with a short reason.

    May fetch the issuer's keys (blocking, bounded by ``auth_provider_timeout_seconds``); a provider
    that cannot be reached for a key we do not have yet is DependencyUnavailable (503)."""
    # Reasons come from us, not from PyJWT, so nothing of the token itself is ever echoed.
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthenticated("token malformed or invalid") from exc
    algorithm, kid = header.get("alg"), header.get("kid")
    # The accepted algorithms are fixed by settings, never taken from the token: no "none", no HMAC.
    if algorithm not in settings.auth_algorithms:
        raise Unauthenticated("token algorithm not accepted")
    if not isinstance(kid, str):
        raise Unauthenticated("token names no signing key")
    key = key_set_for(settings).key(kid)
    if key.algorithm_name != algorithm:
        raise Unauthenticated("token algorithm does not match its key")
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[algorithm],
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token expired") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthenticated(f"token lacks the {exc.claim!r} claim") from exc
    except jwt.InvalidIssuerError as exc:
        raise Unauthenticated("token issuer not accepted") from exc
    except jwt.InvalidAudienceError as exc:
        raise Unauthenticated("token audience not accepted") from exc
    except jwt.InvalidSignatureError as exc:
        raise Unauthenticated("token signature invalid") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("token malformed or invalid") from exc
    return _principal_from_claims(settings, claims)


def _principal_from_claims(settings: GovgridSettings, claims: dict[str, Any]) -> Principal:
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("token subject invalid")
    role = _role(_claim(claims, settings.auth_role_claim))
    codes = _claim(claims, settings.auth_jurisdiction_claim)
    if not isinstance(codes, list) or not all(isinstance(code, str) and code for code in codes):
        raise Unauthenticated("token jurisdiction must be a list of non-empty codes")
    if not codes and role is not Role.CITY_ADMIN:
        raise Unauthenticated("token jurisdiction empty")
    return Principal(subject=subject, role=role, jurisdiction=frozenset(codes))


def _role(value: Any) -> Role:
    # A provider's role claim is often a list holding roles of other systems too (Keycloak's
    # realm_access.roles): exactly one of them must be a govgrid role, or we cannot tell who this is.
    names = value if isinstance(value, list) else [value]
    roles = {Role(name) for name in names if isinstance(name, str) and name in _ROLE_NAMES}
    if len(roles) != 1:
        raise Unauthenticated("token role unknown")
    return roles.pop()


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for name in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _put_claim(claims: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        claims = claims.setdefault(parent, {})
    claims[name] = value
