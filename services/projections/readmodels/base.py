"""The read-side toolkit: what a read model is, and how its folds say what an event changes.

A read model is tables and, for each event type it listens to, a fold: a plain function that records
in ``Changes`` what the event does to those tables (a new row, columns set on a row, a row replaced).
It runs no SQL. The projection (services/projections/dispatch.py) folds a whole batch of events into
one ``Changes`` in memory, each stream's events in order, then writes it in a few statements per table
(services/projections/writes.py). Folding twice into one row merges there: a patrol scheduled,
started and completed in one batch is one INSERT.

A model lists its folds (``by_event``: each one applies to the event its signature names); what a
fold keeps of an event as it is, it takes with ``fields_of``, so that only what it derives is spelled
out. Models that name or place things keep the organisation registry too
(``organisation.keeping_registry``).

A change to a row that is neither in the read model nor created earlier in the batch raises
``NotInReadModel``: the event that created it was not applied (parked?), and applying this one would
lose it, so it parks too (and its stream's later events wait behind it).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from govgrid.envelope import EventEnvelope

Key = tuple[Any, ...]


def place(e: EventEnvelope) -> dict[str, str | None]:
    """Township, station and village the event was filed under, as the columns of a row."""
    where = e.jurisdiction
    return {"township_code": where.township, "station_code": where.station, "village_code": where.village}


def fields_of(event: object, *names: str) -> dict[str, Any]:
    """The event's fields ``names`` as the columns of a row that have their names (an enum by its
    value): what a fold keeps of an event as it is."""
    return {name: _as_column(getattr(event, name)) for name in names}


def _as_column(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # its primary key's columns
    noun: str = "row"  # what a row is, for "patrol P1 is not in the read model"

    def missing(self, key: Key) -> NotInReadModel:
        return NotInReadModel(f"{self.noun} {' '.join(str(part) for part in key)} is not in the read model")


class NotInReadModel(LookupError):
    """The row an event changes is not there: the event that creates it was not applied."""


class DuplicateRow(ValueError):
    """An event creates a row that an earlier event of the batch created already."""


@dataclass(frozen=True)
class First:
    """Keep the value already there, if any (a replaced pair of mediators keeps the first day)."""

    value: Any


@dataclass(frozen=True)
class Union:
    """Add these codes to the text array already there, each once, sorted."""

    codes: tuple[str, ...]


def applied(old: Any, change: Any) -> Any:
    """A column's value after ``change`` (a value, a First or a Union) is applied to ``old``."""
    if isinstance(change, First):
        return old if old is not None else change.value
    if isinstance(change, Union):
        return sorted({*(old or ()), *change.codes})
    return change


def combined(earlier: Any, later: Any) -> Any:
    """Two changes of a column of a row there before the batch, as one change (ABSENT: none yet)."""
    if earlier is ABSENT or not isinstance(later, First | Union):
        return later
    if isinstance(later, First):
        if isinstance(earlier, First):
            return earlier
        return earlier if earlier is not None else later.value
    if isinstance(earlier, Union):
        return Union(tuple(sorted({*earlier.codes, *later.codes})))
    if isinstance(earlier, First):  # not in these read models: a column is merged one way
        raise TypeError("a column is either kept first or unioned, not both")
    return applied(earlier, later)


ABSENT = object()


