"""Tables of the model, with chosen columns and a filter; values exact, order deterministic.

Filter syntax: ``KEY=VALUE`` terms joined by ``,``; a row is kept when it matches every term.
KEY is any column of the table (shown or not), ``kind``, or ``tag`` (the tags of the object
the row is about). VALUE matches the whole value, case-sensitively; ``*`` in it matches any
text. A list-valued column matches when any one of its items does. Examples:
``kind=vm,platform=openstack``, ``tag=kubernetes``, ``host=zcloud``, ``address=192.168.6.*``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from topodoc.errors import TopodocError
from topodoc.model.objects import Model
from topodoc.tables.columns import SPECS, Column, Spec, Value
from topodoc.util.suggest import unknown_name

__all__ = [
    "TABLES",
    "Column",
    "Row",
    "Table",
    "TableError",
    "Tables",
    "available_columns",
    "build_table",
    "default_columns",
    "table_columns",
]

TABLES = (
    "hosts",
    "vms",
    "clusters",
    "members",
    "networks",
    "addresses",
    "capacity",
    "services",
    "storage",
)
#: Filter keys every table has besides its columns.
FILTER_KEYS = ("kind", "tag")


class TableError(TopodocError, ValueError):
    """An unknown table, column or filter key, or a filter that cannot be read."""


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: its cells' text in column order, and the keys of those columns."""

    values: tuple[str, ...]
    keys: tuple[str, ...]

    def value(self, key: str) -> str:
        """The text in column ``key``; KeyError for a column the row does not show."""
        try:
            return self.values[self.keys.index(key)]
        except ValueError:
            raise KeyError(key) from None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def _spec(name: str) -> Spec:
    if name not in SPECS:
        raise TableError(unknown_name("table", name, TABLES))
    return SPECS[name]


def table_columns(name: str) -> tuple[Column, ...]:
    """Every column table ``name`` has, with its header and what it holds."""
    return _spec(name).columns


def available_columns(name: str) -> tuple[str, ...]:
    """The keys of every column table ``name`` has."""
    return tuple(c.key for c in table_columns(name))


def default_columns(name: str) -> tuple[str, ...]:
    """The keys of the columns shown when none are asked for."""
    return _spec(name).default


class Tables:
    """The tables of one model: each table's items are listed once, whatever columns and
    filters are then asked of it (a docs build shows one table several times, filtered);
    a cell is worked out only for the columns a filter reads or a row shows."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._items: dict[str, Sequence[Any]] = {}

    def build(
        self, name: str, columns: list[str] | None = None, filter: str | None = None
    ) -> Table:
        """Table ``name`` with ``columns`` (default: :func:`default_columns`), rows kept by
        ``filter`` (see the module's docstring)."""
        spec = _spec(name)
        by_key = {c.key: c for c in spec.columns}
        keys = tuple(columns) if columns else spec.default
        for key in keys:
            if key not in by_key:
                raise TableError(f"table {name!r}: {unknown_name('column', key, by_key)}")
        try:
            terms = parse_filter(filter or "", tuple(dict.fromkeys((*by_key, *FILTER_KEYS))))
        except TableError as exc:
            raise TableError(f"table {name!r}: {exc}") from None
        if name not in self._items:
            self._items[name] = spec.items(self.model)
        model, get = self.model, spec.getters()
        kept = [
            item
            for item in self._items[name]
            if all(_matches(get[k](model, item), pattern) for k, pattern in terms)
        ]
        if spec.order is not None:
            kept.sort(key=spec.order)
        shown = [get[k] for k in keys]
        rows = tuple(Row(tuple(_text(cell(model, item)) for cell in shown), keys) for item in kept)
        return Table(name, tuple(by_key[k] for k in keys), rows)


def build_table(
    model: Model, name: str, columns: list[str] | None = None, filter: str | None = None
) -> Table:
    """One table of ``model``: see :meth:`Tables.build`."""
    return Tables(model).build(name, columns, filter)


def parse_filter(text: str, keys: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    """``KEY=VALUE,...`` as (key, whole-value pattern) pairs; unknown keys raise TableError."""
    terms = []
    for term in text.split(","):
        if not term.strip():
            continue
        key, sep, value = term.partition("=")
        key = key.strip()
        if not sep or not key:
            raise TableError(
                f"filter term {term.strip()!r} is not KEY=VALUE (e.g. kind=vm,platform=openstack)"
            )
        if key not in keys:
            raise TableError(unknown_name("filter key", key, keys))
        pattern = ".*".join(re.escape(part) for part in value.strip().split("*"))
        terms.append((key, re.compile(pattern, re.DOTALL)))
    return terms


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def _matches(value: Value, pattern: re.Pattern[str]) -> bool:
    texts = value if isinstance(value, tuple) and value else (_text(value),)
    return any(pattern.fullmatch(t) for t in texts)
