"""The sealed store's cryptography: envelope encryption with AES-256-GCM, bound to the lead."""

from __future__ import annotations

import base64
import dataclasses
import os

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr

from services.tips.application import commands as c
from services.tips.application.sealing import MasterKeyError
from services.tips.application.sealing import Sealer

CONTACT = "+86 138 0013 8000 / 微信 wx_informant_42"
LEAD, OTHER_LEAD = "a" * 32, "b" * 32
REF = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(os.urandom(32), "k1")


def test_a_sealed_contact_opens_with_the_master_key_and_shows_nothing_in_clear(sealer: Sealer) -> None:
    sealed = sealer.seal(LEAD, REF, CONTACT)
    assert sealer.open(sealed) == CONTACT
    assert CONTACT.encode() not in sealed.ciphertext
    assert "ciphertext" not in repr(sealed) and "wrapped_key" not in repr(sealed)


def test_every_lead_gets_its_own_key_and_nonces(sealer: Sealer) -> None:
    one, two = sealer.seal(LEAD, REF, CONTACT), sealer.seal(LEAD, REF, CONTACT)
    assert one.wrapped_key != two.wrapped_key and one.ciphertext != two.ciphertext
    assert one.nonce != two.nonce and one.key_nonce != two.key_nonce


def test_a_ciphertext_moved_to_another_lead_does_not_open(sealer: Sealer) -> None:
    sealed = sealer.seal(LEAD, REF, CONTACT)
    with pytest.raises(InvalidTag):
        sealer.open(dataclasses.replace(sealed, lead_id=OTHER_LEAD))
    with pytest.raises(InvalidTag):
        sealer.open(dataclasses.replace(sealed, ref="f" * 32))


def test_without_the_leads_key_the_ciphertext_is_useless(sealer: Sealer) -> None:
    sealed = sealer.seal(LEAD, REF, CONTACT)
    other = sealer.seal(OTHER_LEAD, REF, "someone else")
    # Shredding deletes the lead's wrapped key: no other key (the master key included) opens it.
    with pytest.raises(InvalidTag):
        sealer.open(dataclasses.replace(sealed, wrapped_key=other.wrapped_key, key_nonce=other.key_nonce))


def test_another_master_key_opens_nothing(sealer: Sealer) -> None:
    sealed = sealer.seal(LEAD, REF, CONTACT)
    with pytest.raises(InvalidTag):
        Sealer(os.urandom(32), "k1").open(sealed)
    with pytest.raises(MasterKeyError):
        Sealer(os.urandom(32), "k2").open(sealed)


def test_a_malformed_master_key_is_refused_without_being_echoed() -> None:
    for secret in ("not base64!", base64.b64encode(b"too short").decode(), "密钥"):
        with pytest.raises(MasterKeyError) as raised:
            Sealer.from_secret(SecretStr(secret), "k1")
        assert secret not in str(raised.value)
    assert Sealer.from_secret(SecretStr(base64.b64encode(os.urandom(32)).decode()), "k1")


def test_the_request_fingerprint_sees_the_contact_but_never_shows_it(sealer: Sealer) -> None:
    def command(contact: str) -> c.SubmitLead:
        return c.SubmitLead.model_validate(
            {
                "channel": "app",
                "category": "drugs",
                "place_code": "V01",
                "informant_contact": contact,
                "description": "x",
            }
        )

    first = sealer.fingerprint(command(CONTACT))
    assert first == sealer.fingerprint(command(CONTACT))
    assert first != sealer.fingerprint(command(CONTACT + "0"))
    assert first != Sealer(os.urandom(32), "k1").fingerprint(command(CONTACT))  # keyed: no guessing offline
