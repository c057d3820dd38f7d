"""The development issuer's key pair: an Ed25519 key generated on this machine for `make up` and tests.

The directory holds ``signing-key.pem`` (private, read by ``govgrid.auth.mint`` only) and ``jwks.json``
(its public half, read by the services in local mode instead of an identity provider's JWKS).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SIGNING_KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"
ALGORITHM = "EdDSA"


def ensure_development_keys(directory: Path) -> None:
    """Generate the key pair unless ``directory`` already holds one.

    Concurrent callers (the mint and a test session, say) race safely: each writes a complete key pair
    into a directory of its own and renames it into place; the loser's rename fails and it keeps the
    winner's keys, so readers never see half a key pair.
    """
    if (directory / JWKS_FILE).exists():
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".auth-", dir=directory.parent))
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key_file = staging / SIGNING_KEY_FILE
    key_file.write_bytes(pem)
    key_file.chmod(0o600)
    public_jwk = _public_jwk(private_key)
    (staging / JWKS_FILE).write_text(json.dumps({"keys": [public_jwk]}, indent=2) + "\n")
    try:
        os.rename(staging, directory)
    except OSError:
        shutil.rmtree(staging)
        if not (directory / JWKS_FILE).exists():
            raise


def signing_key(directory: Path) -> tuple[str, Ed25519PrivateKey]:
    """The key id and private key to sign development tokens with (generated on first use)."""
    ensure_development_keys(directory)
    private_key = serialization.load_pem_private_key((directory / SIGNING_KEY_FILE).read_bytes(), None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ValueError(f"{directory / SIGNING_KEY_FILE} is not an Ed25519 key")
    return _public_jwk(private_key)["kid"], private_key


def _public_jwk(private_key: Ed25519PrivateKey) -> dict[str, str]:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    # The key id is the RFC 7638 thumbprint: stable for the key, different for every new key.
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True)
    kid = base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}
