"""How every summary states a share or a change: in percent, one decimal, rounded half away from zero."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal


def percent(part: int, whole: int) -> float | None:
    """``part`` in percent of ``whole``, one decimal rounded half away from zero; None of nothing."""
    if whole == 0:
        return None
    return float((Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


def change_percent(current: int, earlier: int) -> float | None:
    """Year-on-year change in percent (7 -> 4 is -42.9); None when there was nothing a year earlier."""
    return percent(current - earlier, earlier)
