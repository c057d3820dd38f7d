"""The hash chain of the event log and the checkpoints over it, as pure functions: the verifier's
half of migration 0003 (which computes the same hashes inside PostgreSQL, at append).

- An event's hash: ``sha256(previous || canonical(event))``; ``previous`` is the hash of the version
  before it in its stream, 32 zero bytes (``GENESIS``) for version 1. ``canonical`` is every stored
  column of the event (but its global position and the hash), fixed-width ones in PostgreSQL's
  binary form, text and jsonb as UTF-8 after their length in bytes (migration 0003 has the layout).
- A checkpoint's root: the Merkle tree hash of RFC 6962 (Certificate Transparency) over the heads of
  all streams (stream id, version, hash of that version), sorted by the stream id's UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from uuid import UUID

GENESIS = bytes(32)  # the "predecessor" of every stream's first event
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # where PostgreSQL counts timestamps from
_MICROSECOND = timedelta(microseconds=1)
_NO_UUID = UUID(int=0)  # an absent causation_id

CHAINED_COLUMNS = (
    "global_position, event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
    " recorded_at, actor, correlation_id, causation_id, jurisdiction, payload, hash"
)


def _text(value: str) -> bytes:
    """Text after its length in bytes (so no two different events have the same bytes)."""
    encoded = value.encode()
    return struct.pack(">i", len(encoded)) + encoded


def _timestamp(value: datetime) -> bytes:
    return struct.pack(">q", (value - _POSTGRES_EPOCH) // _MICROSECOND)


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes of an event its hash covers, from its stored row as asyncpg reads it (jsonb as the
    text PostgreSQL writes): migration 0003's ``event_hash``, column by column."""
    return b"".join(
        (
            row["event_id"].bytes,
            _text(row["stream_id"]),
            struct.pack(">i", row["stream_version"]),
            _text(row["event_type"]),
            struct.pack(">i", row["schema_version"]),
            _timestamp(row["occurred_at"]),
            _timestamp(row["recorded_at"]),
            _text(row["actor"]),
            row["correlation_id"].bytes,
            (row["causation_id"] or _NO_UUID).bytes,
            _text(row["jurisdiction"]),
            _text(row["payload"]),
        )
    )


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
