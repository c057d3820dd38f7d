"""The public keys tokens are verified with: the identity provider's JWKS, found by OIDC discovery, or
in local mode the development issuer's jwks.json. Cached; fetched again when a token names a key we do
not know (the provider rotated its keys), at most every ``auth_key_refresh_seconds``.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import jwt

from govgrid.auth.development import JWKS_FILE
from govgrid.config import DEVELOPMENT_ISSUER
from govgrid.config import GovgridSettings
from govgrid.errors import DependencyUnavailable
from govgrid.errors import Unauthenticated

log = logging.getLogger(__name__)

JwksSource = Callable[[], Any]


class KeySet:
    """The verification keys of one issuer by key id.

    A token naming an unknown key makes us fetch the set again, but not more often than
    ``refresh_seconds``, so a stream of forged key ids cannot turn us against the provider. After
    ``max_age_seconds`` the set is fetched again anyway, so a key the provider withdrew stops working.
    While the provider cannot be reached, the keys we have keep working.
    """

    def __init__(
        self,
        source: JwksSource,
        refresh_seconds: float,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._refresh_seconds = refresh_seconds
        self._max_age_seconds = max_age_seconds
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = -math.inf
        self._attempted_at = -math.inf
        self._lock = threading.Lock()  # one fetch at a time; the others wait for its keys

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            now = self._clock()
            if self._fetch_due(now, kid):
                self._attempted_at = now
                try:
                    self._keys = _usable_keys(self._source())
                    self._fetched_at = now
                except (OSError, ValueError, httpx.HTTPError, jwt.PyJWTError) as exc:
                    if kid not in self._keys:
                        log.warning("the key set cannot be fetched: %r", exc)
                        raise DependencyUnavailable("the identity provider's keys cannot be read") from exc
                    log.warning("keeping the cached keys: fetching the key set failed: %s", exc)
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("token signed by an unknown key")
        return key

    def _fetch_due(self, now: float, kid: str) -> bool:
        if now - self._attempted_at < self._refresh_seconds:
            return False
        return kid not in self._keys or now - self._fetched_at >= self._max_age_seconds


def _usable_keys(jwks: Any) -> dict[str, jwt.PyJWK]:
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("not a JSON Web Key Set")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in jwks["keys"]:
        # Encryption keys and keys without an id are of no use for verifying our tokens.
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or "kid" not in entry:
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue  # a key type or curve PyJWT cannot verify with; the others still serve
    return keys


def jwks_file(path: Path) -> JwksSource:
    def read() -> Any:
        return json.loads(path.read_text(encoding="utf-8"))

    return read


def jwks_by_discovery(issuer: str, timeout_seconds: float) -> JwksSource:
    """OIDC discovery: <issuer>/.well-known/openid-configuration names the jwks_uri."""
    discovery_url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"

    def fetch() -> Any:
        with httpx.Client(timeout=timeout_seconds) as client:
            configuration = client.get(discovery_url).raise_for_status().json()
            # OIDC Discovery 1.0, section 4.3: the document must name the issuer we asked about.
            if configuration.get("issuer") != issuer:
                raise ValueError(f"{discovery_url} names issuer {configuration.get('issuer')!r}")
            jwks_uri = configuration.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise ValueError(f"{discovery_url} names no jwks_uri")
            return client.get(jwks_uri).raise_for_status().json()

    return fetch


def key_set_for(settings: GovgridSettings) -> KeySet:
    """The one cached key set of the settings' issuer (per process)."""
    return _key_set(
        settings.auth_issuer,
        settings.development_key_dir.resolve(),
        settings.auth_key_refresh_seconds,
        settings.auth_key_max_age_seconds,
        settings.auth_provider_timeout_seconds,
    )


@lru_cache
def _key_set(
    issuer: str, development_key_dir: Path, refresh_seconds: float, max_age_seconds: float, timeout: float
) -> KeySet:
    if issuer == DEVELOPMENT_ISSUER:
        # A local file costs nothing to read again: no rate limit, so a key pair generated after the
        # service started is picked up by the first token signed with it.
        return KeySet(jwks_file(development_key_dir / JWKS_FILE), 0.0, max_age_seconds)
    return KeySet(jwks_by_discovery(issuer, timeout), refresh_seconds, max_age_seconds)
