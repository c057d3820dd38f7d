"""Housekeeping of a write service's store, so that its tables stop growing with every command.

- Published outbox rows: the events table keeps every event and Kafka holds what was sent, so a
  published row is only kept ``outbox_retention`` for inspection, then deleted. An unpublished row is
  never deleted.
- Idempotency keys: kept ``idempotency_key_ttl`` (24 hours by default), then deleted. A retry after
  that is a new request: it is decided again against the records' current state (a registration
  registers a second record; a command on a record that already changed is usually refused by a rule).

The active relay of the store runs it every ``interval`` (one relay per store: no two prune at once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

log = logging.getLogger("govgrid.outbox.housekeeping")

DEFAULT_OUTBOX_RETENTION = timedelta(hours=1)
DEFAULT_IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
DEFAULT_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class Housekeeping:
    outbox_retention: timedelta = DEFAULT_OUTBOX_RETENTION
    idempotency_key_ttl: timedelta = DEFAULT_IDEMPOTENCY_KEY_TTL
    interval: timedelta = DEFAULT_INTERVAL

    async def run(self, pool: asyncpg.Pool) -> tuple[int, int]:
        """Prune once; returns (outbox rows deleted, idempotency keys deleted)."""
        pruned = await prune_published_outbox(pool, self.outbox_retention)
        expired = await expire_idempotency_keys(pool, self.idempotency_key_ttl)
        if pruned or expired:
            log.info("pruned %d published outbox rows, %d expired idempotency keys", pruned, expired)
        return pruned, expired


async def prune_published_outbox(pool: asyncpg.Pool, older_than: timedelta) -> int:
    """Delete outbox rows published more than ``older_than`` ago, below the first row that must stay
    (unpublished, or published recently): the relay publishes in position order, so that bound is
    found at the start of the primary key and the delete is a range of it, not a scan of the table."""
    status = await pool.execute(
        "WITH keep AS ("
        "  SELECT position FROM outbox WHERE published_at IS NULL OR published_at >= now() - $1::interval"
        "  ORDER BY position LIMIT 1"
        ") DELETE FROM outbox"
        " WHERE published_at < now() - $1::interval"
        " AND position < coalesce((SELECT position FROM keep), $2)",
        older_than,
        2**63 - 1,  # nothing to keep: every row may go
    )
    return int(status.split()[-1])


async def expire_idempotency_keys(pool: asyncpg.Pool, older_than: timedelta) -> int:
    status = await pool.execute(
        "DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval", older_than
    )
    return int(status.split()[-1])
