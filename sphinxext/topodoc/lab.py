"""The topology of one build: loaded and checked once, its problems reported as warnings."""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from topodoc.diagrams.views import Selected, select
from topodoc.diagrams.views import inputs as view_inputs
from topodoc.model.graph import references
from topodoc.model.objects import Live, Model
from topodoc.model.problems import Problem, display_path
from topodoc.model.selection import Selection
from topodoc.reading.load import SourceError, load_topology
from topodoc.tables.table import Row, Table, Tables
from topodoc.util import gcpause

from .lastcheck import LastCheck, read_last_check
from .reads import NotingModel
from .settings import Settings
from .warn import Location, info, verbose, warn

#: A table as a directive asks for it: name, columns, filter.
TableKey = tuple[str, tuple[str, ...] | None, str | None]
EMPTY = Model(objects={}, views={}, live=Live(), files=(), digest="")


class Lab:
    """What every directive and page of one build reads: the settings, the model, its
    problems and the configured drift report, fixed for the build; and what is worked out
    of them (selections, tables, drift reports named by directives), kept once computed."""

    def __init__(
        self,
        settings: Settings,
        model: Model,
        problems: tuple[Problem, ...],
        last_check: LastCheck,
    ) -> None:
        self.settings, self.model, self.problems = settings, model, problems
        self.last_check = last_check
        self._selected: dict[Selection, Selected] = {}
        self._reports: dict[Path, LastCheck] = {}
        self._tables: dict[TableKey, tuple[Table, frozenset[str]]] = {}
        self._indexes: dict[tuple[str, tuple[str, ...], str], dict[str, Row]] = {}

    @property
    def digest(self) -> str:
        """The content hash of the topology's files: it changes when any file does."""
        return self.model.digest

    def selected(self, selection: Selection) -> Selected:
        """What ``selection`` shows, computed once per build (and process); raises ViewError."""
        if selection not in self._selected:
            with gcpause.paused():  # allocates much, makes no reference cycles
                self._selected[selection] = select(self.model, selection)
        return self._selected[selection]

    def selection_reads(self, selection: Selection) -> frozenset[str]:
        """The keys (:mod:`topodoc.model.digests`) of what ``selection`` shows was worked
        out from."""
        found = view_inputs(self.model, self.selected(selection))
        if found is None:
            return frozenset(("*",))
        fields, followed = found
        return frozenset((*(f"o:{i}" for i in fields), *(f"in:{i}" for i in followed)))

    def table(self, name: str, columns: list[str] | None, filter: str | None) -> Table:
        """The table the directive checked is the one its page shows: built once per build
        (and process); raises TableError."""
        return self.noted_table(name, columns, filter)[0]

    def noted_table(
        self, name: str, columns: list[str] | None, filter: str | None
    ) -> tuple[Table, frozenset[str]]:
        """:meth:`table`, and the keys of what it was worked out from."""
        key = (name, tuple(columns) if columns is not None else None, filter)
        if key not in self._tables:
            keys: set[str] = set()
            table = Tables(NotingModel(self.model, keys)).build(  # type: ignore[arg-type]
                name, columns, filter
            )
            self._tables[key] = table, frozenset(keys)
        return self._tables[key]

    def rows_by(self, name: str, columns: tuple[str, ...], key: str) -> Mapping[str, Row]:
        """Table ``name``'s rows (``columns``) by their ``key`` cell, built once: a card
        picks its object's row without building the table again."""
        if (name, columns, key) not in self._indexes:
            full = self.table(name, [key, *columns], None)
            self._indexes[name, columns, key] = {
                row.value(key): Row(tuple(row.value(c) for c in columns), columns)
                for row in full.rows
            }
        return self._indexes[name, columns, key]

    def last_check_at(self, path: Path, location: Location = None) -> LastCheck:
        """The drift report at ``path`` (a directive's own), read once per build."""
        if path == self.last_check.path:
            return self.last_check
        if path not in self._reports:
            self._reports[path] = read_last_check(path, self.model, location)
        return self._reports[path]

    @cached_property
    def referrers(self) -> Mapping[str, tuple[tuple[str, str], ...]]:
        """Object id -> every (object id, relation) that names it, sorted."""
        out: dict[str, set[tuple[str, str]]] = {}
        for obj in self.model:
            for source, relation, target, _ in references(obj):
                out.setdefault(target, set()).add((source, relation))
        return {target: tuple(sorted(found)) for target, found in out.items()}

    def referring(self, obj_id: str, *relations: str) -> list[str]:
        """The objects that name ``obj_id`` through any of ``relations``, in id order."""
        return sorted({s for s, r in self.referrers.get(obj_id, ()) if r in relations})


def load_lab(settings: Settings) -> Lab:
    """The topology at ``settings.topology``; never raises: what fails becomes a warning.

    An unusable path or a failure inside the loader leaves an empty model, so that the
    build goes on and every page naming an object warns where it does.
    """
    where = display_path(str(settings.topology))
    started = time.perf_counter()
    try:
        with gcpause.paused(freeze=True):  # the model lives as long as the build
            loaded = load_topology(settings.topology)
    except SourceError as exc:
        warn("topology", f"{exc} (see topodoc_topology in conf.py)")
        return _lab(settings, EMPTY)
    except Exception as exc:  # the build must survive any topology, and say why it is empty
        warn("topology", f"{where}: cannot load the topology: {type(exc).__name__}: {exc}")
        return _lab(settings, EMPTY)
    lab = _lab(settings, loaded.model, loaded.problems)
    info(
        f"topodoc: read {where}: {len(lab.model.objects)} objects in "
        f"{len(lab.model.files)} files, {time.perf_counter() - started:.2f} s"
    )
    for problem in lab.problems:
        warn(
            "topology", f"{problem.severity}: {problem.message} [{problem.rule}]", str(problem.loc)
        )
    for entry in loaded.silenced:
        verbose(
            f"{entry.problem.loc}: silenced: {entry.problem.message} "
            f"[{entry.problem.rule}] -- {entry.reason}"
        )
    return lab


def _lab(settings: Settings, model: Model, problems: tuple[Problem, ...] = ()) -> Lab:
    return Lab(settings, model, problems, read_last_check(settings.drift_report, model))
