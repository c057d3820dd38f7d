"""The alerts process: feeds of the appointments, tips and mediation topics decide (rules.py) in the
transaction that records the event as applied, a sweep turns passed deadlines into alerts, and a
sender posts what is not delivered yet.

Once per item and state: an alert is a row of ``alert_notifications`` keyed by (receiver, item,
state), inserted in the same transaction as the event's ``applied_events`` row (``ApplyOnce``);
the Kafka offset is committed after. Redelivered events, replays and restarts therefore decide
nothing twice. Delivery is recorded (``delivered_at``) right after the webhook accepted the message;
only a crash between the two could repeat one message (the generic JSON carries a
``notification`` key for receivers that deduplicate). A refusal or outage makes the receiver's rows
wait an exponential back-off (``next_attempt_at``) while the other receivers' go out."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from govgrid.catalogue import catalogue
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentNominated
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.kafka import events_topic
from govgrid.observability import DependencyAway
from govgrid.projection import TopicFeed
from govgrid.stopping import sleep_unless_stopping
from services.alerts import formats
from services.alerts.rules import DEPUTY_SECRETARY
from services.alerts.rules import Alert
from services.alerts.rules import Deadline
from services.alerts.rules import Settled
from services.alerts.rules import decide
from services.alerts.settings import AlertsSettings
from services.alerts.settings import Receiver

log = logging.getLogger("govgrid.alerts")

PROJECTION = "alerts"
SOURCES = ("appointments", "tips", "mediation")
# The only events read: the others of these topics are skipped without being decoded or recorded.
EVENT_TYPES = frozenset(
    {
        "OrganisationUnitRegistered",
        "OrganisationUnitRenamed",
        "AppointmentNominated",
        "AppointmentApproved",
        "AppointmentEnded",
        "LeadReceived",
        "LeadTriaged",
        "LeadVerified",
        "LeadDismissed",
        "LeadClosed",
        "DisputeRegistered",
        "AgreementReached",
        "DisputeClosed",
        "DisputeEscalated",
    }
)
SEND_BATCH = 100


def utc_now() -> datetime:
    return datetime.now(UTC)


class Alerts:
    def __init__(
        self,
        settings: AlertsSettings,
        pool: asyncpg.Pool,
        now: Callable[[], datetime] = utc_now,
        topics: dict[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.now = now
        self.topics = topics or {service: events_topic(service) for service in SOURCES}

    def feeds(self) -> list[TopicFeed]:
        return [
            TopicFeed(
                self.pool,
                self.settings.kafka_bootstrap_servers,
                group_id=f"{self.settings.service_name}-{service}",
                topic=topic,
                projection=PROJECTION,
                applier=self.apply,
                event_types=EVENT_TYPES,
            )
            for service, topic in self.topics.items()
        ]

    # ------------------------------------------------------------------ deciding

    async def apply(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        """Decide on one event, in the transaction that records it as applied."""
        event = catalogue.decode(envelope)
        match event:
            case OrganisationUnitRegistered() | OrganisationUnitRenamed():
                await conn.execute(
                    "INSERT INTO alert_places (code, name_zh) VALUES ($1, $2)"
                    " ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh",
                    event.code,
                    event.name_zh,
                )
                return
            case AppointmentNominated():
                await conn.execute(
                    "INSERT INTO alert_appointments (appointment_id, kind, village_code) VALUES ($1, $2, $3)"
                    " ON CONFLICT DO NOTHING",
                    event.appointment_id,
                    event.kind.value,
                    event.village_code,
                )
                return
            case AppointmentApproved():
                await conn.execute(
                    "UPDATE alert_appointments SET approved = true WHERE appointment_id = $1",
                    event.appointment_id,
                )
                return
        ended_village = None
        if isinstance(event, AppointmentEnded):
            ended_village = await conn.fetchval(
                "SELECT village_code FROM alert_appointments"
                " WHERE appointment_id = $1 AND kind = $2 AND approved",
                event.appointment_id,
                DEPUTY_SECRETARY,
            )
        decisions = decide(
            event, envelope.jurisdiction, envelope.occurred_at, self.settings.dispute_due_days, ended_village
        )
        for decision in decisions:
            if isinstance(decision, Deadline):
                await conn.execute(
                    "INSERT INTO alert_deadlines (item, kind, state, due_at, jurisdiction, facts)"
                    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item) DO UPDATE"
                    " SET state = excluded.state, due_at = excluded.due_at,"
                    " jurisdiction = excluded.jurisdiction, facts = alert_deadlines.facts || excluded.facts",
                    decision.item,
                    decision.kind,
                    decision.state,
                    decision.due_at,
                    decision.jurisdiction.model_dump_json(),
                    json.dumps(decision.facts),
                )
            elif isinstance(decision, Settled):
                await conn.execute("DELETE FROM alert_deadlines WHERE item = $1", decision.item)
            else:
                await self.notify(conn, decision)

    async def notify(self, conn: asyncpg.Connection, alert: Alert) -> int:
        """One notification per receiver that sees the alert; none for history. Returns how many
        were new."""
        if alert.at < self.now() - timedelta(days=self.settings.alert_lookback_days):
            return 0
        receivers = [r for r in self.settings.alert_receivers if r.sees(alert.jurisdiction)]
        if not receivers:
            return 0
        j = alert.jurisdiction
        codes = [c for c in (j.township, j.station, j.village, alert.facts.get("village")) if c]
        names = {
            r["code"]: r["name_zh"]
            for r in await conn.fetch("SELECT code, name_zh FROM alert_places WHERE code = ANY($1)", codes)
        }
        new = 0
        for receiver in receivers:
            inserted = await conn.fetchval(
                "INSERT INTO alert_notifications (receiver, item, state, kind, body, next_attempt_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true",
                receiver.name,
                alert.item,
                alert.state,
                alert.kind,
                json.dumps(formats.body(receiver.format, alert, names), ensure_ascii=False),
                self.now(),  # due at once (the process's clock, which the sender compares with)
            )
            new += bool(inserted)
        return new

    async def sweep(self) -> int:
        """Deadlines passed: each becomes an alert (if recent enough) and is forgotten. Returns the
        number of notifications decided."""
        new = 0
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "DELETE FROM alert_deadlines WHERE item IN ("
                "  SELECT item FROM alert_deadlines WHERE due_at <= $1 FOR UPDATE SKIP LOCKED)"
                " RETURNING *",
                self.now(),
            )
            for row in rows:
                deadline = Deadline(
                    row["item"],
                    row["kind"],
                    row["state"],
                    row["due_at"],
                    Jurisdiction.model_validate_json(row["jurisdiction"]),
                    json.loads(row["facts"]),
                )
                new += await self.notify(conn, deadline.passed())
        return new

    # ------------------------------------------------------------------ sending

    async def send_pending(self, client: httpx.AsyncClient) -> int:
        """Post the due undelivered notifications of each configured receiver: receivers side by side,
        each one's in order. Returns how many were delivered. Rows of a receiver taken out of the
        settings are not fetched (they would fill the batch and be skipped forever)."""
        receivers = {r.name: r for r in self.settings.alert_receivers}
        # Per receiver its own SEND_BATCH (LATERAL): one receiver's backlog cannot fill the round.
        due = await self.pool.fetch(
            "SELECT n.* FROM unnest($1::text[]) AS r (name) CROSS JOIN LATERAL ("
            "  SELECT receiver, item, state, body, attempts FROM alert_notifications"
            "  WHERE receiver = r.name AND delivered_at IS NULL AND next_attempt_at <= $2"
            # In the order decided: a group chat reads its alerts in order, and the oldest undelivered
            # row is the one whose growing back-off paces the receiver through an outage.
            "  ORDER BY next_attempt_at, decided_at, item, state LIMIT $3) AS n",
            list(receivers),
            self.now(),
            SEND_BATCH,
        )
        by_receiver: dict[str, list[asyncpg.Record]] = {}
        for row in due:
            by_receiver.setdefault(row["receiver"], []).append(row)
        async with asyncio.TaskGroup() as tasks:
            sending = [
                tasks.create_task(self._send(client, receivers[name], rows))
                for name, rows in by_receiver.items()
            ]
        return sum(task.result() for task in sending)

    async def _send(self, client: httpx.AsyncClient, receiver: Receiver, rows: list[asyncpg.Record]) -> int:
        """One receiver's due rows, until the first failure: then that row waits its back-off, and
        the receiver's other undelivered rows as long (an outage is the receiver's, not the
        message's: probing it with each of them would keep hitting it every round), while the other
        receivers go on."""
        delivered = 0
        for row in rows:
            key = (row["receiver"], row["item"], row["state"])
            error = await _post(client, str(receiver.url), receiver.format, json.loads(row["body"]))
            if error is None:
                await self.pool.execute(
                    "UPDATE alert_notifications SET attempts = attempts + 1, last_error = NULL,"
                    " delivered_at = now() WHERE receiver = $1 AND item = $2 AND state = $3",
                    *key,
                )
                delivered += 1
                continue
            attempts = row["attempts"] + 1
            wait_until = self.now() + retry_after(
                attempts, self.settings.alert_retry_seconds, self.settings.alert_retry_max_seconds
            )
            log.warning("alerts: %s refused %s:%s (%s); next attempt at %s", *key, error, wait_until)
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    "UPDATE alert_notifications SET attempts = $4, last_error = $5, next_attempt_at = $6"
                    " WHERE receiver = $1 AND item = $2 AND state = $3",
                    *key,
                    attempts,
                    error,
                    wait_until,
                )
                await conn.execute(
                    "UPDATE alert_notifications SET next_attempt_at = $2"
                    " WHERE receiver = $1 AND delivered_at IS NULL AND next_attempt_at < $2",
                    receiver.name,
                    wait_until,
                )
            break
        return delivered

    async def run(self, stopping: asyncio.Event) -> None:
        async with asyncio.TaskGroup() as tasks:
            for feed in self.feeds():
                tasks.create_task(feed.run(stopping))
            sweeping = DependencyAway(log, "PostgreSQL (alerts' deadline sweep)")
            tasks.create_task(self._every(stopping, self.settings.alert_sweep_seconds, self.sweep, sweeping))
            sending = DependencyAway(log, "PostgreSQL (alerts' sender)")
            async with httpx.AsyncClient(timeout=self.settings.alert_send_timeout_seconds) as client:
                await self._every(
                    stopping, self.settings.alert_send_seconds, lambda: self.send_pending(client), sending
                )

    @staticmethod
    async def _every(
        stopping: asyncio.Event, seconds: float, work: Callable[[], Any], outage: DependencyAway
    ) -> None:
        """``work()`` every ``seconds``; an outage is logged once per interval, not once per try."""
        while not stopping.is_set():
            try:
                await work()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                outage.away(exc)
            else:
                outage.back()
            if await sleep_unless_stopping(stopping, seconds):
                return


def retry_after(attempts: int, first_seconds: float, longest_seconds: float) -> timedelta:
    """The wait after ``attempts`` failed attempts (1, 2, ...): ``first_seconds``, doubled at each
    further failure, at most ``longest_seconds``."""
    doublings = min(attempts - 1, 32)  # 2**32 times any sane first wait is past any sane cap
    return timedelta(seconds=min(first_seconds * 2**doublings, longest_seconds))


async def _post(client: httpx.AsyncClient, url: str, format: str, body: dict[str, Any]) -> str | None:
    """None when the webhook accepted the message, else why not."""
    try:
        answer = await client.post(url, json=body)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if not answer.is_success:
        return f"HTTP {answer.status_code}"
    if format in ("wecom", "dingtalk"):  # both robots answer 200 with errcode 0 when they took it
        try:
            said = answer.json()
        except ValueError:
            return "not a robot's answer"
        if not isinstance(said, dict):
            return "not a robot's answer"
        if said.get("errcode") != 0:
            return f"errcode {said.get('errcode')}: {said.get('errmsg')}"
    return None
