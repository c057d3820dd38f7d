"""Endpoints declared as data: a service lists its commands, and the kernel makes each one a FastAPI
endpoint with its whole OpenAPI operation (path ids, Idempotency-Key, body, answer, and every error
status it can return, with the kernel's one error body).

A command's handler is called ``handler(unit_of_work, ctx, *path_ids, body)`` inside the command's
transaction (govgrid.web.commands.execute: one run per caller and Idempotency-Key).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import is_dataclass
from functools import cache
from typing import Annotated
from typing import Any
from typing import get_origin
from typing import get_type_hints

from fastapi import APIRouter
from fastapi import Path
from fastapi import Request
from fastapi import Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic import create_model

from govgrid.aggregate import Loaded
from govgrid.aggregate import state_body
from govgrid.auth import CurrentPrincipal
from govgrid.auth import Principal
from govgrid.auth import Role
from govgrid.commands import CommandResult
from govgrid.envelope import EventEnvelope
from govgrid.errors import Forbidden
from govgrid.errors import Unauthenticated
from govgrid.imports import parse_rows
from govgrid.service.base import CurrentService
from govgrid.service.base import ServiceBase
from govgrid.service.pipeline import Aggregate
from govgrid.web.commands import IdempotencyKey
from govgrid.web.commands import execute
from govgrid.web.errors import error_responses
from govgrid.web.reads import read_history
from govgrid.web.reads import read_state
from govgrid.web.uploads import read_upload
from govgrid.web.uploads import upload_body

PATH_ID = re.compile(r"{(\w+)}")


def record_id() -> Any:
    """A record's id in a path (a client's code, or a uuid's hex): a malformed one is a 422 before any
    handler runs. A new ``Path`` each time: FastAPI writes a parameter's name into the one it is given."""
    return Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


def registry_code() -> Any:
    """A registry's code in a path (an organisation unit, a school, an enterprise), as ``record_id``."""
    return Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


# Every command can be refused for these reasons; a path id that names nothing adds 404.
# 400: a body that is not JSON at all (FastAPI answers it before any model).
COMMAND_ERRORS = (400, 401, 403, 409, 422, 503)
READ_ERRORS = (401, 403, 404, 422, 503)


@dataclass(frozen=True)
class Command:
    """One command endpoint: ``path`` below the router's prefix, with ``{ids}`` the router declares,
    runs ``handler(unit_of_work, ctx, *path_ids, body)``. What a route table would only repeat is
    read from elsewhere: the body's model is the one the handler declares (its last parameter); the
    answer is the state of the router's record (its ``StateReads``' answer); the status is 201 where
    the path names no record (the command creates one), else 200."""

    path: str
    handler: Callable[..., Awaitable[CommandResult]]
    summary: str
    response: Any = None  # the answer's model where it is not the router's record's state
    status_code: int | None = None  # where it is not 201 for a path without ids, else 200
    method: str = "POST"
    description: str | None = None
    # What identifies the request for Idempotency-Key replays when the body must not be stored as
    # is (it holds a secret): digest(service, body). Default: the body.
    digest: Callable[[Any, BaseModel], str] | None = None

    @property
    def path_ids(self) -> list[str]:
        return PATH_ID.findall(self.path)

    @property
    def body(self) -> Any:
        """The body's model, or an Annotated discriminated union of models: what the handler's last
        parameter is declared as."""
        *_, last = inspect.signature(self.handler).parameters
        return get_type_hints(self.handler, include_extras=True)[last]

    @property
    def success_status(self) -> int:
        """``status_code``, else 201 for a path that names no record, 200 for one that does."""
        if self.status_code is not None:
            return self.status_code
        return 200 if self.path_ids else 201

    def answer(self, state: StateReads | None) -> Any:
        """The answer's model: ``response``, else the state of the router's record."""
        if self.response is not None:
            return self.response
        if state is None:
            raise TypeError(
                f"{self.path or '/'}: a router without StateReads declares its commands' response"
            )
        return state.answer


@dataclass(frozen=True)
class Import:
    """A bulk import endpoint: a CSV file or a JSON list of ``rows``, all imported or none (422 with
    the rows refused). ``handler(unit_of_work, ctx, rows)``; see govgrid.imports."""

    path: str
    rows: type[BaseModel]
    handler: Callable[..., Awaitable[CommandResult]]
    summary: str


class ImportReport(BaseModel):
    """What an import did: the rows imported as new, changed, or already so."""

    imported: int
    changed: int
    unchanged: int
    rows: int


