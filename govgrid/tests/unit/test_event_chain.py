"""The chain's pure half: the canonical bytes of an event and the checkpoints' Merkle root."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

from govgrid.eventstore.chain import GENESIS
from govgrid.eventstore.chain import Head
from govgrid.eventstore.chain import canonical
from govgrid.eventstore.chain import event_hash
from govgrid.eventstore.chain import merkle_root


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def row(**changes: Any) -> dict[str, Any]:
    return {
        "event_id": uuid.UUID(int=1),
        "stream_id": "village-1",
        "stream_version": 1,
        "event_type": "OrganisationUnitRegistered",
        "schema_version": 1,
        "occurred_at": datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC),
        "recorded_at": datetime(2000, 1, 1, 0, 0, 2, tzinfo=UTC),
        "actor": "officer-7",
        "correlation_id": uuid.UUID(int=2),
        "causation_id": None,
        "jurisdiction": '{"village": "V0001"}',
        "payload": '{"code": "V0001"}',
    } | changes


def test_the_canonical_form_is_the_documented_layout() -> None:
    assert canonical(row()) == b"".join(
        [
            uuid.UUID(int=1).bytes,
            b"\x00\x00\x00\x09village-1",
            b"\x00\x00\x00\x01",
            b"\x00\x00\x00\x1aOrganisationUnitRegistered",
            b"\x00\x00\x00\x01",
            (1_000_000).to_bytes(8, "big"),
            (2_000_000).to_bytes(8, "big"),
            b"\x00\x00\x00\x09officer-7",
            uuid.UUID(int=2).bytes,
            bytes(16),
            b'\x00\x00\x00\x14{"village": "V0001"}',
            b'\x00\x00\x00\x11{"code": "V0001"}',
        ]
    )
    assert event_hash(GENESIS, row()) == sha(GENESIS + canonical(row()))


def test_text_boundaries_and_times_change_the_hash() -> None:
    moved = row(stream_id="village-", actor="1officer-7")
    assert canonical(moved) != canonical(row())
    assert len(canonical(row(actor="警官"))) == len(canonical(row(actor="abcdef")))  # bytes, not characters
    assert event_hash(GENESIS, row(recorded_at=datetime(2000, 1, 1, 0, 0, 2, 1, tzinfo=UTC))) != event_hash(
        GENESIS, row()
    )


def test_the_merkle_root_is_rfc_6962s_over_the_sorted_heads() -> None:
    a, b, c = (Head(s, 1, bytes([n]) * 32) for n, s in enumerate("abc"))
    leaf = {h.stream_id: sha(b"\x00" + h.leaf()) for h in (a, b, c)}
    assert merkle_root([]) == sha(b"")
    assert merkle_root([a]) == leaf["a"]
    assert merkle_root([b, a]) == sha(b"\x01" + leaf["a"] + leaf["b"])
    assert merkle_root([c, a, b]) == sha(b"\x01" + sha(b"\x01" + leaf["a"] + leaf["b"]) + leaf["c"])
    assert merkle_root([a, b]) != merkle_root([a, Head("b", 2, b.hash)])
