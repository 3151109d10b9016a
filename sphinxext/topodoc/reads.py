"""The model as one page reads it: every read noted as a key of :mod:`topodoc.model.digests`.

What a page's directives and card show is worked out from a :class:`NotingModel`; the keys
it notes are the page's inputs. On the next build, the page is read again only when the hash
of one of them changed (see :mod:`.domain`). An object read by id notes ``o:ID`` (its
content); a look-up in an index of the relations naming objects (``children``,
``services_on``, ``clusters_of``: what is placed on it, runs on it, its clusters) notes
``in:ID`` for the object looked up; listing a kind notes ``k:KIND``; anything else (iterating
every object, an attribute not listed here) notes ``*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from topodoc.model.objects import Model

if TYPE_CHECKING:
    from topodoc.diagrams.views import Selected
    from topodoc.model.selection import Selection
    from topodoc.tables.table import Row, Table

    from .lab import Lab


class NotingMapping(Mapping[str, Any]):
    """A mapping keyed by object (or view) id whose look-ups note ``prefix + key``; listing
    it notes ``*``."""

    def __init__(self, data: Mapping[str, Any], prefix: str, keys: set[str]) -> None:
        self._data, self._prefix, self._keys = data, prefix, keys

    def __getitem__(self, key: str) -> Any:
        self._keys.add(self._prefix + key)
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        self._keys.add("*")
        return iter(self._data)

    def __len__(self) -> int:
        self._keys.add("*")
        return len(self._data)


class NotingModel:
    """``model``, noting into ``keys`` what is read of it (see the module's docstring)."""

    def __init__(self, model: Model, keys: set[str]) -> None:
        self._model, self.keys = model, keys
        self.objects = NotingMapping(model.objects, "o:", keys)
        self.views = NotingMapping(model.views, "v:", keys)
        self.children = NotingMapping(model.children, "in:", keys)
        self.services_on = NotingMapping(model.services_on, "in:", keys)
        self.clusters_of = NotingMapping(model.clusters_of, "in:", keys)

    def get(self, obj_id: str) -> Any:
        self.keys.add(f"o:{obj_id}")
        return self._model.objects.get(obj_id)

    def of_kind(self, kind: str) -> tuple[Any, ...]:
        self.keys.add(f"k:{kind}")
        return self._model.of_kind(kind)

    def __iter__(self) -> Iterator[Any]:
        self.keys.add("*")
        return iter(self._model)

    # walks over the noting look-ups above
    descendants = Model.descendants
    physical_host = Model.physical_host
    #: Model's walk run on a NotingModel (not a Model): typed as the plain callable it is here
    placement_chain: Callable[..., list[str]] = Model.placement_chain

    def __getattr__(self, name: str) -> Any:
        self.keys.add("*")
        return getattr(self._model, name)


class NotingLab:
    """The build's :class:`~.lab.Lab` as one page reads it: tables and views add the keys
    they were worked out from (noted once, when first built); a row picked by object id
    (a card's capacity) adds that object, what it is placed on and what is placed on it."""

    def __init__(self, lab: Lab, model: NotingModel) -> None:
        self._lab, self.model, self.keys = lab, model, model.keys
        self.settings, self.last_check = lab.settings, lab.last_check
        self.last_check_at = lab.last_check_at  # drift reports: see TopoDomain.drift_docs

    def selected(self, selection: Selection) -> Selected:
        self.keys.update(self._lab.selection_reads(selection))
        return self._lab.selected(selection)

    def table(self, name: str, columns: list[str] | None, filter: str | None) -> Table:
        table, keys = self._lab.noted_table(name, columns, filter)
        self.keys.update(keys)
        return table

    def rows_by(self, name: str, columns: tuple[str, ...], key: str) -> Mapping[str, Row]:
        return _NotingRows(self._lab.rows_by(name, columns, key), self.model)

    def referring(self, obj_id: str, *relations: str) -> list[str]:
        self.keys.add(f"in:{obj_id}")
        return self._lab.referring(obj_id, *relations)

    def __getattr__(self, name: str) -> Any:
        self.keys.add("*")
        return getattr(self._lab, name)


class _NotingRows(Mapping[str, "Row"]):
    def __init__(self, rows: Mapping[str, Row], model: NotingModel) -> None:
        self._rows, self._model = rows, model

    def __getitem__(self, obj_id: str) -> Row:
        self._model.placement_chain(obj_id)
        for child in self._model.children.get(obj_id, ()):
            self._model.get(child)
        return self._rows[obj_id]

    def __iter__(self) -> Iterator[str]:
        self._model.keys.add("*")
        return iter(self._rows)

    def __len__(self) -> int:
        self._model.keys.add("*")
        return len(self._rows)