class Changes:
    """What a batch of events does to a read model's tables, folded in memory.

    ``exists(table, key)`` says whether a row was there before the batch: True, False, or None when
    not known yet (then the key is noted in ``unknown``, and the projection asks PostgreSQL and folds
    again if one is missing). Each event's changes can be undone (an event that fails part-way parks
    and leaves nothing behind)."""

    def __init__(self, exists: Callable[[Table, Key], bool | None]) -> None:
        self._exists = exists
        self.new: dict[Table, dict[Key, dict[str, Any]]] = {}  # rows created in the batch
        self.replaced: dict[Table, dict[Key, dict[str, Any]]] = {}  # rows written whether there or not
        self.patches: dict[Table, dict[Key, dict[str, Any]]] = {}  # columns set on rows there before
        self.matching: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []  # see update_matching
        self.unknown: set[tuple[Table, Key]] = set()
        self._undo: list[Callable[[], object]] = []

    # -- what folds call --------------------------------------------------------------------------

    def insert(self, table: Table, **row: Any) -> None:
        """A new row. One already in the read model is a constraint violation when written."""
        key = tuple(row[column] for column in table.key)
        rows = self.new.setdefault(table, {})
        if key in rows or key in self.replaced.get(table, {}):
            raise DuplicateRow(f"{table.noun} {' '.join(map(str, key))} is already in the read model")
        rows[key] = {column: applied(None, value) for column, value in row.items()}
        self._undo.append(lambda: rows.pop(key))

    def replace(self, table: Table, **row: Any) -> None:
        """The row with these values, whether it was there or not."""
        key = tuple(row[column] for column in table.key)
        for kind in (self.new, self.replaced):
            rows = kind.get(table, {})
            if key in rows:
                self._set(rows[key], row)
                return
        rows = self.replaced.setdefault(table, {})
        rows[key] = dict(row)
        self._undo.append(lambda: rows.pop(key))

    def update(self, table: Table, key: Key | str, **columns: Any) -> None:
        """Set columns on a row that must be there (created before or earlier in the batch); without
        columns, only requires it."""
        key = key if isinstance(key, tuple) else (key,)
        for kind in (self.new, self.replaced):
            rows = kind.get(table, {})
            if key in rows:
                self._set(rows[key], columns)
                return
        known = self._exists(table, key)
        if known is False:
            raise table.missing(key)
        if known is None:
            self.unknown.add((table, key))
        patches = self.patches.setdefault(table, {})
        if key not in patches:
            patches[key] = {}
            self._undo.append(lambda: patches.pop(key))
        self._set(patches[key], columns, combine=True)

    def update_matching(self, table: Table, where: dict[str, Any], **columns: Any) -> None:
        """Set columns on every row whose ``where`` columns are equal (None: NULL), whether created in
        the batch or there before; none matching is no error. Rows there before are updated before
        the batch's new rows are written."""
        for row in self.new.get(table, {}).values():
            if all(row[column] == value for column, value in where.items()):
                self._set(row, columns)
        self.matching.append((table, where, columns))
        self._undo.append(self.matching.pop)

    # -- what the projection calls ----------------------------------------------------------------

    def commit_event(self) -> None:
        self._undo.clear()

    def undo_event(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _set(self, row: dict[str, Any], columns: Mapping[str, Any], combine: bool = False) -> None:
        before = dict(row)
        for column, change in columns.items():
            old = row.get(column, ABSENT)
            if combine:  # a row there before: First / Union stay for the statement to merge
                row[column] = combined(old, change)
            else:
                row[column] = applied(None if old is ABSENT else old, change)

        def restore() -> None:
            row.clear()
            row.update(before)

        self._undo.append(restore)


# (the batch's changes, the envelope, its payload decoded and upcast to the latest model)
Fold = Callable[[Changes, EventEnvelope, Any], None]


def by_event(*folds: Fold) -> dict[str, Fold]:
    """Each fold by the event type it folds: that of the payload class its third parameter is
    annotated with, so that a fold's event is named once, in its signature."""
    appliers: dict[str, Fold] = {}
    for fold in folds:
        event = list(inspect.signature(fold, eval_str=True).parameters.values())[2].annotation
        event_type = getattr(event, "event_type", None)
        if not isinstance(event_type, str):
            raise TypeError(f"{fold.__name__} folds {event!r}, which is no event of the catalogue")
        if event_type in appliers:
            raise ValueError(f"{appliers[event_type].__name__} and {fold.__name__} both fold {event_type}")
        appliers[event_type] = fold
    return appliers


@dataclass(frozen=True)
class ReadModel:
    name: str  # lower-case letters and _: it names the schemas of its generations
    services: frozenset[str]  # whose topics it reads
    appliers: Mapping[str, Fold]  # by event type; other events are not its business

    @property
    def sql(self) -> Path:
        """Its tables: readmodels/sql/<name>/NNNN_<name>_*.sql, applied to each new generation
        and, those added since, to the served ones when a process starts (Generations.open)."""
        return Path(__file__).parent / "sql" / self.name
