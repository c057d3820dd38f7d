"""The one place that turns an exception into an HTTP status and a JSON error body.

Every error body is ``{"error": <code>, "detail": ..., "correlation_id": ...}``. Bodies never carry a
stack trace or the text of an unexpected exception; those go to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import asyncpg  # type: ignore[import-untyped,unused-ignore]  # asyncpg ships no type hints
from fastapi import FastAPI
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import Field
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from govgrid.config import GovgridSettings
from govgrid.errors import DependencyUnavailable
from govgrid.errors import Forbidden
from govgrid.errors import InvalidInput
from govgrid.errors import NotFound
from govgrid.errors import RuleBroken
from govgrid.errors import Unauthenticated
from govgrid.observability import bind_correlation_id
from govgrid.observability import current_correlation_id

logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One reason a request was refused: where (``field``, for imports also ``row`` and ``key``) and why."""

    field: str | None
    reason: str
    row: int | None = Field(default=None, description="The import row (1 = the first data row).")
    key: str | None = Field(default=None, description="The import row's key, when it has one.")


class ErrorBody(BaseModel):
    """The one body of every 4xx and 5xx answer of every service."""

    error: str = Field(description="A stable machine-readable code (a rule's code, `forbidden`...).")
    detail: str | list[FieldError] | None = Field(
        description="A message, or for 422 the fields (or import rows) refused and why."
    )
    correlation_id: str | None = Field(description="The request's X-Correlation-ID, to find it in the logs.")


ERROR_STATUSES: dict[int, str] = {
    400: "The request is malformed.",
    401: "Missing, malformed, expired or forged bearer token.",
    403: "The caller's role or jurisdiction does not allow it.",
    404: "The id in the path names nothing.",
    413: "The body is too large.",
    409: "A business rule refused it (`error` is the rule's code), or the Idempotency-Key was reused.",
    422: "A field is invalid: `detail` lists each field and why.",
    503: "PostgreSQL or Kafka is unavailable right now: retry after Retry-After seconds.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` declaring ``statuses`` with the kernel's one error body (a 422 declared
    here replaces FastAPI's default validation body, which is not what the services send)."""
    return {status: {"model": ErrorBody, "description": ERROR_STATUSES[status]} for status in statuses}


# PostgreSQL is down, restarting, full or unreachable: the client should retry, so 503, not 500.
# Not every asyncpg.InterfaceError: most are programming errors (wrong argument count...), which are 500s.
# OSError covers ConnectionRefusedError and the plain OSError asyncio raises when every address fails;
# TimeoutError is what a pool acquire raises when no connection comes back in time. Some of these
# subclass others; all are listed so that the contract reads in one place.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,  # the server is stopping (fast or immediate shutdown)
    asyncpg.exceptions.CrashShutdownError,  # another backend crashed: the server restarts
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    ConnectionError,
    OSError,
    TimeoutError,
)


def install_error_handlers(app: FastAPI, settings: GovgridSettings) -> None:
    """Register the handlers on ``app``. Refuses an app in debug mode, which would send tracebacks."""
    if app.debug:
        raise ValueError("debug=True makes Starlette send tracebacks to clients; errors are logged instead")
    retry_after = {"Retry-After": str(settings.retry_after_seconds)}

    # Starlette picks a handler by the exception's class; the asserts only narrow the type for mypy.
    async def validation_failed(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError | ValidationError)
        return _error_response(422, "validation_failed", _field_errors(exc.errors()))

    async def invalid_input(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidInput)
        return _error_response(422, exc.code, exc.details)

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, NotFound)
        return _error_response(404, exc.code, exc.message)

    async def rule_broken(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RuleBroken)
        return _error_response(409, exc.code, exc.message)

    async def unauthenticated(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthenticated)
        return _error_response(401, exc.code, exc.message, {"WWW-Authenticate": "Bearer"})

    async def forbidden(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Forbidden)
        return _error_response(403, exc.code, exc.message)

    async def dependency_unavailable(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DependencyUnavailable)
        logger.warning("dependency unavailable: %s", exc.message)
        return _error_response(503, exc.code, exc.message, retry_after)

    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # The exception text may name hosts and ports: logged, not sent.
        logger.warning("database unavailable: %r", exc)
        return _error_response(503, DependencyUnavailable.code, "database unavailable", retry_after)

    async def driver_error(request: Request, exc: Exception) -> JSONResponse:
        # asyncpg raises a bare InterfaceError when the connection closed under a transaction (the
        # server stopped mid-command, seen by tests/faults): the database is away, 503. Any other
        # InterfaceError is a programming error, 500.
        if "connection is closed" in str(exc):
            return await database_unavailable(request, exc)
        return await internal_error(request, exc)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        # Raised by routing (unknown path, wrong method) and by FastAPI's own security helpers.
        assert isinstance(exc, HTTPException)
        try:
            code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        except ValueError:  # a status code Python does not name
            code = "http_error"
        return _error_response(exc.status_code, code, exc.detail, exc.headers)

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # Starlette runs this handler outside the user middleware, after the observability middleware
        # has left its context, so the id comes from the request state it left behind.
        request_id: str | None = getattr(request.state, "correlation_id", None)
        with bind_correlation_id(request_id):
            logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
            headers = {"X-Correlation-ID": request_id} if request_id else None
            return _error_response(500, "internal_error", "internal error", headers)

    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(ValidationError, validation_failed)
    app.add_exception_handler(InvalidInput, invalid_input)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(RuleBroken, rule_broken)
    app.add_exception_handler(Unauthenticated, unauthenticated)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(DependencyUnavailable, dependency_unavailable)
    for exc_class in DATABASE_UNAVAILABLE:
        app.add_exception_handler(exc_class, database_unavailable)
    app.add_exception_handler(asyncpg.InterfaceError, driver_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)


def _field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(part) for part in error["loc"]), "reason": error["msg"]} for error in errors
    ]


def error_body(error: str, detail: Any, correlation_id: str | None) -> dict[str, Any]:
    """The one error body (ErrorBody), also for a refusal a command answers rather than raises."""
    return {"error": error, "detail": detail, "correlation_id": correlation_id}


def _error_response(
    status: int, error: str, detail: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        error_body(error, detail, current_correlation_id()), status_code=status, headers=headers
    )