class AuthenticatedRoute(APIRoute):
    """A route that refuses a request without a bearer token before reading its body: FastAPI parses
    the JSON body before it runs the dependencies, so a malformed body would answer 422 to a caller
    who is not even authenticated. (The token itself is verified by the CurrentPrincipal dependency.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def authenticated_first(request: Request) -> Response:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise Unauthenticated("expected an 'Authorization: Bearer <token>' header")
            return await handler(request)

        return authenticated_first


class CommandRouter(APIRouter):
    """A router of declared commands. It keeps its imports' declarations: each is also a command of
    the service's command line (govgrid.service.entrypoint), ``import-<prefix>``."""

    def __init__(self, prefix: str, tags: Sequence[str], imports: Sequence[Import]) -> None:
        super().__init__(prefix=prefix, tags=list(tags), route_class=AuthenticatedRoute)
        self.imports = tuple(imports)

    @property
    def file_imports(self) -> dict[str, tuple[type[BaseModel], Callable[..., Awaitable[CommandResult]]]]:
        """Its imports as commands of the command line: ``import-org-units`` for ``POST
        /org-units/import``, each with its rows' model and its handler (govgrid.imports)."""
        if len(self.imports) > 1:
            raise ValueError(f"{self.prefix}: one import per router, named after it on the command line")
        return {f"import-{self.prefix.strip('/')}": (i.rows, i.handler) for i in self.imports}


def command_router(
    prefix: str,
    tags: Sequence[str],
    ids: Mapping[str, Any],
    commands: Sequence[Command | Import],
    *,
    state: StateReads | None = None,
) -> CommandRouter:
    """A router of ``commands``; ``ids`` declares each path id (a ``fastapi.Path(...)`` with its
    pattern), so that a malformed id is a 422 and the OpenAPI document says what an id looks like.
    ``state``: the aggregate of the record the first id names and its answer model, for the reads
    ``GET /{id}`` and ``GET /{id}/history``; the answer of its commands too, unless one declares
    its own ``response``."""
    router = CommandRouter(prefix, tags, [c for c in commands if isinstance(c, Import)])
    for command in commands:
        if isinstance(command, Import):
            _add_import(router, prefix, command)
            continue
        router.add_api_route(
            command.path,
            _command_endpoint(prefix, command, ids),
            methods=[command.method],
            status_code=command.success_status,
            summary=command.summary,
            description=command.description,
            response_model=command.answer(state),
            responses=error_responses(*COMMAND_ERRORS, *((404,) if command.path_ids else ())),
            name=command.handler.__name__,
        )
    if state is not None:
        id_name = next(iter(ids))
        _add_state_reads(router, state, id_name, ids[id_name])
    return router


def _add_import(router: APIRouter, prefix: str, command: Import) -> None:
    async def endpoint(
        request: Request,
        principal: CurrentPrincipal,
        service: CurrentService,
        idempotency_key: IdempotencyKey = None,
    ) -> JSONResponse:
        content, media_type, digest = await read_upload(request)
        rows = parse_rows(content, media_type, command.rows)
        return await execute(
            service.commands,
            principal,
            f"POST {prefix}{command.path}",
            digest,
            idempotency_key,
            lambda uow, ctx: command.handler(uow, ctx, rows),
        )

    router.add_api_route(
        command.path,
        endpoint,
        methods=["POST"],
        summary=command.summary,
        openapi_extra=upload_body(command.rows),
        response_model=ImportReport,
        responses=error_responses(*COMMAND_ERRORS),
        name=command.handler.__name__,
    )


def _command_endpoint(prefix: str, command: Command, ids: Mapping[str, Any]) -> Callable[..., Any]:
    path_ids = command.path_ids

    async def endpoint(
        body: BaseModel,
        principal: Principal,
        service: ServiceBase[Any, Any],
        idempotency_key: str | None = None,
        **path: Any,
    ) -> JSONResponse:
        values = [path[name] for name in path_ids]
        # The route with its ids: two commands on two records are two requests (idempotency).
        route = f"{command.method} {prefix}{command.path.format(**path)}"
        return await execute(
            service.commands,
            principal,
            route,
            command.digest(service, body) if command.digest else body,
            idempotency_key,
            lambda uow, ctx: command.handler(uow, ctx, *values, body),
        )

    keyword = inspect.Parameter.KEYWORD_ONLY
    # FastAPI reads the endpoint's signature: this one is the typed one the OpenAPI document shows.
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            # A model (or a discriminated union of models): FastAPI reads it from the body.
            inspect.Parameter("body", keyword, annotation=command.body),
            inspect.Parameter("principal", keyword, annotation=CurrentPrincipal),
            inspect.Parameter("service", keyword, annotation=CurrentService),
            *(inspect.Parameter(name, keyword, annotation=_path_type(ids[name])) for name in path_ids),
            inspect.Parameter("idempotency_key", keyword, annotation=IdempotencyKey, default=None),
        ],
        return_annotation=JSONResponse,
    )
    return endpoint


