"""One HTTP client for every write service, as any other caller would use them: a bearer token, an
Idempotency-Key on every command, the error body read when a command is refused.

Every key is derived from the demo's year and a name of the step, so a demo that is sent twice for the
same year appends nothing the second time: the services answer with the first result.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import httpx

# Refusals that only mean "not yet": another service's reference tables learn organisation units,
# coverage and people from the appointments topic a moment after they are registered.
REFERENCE_NOT_YET_KNOWN = frozenset(
    {
        "unknown_org_unit",
        "unknown_officer",
        "not_a_village",
        "not_a_police_station",
        "not_a_village_cadre",
        "not_a_police_officer",
        "village_not_covered",
        "village_not_covered_by_station",
        "outside_station_coverage",
        "school_outside_station_area",
        "grid_not_in_village",
        "officer_not_at_station",
        "not_an_officer_of_the_station",
    }
)
RETRY_STATUSES = frozenset({502, 503, 504})
# Two concurrent steps touched one stream (two visits of one drive): the loser tries again.
RETRY_CODES = REFERENCE_NOT_YET_KNOWN | {"version_conflict"}


class CommandRefused(Exception):
    """A command the demo sent was refused for good: the demo stops and says which and why."""

    def __init__(self, service: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{service} POST {path} -> {status}: {body[:500]}")
        self.service, self.path, self.status, self.body = service, path, status, body


@dataclass(frozen=True)
class Command:
    """One command of a record's life: ``path`` under the record ("" for the first, which creates it
    by a POST to the collection), its body, and ``step``, its name within the demo."""

    path: str
    body: Any
    step: str


@dataclass
class Platform:
    """The write services' base addresses, a token allowed to run every command, and the demo's run key
    (the first part of every Idempotency-Key)."""

    base_urls: Mapping[str, str]
    token: str
    run_key: str
    patience_seconds: float = 180.0  # how long a "not yet" may last before it counts as a refusal
    sent: int = 0
    sent_by_service: Counter[str] = field(default_factory=Counter)  # for the progress lines
    _clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def client(self, service: str) -> httpx.AsyncClient:
        if service not in self._clients:
            self._clients[service] = httpx.AsyncClient(
                base_url=self.base_urls[service],
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=60,
            )
        return self._clients[service]

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def get(self, service: str, path: str) -> httpx.Response:
        return await self.client(service).get(path)

    async def post(self, service: str, path: str, body: Any, step: str) -> dict[str, Any]:
        """Send one command; ``step`` names it uniquely within the demo (it becomes the idempotency key).
        Returns the service's JSON answer; raises CommandRefused when the command is refused for good."""
        key = f"demo-{self.run_key}-{service}-{step}"
        deadline = time.monotonic() + self.patience_seconds
        pause = 0.2
        while True:
            try:
                answer = await self.client(service).post(path, json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError:  # a service restarting under the supervisor
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
                continue
            if answer.is_success:
                self.sent += 1
                self.sent_by_service[service] += 1
                result: dict[str, Any] = answer.json()
                return result
            if time.monotonic() < deadline and _worth_retrying(answer):
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
                continue
            raise CommandRefused(service, path, answer.status_code, answer.text)

    async def record(self, service: str, collection: str, id_field: str, commands: Sequence[Command]) -> str:
        """Create a record with the first command, then send the rest to it in order
        (POST ``collection/{id}{path}``); the record's id, as the service answered it in ``id_field``."""
        first, *rest = commands
        created = await self.post(service, collection, first.body, first.step)
        record_id = str(created[id_field])
        for command in rest:
            await self.post(service, f"{collection}/{record_id}{command.path}", command.body, command.step)
        return record_id


def _worth_retrying(answer: httpx.Response) -> bool:
    if answer.status_code in RETRY_STATUSES:
        return True
    if answer.status_code not in (404, 409, 422):
        return False
    try:
        body = answer.json()
    except ValueError:
        return False
    if body.get("error") in RETRY_CODES:
        return True
    # An import is refused whole, 422 with a report per rejected row ("unknown_org_unit: ..."): worth
    # sending again only when every rejected row names a place or person not known yet.
    rows = body.get("detail")
    return (
        answer.status_code == 422
        and isinstance(rows, list)
        and bool(rows)
        and all(
            isinstance(row, dict) and str(row.get("reason", "")).split(":")[0] in REFERENCE_NOT_YET_KNOWN
            for row in rows
        )
    )


async def in_parallel(steps: Iterable[Callable[[], Awaitable[None]]], limit: int = 8) -> None:
    """Run independent chains of commands (one dispute's life, one patrol's) ``limit`` at a time; the
    first failure stops the rest and is raised as itself (not wrapped in an ExceptionGroup)."""
    gate = asyncio.Semaphore(limit)

    async def one(step: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await step()

    try:
        async with asyncio.TaskGroup() as group:
            for step in steps:
                group.create_task(one(step))
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
