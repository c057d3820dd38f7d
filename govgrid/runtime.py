"""The Python runtime of a process that folds events in bulk (the projection worker, a rebuild)."""

from __future__ import annotations

import gc

# CPython collects its youngest generation every 700 allocations (net of frees), and the older ones
# every 10 of those. A batch of a few thousand events allocates hundreds of thousands of short-lived
# objects (envelopes, payloads, folded rows), so with the defaults the collector ran thousands of
# times a batch and walked the older generations' survivors each time: about a quarter of a rebuild's
# CPU, which py-spy shows as time inside pydantic's parse. Nearly all of these objects are freed by
# reference counting at once; only cycles need the collector, and they are rare here. Measured on
# 200 k events, all seven read models (docs/benchmarks.md, "Stop 24"): 20.4 / 21.5 k events/s with
# the defaults, 28.7 / 28.8 k with these.
GC_THRESHOLDS = (50_000, 20, 1_000)


def collect_garbage_in_bulk() -> None:
    """Let the garbage collector run far less often (see GC_THRESHOLDS)."""
    gc.set_threshold(*GC_THRESHOLDS)
