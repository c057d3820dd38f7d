"""The hash chain of the event log and the checkpoints over it, as pure functions: the verifier's
half of migration 0003 (which computes the same hashes inside PostgreSQL, at append).

- An event's hash: ``sha256(previous || canonical(event))``; ``previous`` is the hash of the version
  before it in its stream, 32 zero bytes (``GENESIS``) for version 1. ``canonical`` is every stored
  column of the event, each as its text in UTF-8 after that text's length in bytes (4 bytes,
  big-endian), so no two different events have the same bytes.
- A checkpoint's root: the Merkle tree hash of RFC 6962 (Certificate Transparency) over the heads of
  all streams (stream id, version, hash of that version), sorted by the stream id's UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

GENESIS = bytes(32)  # the "predecessor" of every stream's first event
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The columns an event's hash covers, in this order (read them with CHAINED_COLUMNS).
HASHED = (
    "event_id",
    "stream_id",
    "stream_version",
    "event_type",
    "schema_version",
    "occurred_at",
    "recorded_at",
    "actor",
    "correlation_id",
    "causation_id",
    "jurisdiction",
    "payload",
)
CHAINED_COLUMNS = "global_position, " + ", ".join(HASHED) + ", hash"


def _text(value: Any) -> str:
    """A column's text as migration 0003 writes it (jsonb arrives from asyncpg as PostgreSQL's text)."""
    if value is None:  # only causation_id may be absent
        return ""
    if isinstance(value, datetime):
        return str((value - _EPOCH) // _MICROSECOND)
    if isinstance(value, UUID | int | str):
        return str(value)
    raise TypeError(f"no canonical text for {type(value).__name__}")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes of an event its hash covers, from its stored row."""
    parts = []
    for column in HASHED:
        text = _text(row[column]).encode()
        parts.append(struct.pack(">I", len(text)) + text)
    return b"".join(parts)


def event_hash(previous: bytes, row: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(previous + canonical(row)).digest()


@dataclass(frozen=True)
class Head:
    """The last event of a stream (at a checkpoint's cut)."""

    stream_id: str
    version: int
    hash: bytes

    def leaf(self) -> bytes:
        stream = self.stream_id.encode()
        return struct.pack(">I", len(stream)) + stream + struct.pack(">Q", self.version) + self.hash


def merkle_root(heads: Sequence[Head]) -> bytes:
    """RFC 6962's Merkle tree hash over the heads' leaves, sorted by stream id (UTF-8 bytes)."""
    leaves = [h.leaf() for h in sorted(heads, key=lambda h: h.stream_id.encode())]
    return _tree_hash(leaves)


def _tree_hash(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1 << ((len(leaves) - 1).bit_length() - 1)  # the largest power of two below the count
    return hashlib.sha256(b"\x01" + _tree_hash(leaves[:split]) + _tree_hash(leaves[split:])).digest()