def _path_type(declared: Any) -> Any:
    """A path id's annotation: ``Annotated[int, Path(ge=1)]`` as declared, a bare ``Path(...)`` a string."""
    return declared if get_origin(declared) is Annotated else Annotated[str, declared]


@dataclass(frozen=True)
class StateReads:
    """``GET /{id}`` (the record's current state, as ``answer``) and ``GET /{id}/history`` (every
    event, the audit view), for callers whose jurisdiction covers the record. ``extra(service, id)``
    adds fields a service answers beside the state (as its commands do)."""

    aggregate: Aggregate[Any, Any]
    answer: Any
    extra: Callable[[ServiceBase[Any, Any], str], Awaitable[dict[str, Any]]] | None = None
    any_event: bool = False  # visible to whoever any of its events concerns (govgrid.web.reads)
    readers: frozenset[Role] | None = None  # None: every role (within its jurisdiction)
    # Who may read it when that is not decided by its events' jurisdiction: raises Forbidden.
    visible: Callable[[ServiceBase[Any, Any], Principal, Loaded[Any]], Awaitable[None]] | None = None
    summary: str | None = None  # of GET /{id}; default "Current state of a <kind>"

    def ensure_can_read(self, principal: Principal) -> None:
        if self.readers is not None and principal.role not in self.readers:
            raise Forbidden(f"a {principal.role.value} cannot read a {self.aggregate.kind}")


def _add_state_reads(router: APIRouter, reads: StateReads, id_name: str, id_param: Any) -> None:
    aggregate, kind = reads.aggregate, reads.aggregate.kind

    async def get(principal: CurrentPrincipal, service: CurrentService, **path: str) -> dict[str, Any]:
        ident = path[id_name]
        reads.ensure_can_read(principal)
        if reads.visible is not None:
            loaded = await _visible(service, principal, ident)
            state = state_body(loaded.state, loaded.version)
        else:
            state = await read_state(
                service.events,
                principal,
                aggregate.stream_id(ident),
                aggregate.evolve,
                kind,
                ident,
                any_event=reads.any_event,
            )
        return {**state, **(await reads.extra(service, ident))} if reads.extra else state

    async def history(
        principal: CurrentPrincipal, service: CurrentService, **path: str
    ) -> list[dict[str, Any]]:
        ident = path[id_name]
        reads.ensure_can_read(principal)
        if reads.visible is not None:
            return [e.model_dump(mode="json") for e in (await _visible(service, principal, ident)).history]
        stream_id = aggregate.stream_id(ident)
        return await read_history(
            service.events, principal, stream_id, kind, ident, any_event=reads.any_event
        )

    async def _visible(service: ServiceBase[Any, Any], principal: Principal, ident: str) -> Loaded[Any]:
        assert reads.visible is not None
        loaded = await aggregate.load(service, ident)
        loaded.require(kind, ident)
        await reads.visible(service, principal, loaded)
        return loaded

    keyword = inspect.Parameter.KEYWORD_ONLY
    signature = [
        inspect.Parameter("principal", keyword, annotation=CurrentPrincipal),
        inspect.Parameter("service", keyword, annotation=CurrentService),
        inspect.Parameter(id_name, keyword, annotation=_path_type(id_param)),
    ]
    get.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    history.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    errors = error_responses(*READ_ERRORS)
    router.add_api_route(
        f"/{{{id_name}}}",
        get,
        methods=["GET"],
        summary=reads.summary or f"Current state of a {kind}",
        response_model=reads.answer,
        responses=errors,
        name=f"get_{kind.replace(' ', '_')}",
    )
    router.add_api_route(
        f"/{{{id_name}}}/history",
        history,
        methods=["GET"],
        summary=f"Every event of a {kind} (audit view)",
        response_model=list[EventEnvelope],
        responses=errors,
        name=f"{kind.replace(' ', '_')}_history",
    )


@cache
def state_response(state_class: type, **extra: Any) -> type[BaseModel]:
    """The answer model of a record's state: the state dataclass's fields, its ``version``, and
    ``extra`` fields (name=type) a service adds to its answers."""
    assert is_dataclass(state_class)
    hints = get_type_hints(state_class)
    fields_: dict[str, Any] = {f.name: (hints[f.name], ...) for f in fields(state_class)}
    fields_["version"] = (int, ...)
    fields_.update({name: (annotation, ...) for name, annotation in extra.items()})
    model: type[BaseModel] = create_model(state_class.__name__, __doc__=state_class.__doc__, **fields_)
    return model
