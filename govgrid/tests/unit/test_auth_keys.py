"""govgrid.auth.keys.KeySet: when the verification keys are fetched again, and what an outage does."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govgrid.auth.keys import KeySet
from govgrid.errors import DependencyUnavailable
from govgrid.errors import Unauthenticated


def public_jwk(kid: str, **extra: str) -> dict[str, Any]:
    jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(
        Ed25519PrivateKey.generate().public_key(), as_dict=True
    )
    return {**jwk, "kid": kid, **extra}


class Provider:
    """A JWKS source whose keys and reachability the test controls; counts the fetches."""

    def __init__(self, *kids: str) -> None:
        self.keys = [public_jwk(kid) for kid in kids]
        self.fetches = 0
        self.down = False

    def __call__(self) -> Any:
        self.fetches += 1
        if self.down:
            raise httpx.ConnectError("connection refused")
        return {"keys": self.keys}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_keys_are_fetched_once_and_then_served_from_the_cache(clock: Clock) -> None:
    provider = Provider("k1", "k2")
    keys = KeySet(provider, refresh_seconds=30, max_age_seconds=3600, clock=clock)

    assert keys.key("k1").key_id == "k1"
    assert keys.key("k2").key_id == "k2"
    assert keys.key("k1").key_id == "k1"
    assert provider.fetches == 1


def test_a_rotated_key_is_fetched_on_its_first_token_but_unknown_ids_are_rate_limited(clock: Clock) -> None:
    provider = Provider("k1")
    keys = KeySet(provider, refresh_seconds=30, max_age_seconds=3600, clock=clock)
    keys.key("k1")

    clock.now += 31
    provider.keys.append(public_jwk("k2"))
    assert keys.key("k2").key_id == "k2"  # the provider rotated: one fetch finds the new key
    assert provider.fetches == 2

    for forged in ("x1", "x2", "x3"):
        with pytest.raises(Unauthenticated, match="unknown key"):
            keys.key(forged)
    assert provider.fetches == 2  # the last fetch is under 30 s old: forged ids cost the provider nothing

    clock.now += 30
    for forged in ("x4", "x5"):
        with pytest.raises(Unauthenticated):
            keys.key(forged)
    assert provider.fetches == 3


def test_a_withdrawn_key_stops_working_after_the_maximum_age(clock: Clock) -> None:
    provider = Provider("old", "new")
    keys = KeySet(provider, refresh_seconds=30, max_age_seconds=600, clock=clock)
    keys.key("old")

    provider.keys = [k for k in provider.keys if k["kid"] != "old"]
    clock.now += 599
    assert keys.key("old").key_id == "old"
    clock.now += 1
    with pytest.raises(Unauthenticated, match="unknown key"):
        keys.key("old")
    assert keys.key("new").key_id == "new"
    assert provider.fetches == 2


def test_known_keys_keep_working_while_the_provider_is_down(clock: Clock) -> None:
    provider = Provider("k1")
    keys = KeySet(provider, refresh_seconds=30, max_age_seconds=600, clock=clock)
    keys.key("k1")

    provider.down = True
    clock.now += 601
    assert keys.key("k1").key_id == "k1"
    assert provider.fetches == 2

    clock.now += 30
    with pytest.raises(DependencyUnavailable):
        keys.key("k2")  # a key we never had cannot be checked: 503, not 401


def test_encryption_keys_keys_without_id_and_unusable_keys_are_skipped(clock: Clock) -> None:
    provider = Provider("sig")
    no_kid = public_jwk("x")
    del no_kid["kid"]
    provider.keys += [public_jwk("enc", use="enc"), no_kid, {"kty": "XYZ", "kid": "odd"}]
    keys = KeySet(provider, refresh_seconds=0, max_age_seconds=600, clock=clock)

    assert keys.key("sig").key_id == "sig"
    for kid in ("enc", "x", "odd"):
        with pytest.raises(Unauthenticated):
            keys.key(kid)


@pytest.mark.parametrize("document", [[], {"keys": "k1"}, "not json"])
def test_a_document_that_is_not_a_key_set_is_an_unavailable_provider(clock: Clock, document: Any) -> None:
    keys = KeySet(lambda: document, refresh_seconds=0, max_age_seconds=600, clock=clock)

    with pytest.raises(DependencyUnavailable):
        keys.key("k1")
