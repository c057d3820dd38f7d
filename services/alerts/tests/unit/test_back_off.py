"""The wait between attempts at a failing receiver."""

from __future__ import annotations

from services.alerts.process import retry_after


def test_the_back_off_doubles_up_to_its_cap() -> None:
    waits = [retry_after(n, 30, 3600).total_seconds() for n in (1, 2, 3, 7, 8, 100_000)]
    assert waits == [30, 60, 120, 1920, 3600, 3600]
