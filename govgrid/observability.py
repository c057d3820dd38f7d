"""Correlation ids, JSON logs and the Prometheus metrics every service shares."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Histogram

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


# Labels carry the route template, never the raw path, so the number of series stays bounded.
http_requests_total = Counter(
    "http_requests_total", "HTTP requests answered.", ["service", "method", "route", "status"]
)
http_request_seconds = Histogram(
    "http_request_seconds", "Time to answer an HTTP request.", ["service", "method", "route"]
)
