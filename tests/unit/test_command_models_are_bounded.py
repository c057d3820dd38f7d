"""Every command of every service: free text goes through the personal-data guard with a length limit,
every other string is a pattern-checked code, every day, moment and number has bounds on both sides.

A new field that forgets one of these fails here, not as a 500 or a phone number kept forever.
"""

from __future__ import annotations

import importlib
import inspect
import types
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Union
from typing import get_args
from typing import get_origin

import pytest
from pydantic import AfterValidator
from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from govgrid.privacy import no_personal_data

SERVICES = Path(__file__).resolve().parents[2] / "services"
# The bodies of every command endpoint, and the rows of every import.
COMMAND_MODULES = sorted(
    f"services.{path.parent.parent.name}.application.{path.stem}"
    for pattern in ("*/application/commands.py", "*/application/imports.py")
    for path in SERVICES.glob(pattern)
)


def command_models() -> list[type[BaseModel]]:
    models = []
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        models += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == name
        ]
    return models


def leaves(annotation: Any, metadata: tuple[Any, ...]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """The scalar types inside an annotation, each with the constraints that apply to it."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        # A Field(...) inside Annotated holds its constraints in its own metadata.
        for item in extra:
            metadata += tuple(item.metadata) if isinstance(item, FieldInfo) else (item,)
        yield from leaves(base, metadata)
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                yield from leaves(arg, metadata)
    elif origin in (list, tuple, set, frozenset):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                yield from leaves(arg, ())  # the container's limits are not its items'
    else:
        yield annotation, metadata


def constraint(metadata: tuple[Any, ...], *names: str) -> Any:
    for item in metadata:
        for name in names:
            value = getattr(item, name, None)
            if value is not None:
                return value
    return None


def problems_of(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        where = f"{model.__module__}.{model.__name__}.{name}"
        for kind, metadata in leaves(field.annotation, tuple(field.metadata)):
            if inspect.isclass(kind) and issubclass(kind, BaseModel):
                yield from problems_of(kind, seen)
            elif kind is str:
                free_text = any(
                    isinstance(m, AfterValidator) and m.func is no_personal_data for m in metadata
                )
                if free_text and constraint(metadata, "max_length") is None:
                    yield f"{where}: FreeText without max_length"
                if not free_text and constraint(metadata, "pattern") is None:
                    yield f"{where}: a str that is neither FreeText nor a pattern-checked code"
            elif kind in (int, float, date, datetime, AwareDatetime):
                if constraint(metadata, "ge", "gt") is None or constraint(metadata, "le", "lt") is None:
                    yield f"{where}: {kind.__name__} without a lower and an upper bound"
            elif (
                kind is bool
                or kind is SecretStr
                or get_origin(kind) is Literal
                or (inspect.isclass(kind) and issubclass(kind, Enum))
            ):
                continue
            else:
                yield f"{where}: {kind!r} is not checked by this test"


def test_there_are_command_models_of_every_service() -> None:
    assert len(COMMAND_MODULES) == 5 + 3
    assert len(command_models()) >= 50


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_every_field_is_guarded_and_bounded(module: str) -> None:
    seen: set[type[BaseModel]] = set()
    problems = [
        problem
        for model in command_models()
        if model.__module__ == module
        for problem in problems_of(model, seen)
    ]

    assert problems == []
