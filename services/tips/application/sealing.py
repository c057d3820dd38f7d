"""Sealing an informant's contact: envelope encryption with AES-256-GCM (the ``cryptography`` package).

- Each lead with a contact gets its own random 256-bit key (the data key). The contact is encrypted
  with it, with a fresh 96-bit nonce and the associated data ``tips/contact/<lead id>/<ref>``: a
  ciphertext moved to another lead or reference does not decrypt.
- The data key is stored wrapped (encrypted) by the master key from the settings, with the associated
  data ``tips/lead-key/<lead id>/<master key id>``. A copy of the database alone reveals nothing.
- Destroying the lead's key row (crypto-shredding) makes the contact unrecoverable, whatever copies of
  the ciphertext remain; the events, which never held it, stay intact.
- Keys and plaintexts are never logged: ``SealedContact`` prints no bytes, the master key is a
  ``SecretStr``, and errors name no value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel
from pydantic import SecretStr
from pydantic_core import to_jsonable_python

KEY_BYTES = 32
NONCE_BYTES = 12


class MasterKeyError(ValueError):
    """The master key is malformed, or is not the one a sealed contact was wrapped with."""


@dataclass(frozen=True)
class SealedContact:
    """What the sealed store keeps of one contact; useless without the master key and the lead key."""

    ref: str
    lead_id: str
    master_key_id: str
    key_nonce: bytes = field(repr=False)
    wrapped_key: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)


def _contact_aad(lead_id: str, ref: str) -> bytes:
    return f"tips/contact/{lead_id}/{ref}".encode()


def _key_aad(lead_id: str, master_key_id: str) -> bytes:
    return f"tips/lead-key/{lead_id}/{master_key_id}".encode()


class Sealer:
    def __init__(self, master_key: bytes, master_key_id: str) -> None:
        if len(master_key) != KEY_BYTES:
            raise MasterKeyError(f"the informant master key must be {KEY_BYTES} bytes")
        self._master = AESGCM(master_key)
        self.master_key_id = master_key_id
        # Its own key for request fingerprints: one key, one purpose.
        self._fingerprint_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"govgrid.tips/request-fingerprint"
        ).derive(master_key)

    @classmethod
    def from_secret(cls, secret: SecretStr, master_key_id: str) -> Sealer:
        try:
            key = base64.b64decode(secret.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyError("INFORMANT_MASTER_KEY must be the base64 of 32 random bytes") from None
        return cls(key, master_key_id)

    def seal(self, lead_id: str, ref: str, contact: str) -> SealedContact:
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        nonce, key_nonce = os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
        return SealedContact(
            ref=ref,
            lead_id=lead_id,
            master_key_id=self.master_key_id,
            key_nonce=key_nonce,
            wrapped_key=self._master.encrypt(key_nonce, data_key, _key_aad(lead_id, self.master_key_id)),
            nonce=nonce,
            ciphertext=AESGCM(data_key).encrypt(nonce, contact.encode(), _contact_aad(lead_id, ref)),
        )

    def open(self, sealed: SealedContact) -> str:
        """The contact in clear; ``cryptography.exceptions.InvalidTag`` if anything was tampered with."""
        if sealed.master_key_id != self.master_key_id:
            raise MasterKeyError(f"the contact was sealed under master key {sealed.master_key_id!r}")
        data_key = self._master.decrypt(
            sealed.key_nonce, sealed.wrapped_key, _key_aad(sealed.lead_id, sealed.master_key_id)
        )
        plaintext = AESGCM(data_key).decrypt(
            sealed.nonce, sealed.ciphertext, _contact_aad(sealed.lead_id, sealed.ref)
        )
        return plaintext.decode()

    def fingerprint(self, command: BaseModel) -> str:
        """A keyed digest of a command holding a secret, for the Idempotency-Key check: two requests
        differing only in the contact differ, and the stored digest cannot be used to test a guess
        of the contact (as a plain hash of it could)."""

        def plain(value: Any) -> Any:
            if isinstance(value, SecretStr):
                return value.get_secret_value()
            return to_jsonable_python(value)

        canonical = json.dumps(
            command.model_dump(), default=plain, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hmac.new(self._fingerprint_key, canonical.encode(), hashlib.sha256).hexdigest()
