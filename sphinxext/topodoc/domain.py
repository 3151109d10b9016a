"""The ``topo`` domain: one entry per topology object, its roles, its index, and the build's lab.

The domain is the only code that touches the extension's data on the Sphinx environment
(``env.domaindata["topo"]``):

- ``objects``: object id -> :class:`Entry` (where the object's entry is);
- ``reads``: document -> the keys (:mod:`topodoc.model.digests`) its directives and roles
  read while it was read: the documents that show topology data;
- ``digests``: key -> content hash, for the topology these documents were read with;
- ``digest`` and ``visited``: the content hash of the topology's files, and the files
  (to tell cheaply, without parsing, that nothing changed);
- ``token``: names the reading these data come from; the keys each document's placeholders
  read while it was *written* (after the environment is saved) are saved with it beside the
  environment (:data:`WRITTEN`), valid only with the same token;
- ``diagrams``: document -> the ``(selection, legend)`` of each of its diagrams, in order:
  what is laid out ahead of the writer (:mod:`.ahead`);
- ``drift_docs`` and ``drift_digest``: the same for the documents that show the last drift
  report (``topodoc-drift`` and the objects' cards), re-read when the report changes.

A document is read again when a key it read (either way) has a new hash; when what it read
while written is unknown (no valid :data:`WRITTEN`), whenever the topology changes.

It is parallel safe: everything is keyed by document, cleared per document and merged from
the reading processes (placeholders are resolved in the main process). The settings and the
:class:`~.lab.Lab` of the running build live on the domain instance, never in the pickled
environment. The lab is loaded when first needed:
a rebuild in which no page is read or written, and the topology's files did not change, never
loads it.
"""

from __future__ import annotations

import pickle
import posixpath
import uuid
from collections.abc import Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from topodoc.model.kinds import BY_NAME, KINDS
from topodoc.util.atomic import write_bytes

from .i18n import _, lazy
from .lastcheck import report_digest
from .settings import Settings
from .warn import warn

if TYPE_CHECKING:  # the lab (the model, views, tables) loads when first needed
    from topodoc.model.selection import Selection

    from .ahead import LayoutsAhead
    from .lab import Lab

#: Beside the pickled environment: {"token": ..., "reads": document -> keys read when written}.
WRITTEN = "topodoc-written.pickle"


class Entry(NamedTuple):
    """Where an object's entry is written."""

    docname: str
    node_id: str
    kind: str
    title: str


def node_id(obj_id: str) -> str:
    """The HTML id of an object's entry."""
    return f"topo-{obj_id}"


