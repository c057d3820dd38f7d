"""Typed errors of the kernel and the services. The web layer maps each to one HTTP status
(govgrid.web.errors); nothing else decides a status code."""

from __future__ import annotations


class GovgridError(Exception):
    """Base of every error a caller is meant to see."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(GovgridError):
    """An id that names nothing (404)."""

    code = "not_found"

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"{kind} {identifier!r} not found")
        self.kind = kind
        self.identifier = identifier


class RuleBroken(GovgridError):
    """A business rule refused the command (409). ``code`` is machine-readable and stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConcurrencyConflict(RuleBroken):
    """An append stated a stale expected version: someone else wrote first (409)."""

    def __init__(self, stream_id: str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            "version_conflict",
            f"stream {stream_id!r} is at version {actual_version}, not {expected_version}",
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class IdempotencyKeyReused(RuleBroken):
    """The same Idempotency-Key came back with a different request (409)."""

    def __init__(self, key: str) -> None:
        super().__init__(
            "idempotency_key_reused", f"Idempotency-Key {key!r} was already used for a different request"
        )


class InvalidInput(GovgridError):
    """Input that parsed but cannot be accepted, item by item (422), e.g. the rejected rows of a
    bulk import. Each detail names where (``row``, ``field``) and why (``reason``)."""

    code = "validation_failed"

    def __init__(self, message: str, details: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.details = details


class Unauthenticated(GovgridError):
    """Missing, malformed, expired or forged bearer token (401)."""

    code = "unauthenticated"


class Forbidden(GovgridError):
    """Authenticated, but the role or the jurisdiction does not allow it (403)."""

    code = "forbidden"


class DependencyUnavailable(GovgridError):
    """PostgreSQL or Kafka cannot be reached right now (503 with Retry-After)."""

    code = "dependency_unavailable"
