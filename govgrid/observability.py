"""Correlation ids, JSON logs and the Prometheus metrics every service shares."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from datetime import datetime
from typing import Any

from prometheus_client import Counter
from prometheus_client import Histogram

from govgrid.config import GovgridSettings

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    return correlation_id.get()


@contextmanager
def bind_correlation_id(value: str | None) -> Iterator[None]:
    """Make ``value`` the correlation id of everything logged inside the block."""
    token = correlation_id.set(value)
    try:
        yield
    finally:
        correlation_id.reset(token)


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, so log shippers need no parsing rules."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            key: value for key, value in record.__dict__.items() if key not in _RECORD_ATTRIBUTES
        }
        # The standard fields are set after the extras so that an extra cannot overwrite them.
        entry.update(
            time=datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            level=record.levelname,
            logger=record.name,
            message=record.getMessage(),
            service=self.service,
            correlation_id=current_correlation_id(),
        )
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # default=str: an extra that JSON cannot encode is logged as its text rather than lost.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(settings: GovgridSettings) -> None:
    """Send the root logger to stderr as JSON lines. Calling it again replaces the handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonLogFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter(settings.service_name))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for library in NOISY_LIBRARIES:
        quiet_repeats(library)


# While Kafka is away, aiokafka logs an ERROR for every reconnect attempt of every client: tens of
# thousands of lines per outage, which hide real errors and fill disks. While PostgreSQL restarts,
# asyncpg's pools log a WARNING with a traceback for every connection they fail to open again.
REPEAT_INTERVAL_SECONDS = 30.0
NOISY_LIBRARIES = ("aiokafka", "asyncpg")


class OncePerInterval(logging.Filter):
    """Lets a message (the same logger and format string) through at most once per ``interval``; the
    next one that passes tells how many were held back (``repeated``)."""

    def __init__(
        self, interval: float = REPEAT_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._interval = interval
        self._clock = clock
        self._seen: dict[tuple[str, object], tuple[float, int]] = {}  # last passed, held back since

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = self._clock()
        passed_at, held = self._seen.get(key, (None, 0))
        if passed_at is not None and now - passed_at < self._interval:
            self._seen[key] = (passed_at, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.repeated = held
        return True


def quiet_repeats(package: str, interval: float = REPEAT_INTERVAL_SECONDS) -> None:
    """Put one OncePerInterval on every logger of ``package`` (imported already): a library's logger
    filters apply to that logger's own records, so each module's logger needs it."""
    repeats = OncePerInterval(interval)
    loggers = [logging.getLogger(package)] + [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith(package + ".")
    ]
    for library_logger in loggers:
        for old in [f for f in library_logger.filters if isinstance(f, OncePerInterval)]:
            library_logger.removeFilter(old)
        library_logger.addFilter(repeats)


class DependencyAway:
    """Tells the log about an outage of one dependency (PostgreSQL, Kafka) the way an operator wants
    it: once when it goes away, then at most once per ``interval`` with how long it has been away and
    how many retries failed, and once when it is back. Not once per retry."""

    def __init__(
        self,
        logger: logging.Logger,
        dependency: str,
        interval: float = REPEAT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self.dependency = dependency
        self._interval = interval
        self._clock = clock
        self._since: float | None = None
        self._said_at = 0.0
        self._retries = 0

    @property
    def is_away(self) -> bool:
        return self._since is not None

    def away(self, error: BaseException) -> None:
        """A call to the dependency failed and will be retried."""
        now = self._clock()
        if self._since is None:
            self._since, self._said_at, self._retries = now, now, 0
            self._logger.warning(
                "%s away: %r; retrying", self.dependency, error, extra={"dependency": self.dependency}
            )
            return
        self._retries += 1
        if now - self._said_at >= self._interval:
            self._said_at = now
            self._logger.warning(
                "%s still away after %.0f s (%d retries failed): %r",
                self.dependency,
                now - self._since,
                self._retries,
                error,
                extra={"dependency": self.dependency, "away_seconds": round(now - self._since, 1)},
            )

    def back(self) -> None:
        """A call to the dependency succeeded."""
        if self._since is None:
            return
        away_for = self._clock() - self._since
        self._since = None
        self._logger.warning(
            "%s back after %.1f s",
            self.dependency,
            away_for,
            extra={"dependency": self.dependency, "away_seconds": round(away_for, 1)},
        )


# Labels carry the route template, never the raw path, so the number of series stays bounded.
http_requests_total = Counter(
    "http_requests_total", "HTTP requests answered.", ["service", "method", "route", "status"]
)
http_request_seconds = Histogram(
    "http_request_seconds", "Time to answer an HTTP request.", ["service", "method", "route"]
)