class TopoIndex(Index):
    """Every object with an entry, grouped by kind."""

    name = "objects"
    localname = lazy("Topology objects")
    shortname = "objects"

    def generate(
        self, docnames: Iterable[str] | None = None
    ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain: TopoDomain = self.domain  # type: ignore[assignment]  # Sphinx: a Domain
        wanted = set(docnames) if docnames is not None else None
        groups: dict[str, list[IndexEntry]] = {}
        for obj_id, entry in sorted(domain.objects.items()):
            if wanted is None or entry.docname in wanted:
                groups.setdefault(entry.kind, []).append(
                    IndexEntry(obj_id, 0, entry.docname, entry.node_id, "", "", entry.title)
                )
        content = [(_(BY_NAME[kind].title), groups[kind]) for kind in KINDS if kind in groups]
        return content, False


class TopoDomain(Domain):
    """Topology objects: ``:topo:ref:`id``` and ``:topo:<kind>:`id``` link to their entry."""

    name = "topo"
    label = "Topology"
    object_types = {kind: ObjType(kind.replace("_", " "), kind, "ref") for kind in KINDS}
    roles = {name: XRefRole(innernodeclass=nodes.inline) for name in ("ref", *KINDS)}
    indices = [TopoIndex]
    initial_data = {
        "objects": {},
        "reads": {},
        "digests": {},
        "digest": None,
        "visited": [],
        "diagrams": {},
        "drift_docs": {},
        "drift_digest": None,
        "token": "",
    }
    data_version = 5

    #: The running build's settings and what it compares with the environment (set by
    #: :meth:`start`, never pickled).
    settings: Settings
    topology_digest: str
    topology_changed: bool
    drift_digest: str
    _lab: Lab | None = None
    #: This build's documents -> the keys their placeholders read (see :meth:`note_written`).
    _written: dict[str, frozenset[str]]
    _previous: dict[str, frozenset[str]] | None  # the same, saved by the last builds
    #: The documents this build reads, and the diagrams of those it writes laid out ahead.
    reading: list[str]
    ahead: LayoutsAhead | None = None
    #: The reference pages of objects gone from the topology: their output is deleted.
    removed_pages: list[str]

    def start(self, settings: Settings, reusable: bool) -> bool:
        """Begin a build with ``settings``; whether the topology changed since the pages were
        read. When the environment is ``reusable`` (same configuration, generated pages in
        place) and the topology's files are the same bytes, it is not loaded now, only when a
        page is read or written."""
        self.settings, self._lab, self._written, self._previous = settings, None, {}, None
        self.reading, self.ahead, self.removed_pages = [], None, []
        from topodoc.reading.files import unchanged

        self.drift_digest = report_digest(settings.drift_report)
        self.topology_changed = not (
            reusable
            and self.data["digest"]
            and unchanged(settings.topology, self.data["visited"], self.data["digest"])
        )
        self.topology_digest = self.lab.digest if self.topology_changed else self.data["digest"]
        return self.topology_changed

    @property
    def lab(self) -> Lab:
        """The topology of the running build, loaded (and its problems warned) once."""
        if self._lab is None:
            from .lab import load_lab

            self._lab = load_lab(self.settings)
        return self._lab

    @property
    def objects(self) -> dict[str, Entry]:
        objects: dict[str, Entry] = self.data["objects"]
        return objects

    def note_entry(self, obj_id: str, entry: Entry, location: nodes.Node) -> bool:
        """Record ``obj_id``'s entry; ``False`` (and a warning) when it already has one."""
        other = self.objects.get(obj_id)
        if other is not None:
            where = "on this page" if other.docname == entry.docname else f"in {other.docname!r}"
            warn(
                "duplicate",
                f"object {obj_id!r} already has an entry {where}; use :no-index: "
                "on all but one topodoc-object",
                location,
            )
            return False
        self.objects[obj_id] = entry
        return True

    def note_reads(self, docname: str, *keys: str) -> None:
        """``docname`` shows topology data, and read ``keys`` while it was read."""
        self.data["reads"].setdefault(docname, set()).update(keys)

    def note_written(self, docname: str, keys: set[str]) -> None:
        """``docname`` was written; its placeholders read ``keys``."""
        self._written[docname] = frozenset(keys)

    def note_diagram(self, docname: str, selection: Selection, legend: bool) -> None:
        self.data["diagrams"].setdefault(docname, []).append((selection, legend))

    def layouts_ahead(self, builder: Builder) -> LayoutsAhead | None:
        """The pool laying out the diagrams of the pages this build read, made with the
        first page written; None when no page read has a diagram, or when Sphinx writes in
        parallel: it forks its writers then, and a process forked while threads run may
        inherit a lock one of them holds (seen as a build hanging for ever)."""
        if self.ahead is None and not builder.parallel_ok:
            pages = [
                (d, self.data["diagrams"][d]) for d in self.reading if d in self.data["diagrams"]
            ]
            if pages:
                from .ahead import LayoutsAhead

                self.ahead = LayoutsAhead(builder, self, pages)
        return self.ahead

    def finish_writing(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None

    def note_drift_use(self, docname: str) -> None:
        self.data["drift_docs"][docname] = True

    def outdated_docs(self, removed: Set[str], contents: Iterable[str]) -> list[str]:
        """The documents to re-read because what they show of the topology changed since
        they were read, or because the drift report did; ``contents`` too (the reference's
        table of contents and its entries) when a kind got its first object or lost its
        last (Sphinx rewrites a table of contents, not the navigation of the pages in it)."""
        outdated: set[str] = set()
        if self.data["drift_digest"] != self.drift_digest:
            self.data["drift_digest"] = self.drift_digest
            outdated.update(self.data["drift_docs"])
        if self.topology_changed:
            from topodoc.model.digests import changed, digests

            new = digests(self.lab.model)
            keys = changed(self.data["digests"], new)
            self.data["digests"], self.data["digest"] = new, self.topology_digest
            self.data["visited"] = list(self.lab.model.visited)
            written = self._previously_written()
            if "kinds" in keys:
                outdated.update(contents)
            for docname, read in self.data["reads"].items():
                also = written.get(docname)
                if also is None or not (keys.isdisjoint(read) and keys.isdisjoint(also)):
                    outdated.add(docname)
        return sorted(outdated - set(removed))

    def start_reading(self, docnames: list[str]) -> None:
        """``docnames`` are about to be read: the environment saved after them is a new one."""
        self.reading = docnames
        self._previously_written()
        self.data["token"] = uuid.uuid4().hex

    def _written_path(self) -> Path:
        return Path(self.env.doctreedir, WRITTEN)

    def _previously_written(self) -> dict[str, frozenset[str]]:
        """What the documents' placeholders read when they were last written, if that was
        saved with this environment; else nothing (every such document is read again)."""
        if self._previous is None:
            try:
                saved = pickle.loads(self._written_path().read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError):
                saved = {}
            self._previous = saved["reads"] if saved.get("token") == self.data["token"] else {}
        return self._previous

    def save_written(self) -> None:
        """Save what this build's documents read when written, with what the others read."""
        if not self._written:
            return
        reads = {**self._previously_written(), **self._written}
        found = self.env.found_docs
        reads = {doc: keys for doc, keys in sorted(reads.items()) if doc in found}
        write_bytes(
            self._written_path(),
            pickle.dumps({"token": self.data["token"], "reads": reads}, pickle.HIGHEST_PROTOCOL),
        )

    def clear_doc(self, docname: str) -> None:
        for obj_id, entry in list(self.objects.items()):
            if entry.docname == docname:
                del self.objects[obj_id]
        self.data["reads"].pop(docname, None)
        self.data["drift_docs"].pop(docname, None)
        self.data["diagrams"].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for obj_id, entry in otherdata["objects"].items():
            if entry.docname not in docnames:
                continue
            mine = self.objects.get(obj_id)
            if mine is not None and mine.docname != entry.docname:
                warn(
                    "duplicate",
                    f"object {obj_id!r} has entries in {mine.docname!r} and "
                    f"{entry.docname!r}; use :no-index: on all but one topodoc-object",
                    entry.docname,
                )
                continue
            self.objects[obj_id] = entry
        for docname, keys in otherdata["reads"].items():
            if docname in docnames:
                self.data["reads"].setdefault(docname, set()).update(keys)
        for docname in otherdata["drift_docs"]:
            if docname in docnames:
                self.data["drift_docs"][docname] = True
        for docname, diagrams in otherdata["diagrams"].items():
            if docname in docnames:
                self.data["diagrams"][docname] = diagrams

    def entry_link(self, builder: Builder, fromdocname: str, obj_id: str) -> str | None:
        """The URI of ``obj_id``'s entry as seen from ``fromdocname``, if it has one."""
        entry = self.objects.get(obj_id)
        if entry is None:
            return None
        try:
            uri = builder.get_relative_uri(fromdocname, entry.docname)
        except NoUri:  # a page the output leaves out (LaTeX: not in the toctree)
            return None
        if not uri:  # this page: named, so the link still works from an SVG in _images/
            uri = posixpath.basename(builder.get_target_uri(entry.docname)) or "./"
        return f"{uri}#{entry.node_id}"

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        entry = self.objects.get(target)
        if entry is None:
            known = target in self.lab.model.objects
            warn(
                "ref",
                f"topo:{typ}: object {target!r} "
                + (
                    "has no entry (no reference page and no topodoc-object)"
                    if known
                    else "is not in the topology"
                ),
                node,
            )
            return None
        if typ != "ref" and typ != entry.kind:
            warn("ref", f"topo:{typ}: {target!r} is a {entry.kind}, not a {typ}", node)
        if not node.get("refexplicit"):
            contnode = nodes.inline(entry.title, entry.title, classes=contnode["classes"])
        return make_refnode(
            builder,
            fromdocname,
            entry.docname,
            entry.node_id,
            contnode,
            f"{entry.title} ({entry.kind})",
        )

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        entry = self.objects.get(target)
        if entry is None:
            return []
        return [
            (
                f"topo:{entry.kind}",
                make_refnode(
                    builder, fromdocname, entry.docname, entry.node_id, contnode, entry.title
                ),
            )
        ]

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        for obj_id, entry in sorted(self.objects.items()):
            yield obj_id, entry.title, entry.kind, entry.docname, entry.node_id, 1


def topo_domain(env: BuildEnvironment) -> TopoDomain:
    return env.domains["topo"]  # type: ignore[return-value]  # Sphinx types it as a Domain
