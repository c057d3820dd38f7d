"""Which refusals the demo sends again (they only mean "not yet") and which stop it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from demo.client import CommandRefused
from demo.client import _worth_retrying
from demo.client import in_parallel

pytestmark = pytest.mark.unit


def answer(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=body)


def import_refused(*reasons: str) -> httpx.Response:
    detail = [{"row": n, "key": "k", "field": None, "reason": r} for n, r in enumerate(reasons, start=1)]
    return answer(422, {"error": "validation_failed", "detail": detail})


def test_a_reference_not_learned_yet_or_a_lost_race_is_sent_again() -> None:
    assert _worth_retrying(answer(409, {"error": "unknown_officer", "detail": "PO001 is unknown"}))
    assert _worth_retrying(answer(422, {"error": "village_not_covered", "detail": "V001"}))
    assert _worth_retrying(answer(409, {"error": "version_conflict", "detail": "stream at 3, not 2"}))
    assert _worth_retrying(answer(503, {"error": "dependency_unavailable", "detail": "database"}))


def test_a_real_refusal_is_not_sent_again() -> None:
    assert not _worth_retrying(answer(409, {"error": "dispute_closed", "detail": "closed"}))
    assert not _worth_retrying(answer(403, {"error": "forbidden", "detail": "unknown_org_unit"}))
    assert not _worth_retrying(
        answer(
            422,
            {
                "error": "validation_failed",
                "detail": [{"field": "body.day", "reason": "Input should be a valid date"}],
            },
        )
    )
    assert not _worth_retrying(httpx.Response(500, text="internal error"))


def test_an_import_is_sent_again_only_when_every_rejected_row_waits_for_the_registry() -> None:
    assert _worth_retrying(import_refused("unknown_org_unit: V001 is unknown", "unknown_org_unit: V002"))
    assert not _worth_retrying(
        import_refused("unknown_org_unit: V001 is unknown", "school_already_registered: differs")
    )
    assert not _worth_retrying(import_refused())


async def test_in_parallel_raises_the_first_refusal_itself_and_stops_the_rest() -> None:
    finished: list[int] = []

    async def refused() -> None:
        raise CommandRefused("tips", "/leads", 409, '{"error": "lead_closed"}')

    async def slow() -> None:
        await asyncio.sleep(5)
        finished.append(1)

    with pytest.raises(CommandRefused, match="lead_closed"):
        await in_parallel([slow, refused, slow], limit=3)
    assert finished == []
