"""The ``topo`` domain: one entry per topology object, its roles, its index, and the build's lab.

The domain is the only code that touches the extension's data on the Sphinx environment
(``env.domaindata["topo"]``):

- ``objects``: object id -> :class:`Entry` (where the object's entry is);
- ``docs``: the documents that show topology data, re-read when the topology changes;
- ``digest`` and ``visited``: the content hash of the topology these documents were read
  with, and the files it was read from (to tell cheaply whether they changed);
- ``drift_docs`` and ``drift_digest``: the same for the documents that show the last drift
  report (``topodoc-drift`` and the objects' cards), re-read when the report changes.

It is parallel safe: everything is keyed by document, cleared per document and merged from
the reading processes. The settings and the :class:`~.lab.Lab` of the running build live on
the domain instance, never in the pickled environment. The lab is loaded when first needed:
a rebuild in which no page is read or written, and the topology's files did not change, never
loads it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from topodoc.model.kinds import BY_NAME, KINDS

from .lastcheck import report_digest
from .settings import Settings
from .warn import warn

if TYPE_CHECKING:  # the lab (the model, views, tables) loads when first needed
    from .lab import Lab



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
    localname = "Topology objects"
    shortname = "objects"

    def generate(self, docnames: Iterable[str] | None = None
                 ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain: TopoDomain = self.domain  # type: ignore[assignment]  # Sphinx: a Domain
        wanted = set(docnames) if docnames is not None else None
        groups: dict[str, list[IndexEntry]] = {}
        for obj_id, entry in sorted(domain.objects.items()):
            if wanted is None or entry.docname in wanted:
                groups.setdefault(entry.kind, []).append(IndexEntry(
                    obj_id, 0, entry.docname, entry.node_id, "", "", entry.title))
        content = [(BY_NAME[kind].title, groups[kind]) for kind in KINDS if kind in groups]
        return content, False


class TopoDomain(Domain):
    """Topology objects: ``:topo:ref:`id``` and ``:topo:<kind>:`id``` link to their entry."""

    name = "topo"
    label = "Topology"
    object_types = {kind: ObjType(kind.replace("_", " "), kind, "ref") for kind in KINDS}
    roles = {name: XRefRole(innernodeclass=nodes.inline) for name in ("ref", *KINDS)}
    indices = [TopoIndex]
    initial_data: ClassVar[dict[str, Any]] = {
        "objects": {}, "docs": {}, "digest": None, "visited": [], "drift_docs": {},
        "drift_digest": None}
    data_version = 3

    #: The running build's settings and what it compares with the environment (set by
    #: :meth:`start`, never pickled).
    settings: Settings
    topology_digest: str
    drift_digest: str
    _lab: Lab | None = None

    def start(self, settings: Settings, reusable: bool) -> bool:
        """Begin a build with ``settings``; whether the topology changed since the pages were
        read. When the environment is ``reusable`` (same configuration, generated pages in
        place) and the topology's files are the same bytes, it is not loaded now, only when a
        page is read or written."""
        self.settings, self._lab = settings, None
        from topodoc.reading.files import unchanged

        self.drift_digest = report_digest(settings.drift_report)
        if reusable and self.data["digest"] and \
                unchanged(settings.topology, self.data["visited"], self.data["digest"]):
            self.topology_digest = self.data["digest"]
            return False
        self.topology_digest = self.lab.digest
        return True

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

    @property
    def topology_docs(self) -> dict[str, bool]:
        """The documents that show topology data (a dict used as an ordered set)."""
        docs: dict[str, bool] = self.data["docs"]
        return docs

    def note_entry(self, obj_id: str, entry: Entry, location: nodes.Node) -> bool:
        """Record ``obj_id``'s entry; ``False`` (and a warning) when it already has one."""
        other = self.objects.get(obj_id)
        if other is not None:
            where = "on this page" if other.docname == entry.docname else f"in {other.docname!r}"
            warn("duplicate", f"object {obj_id!r} already has an entry {where}; use :no-index: "
                 "on all but one topodoc-object", location)
            return False
        self.objects[obj_id] = entry
        return True

    def note_topology_use(self, docname: str) -> None:
        self.topology_docs[docname] = True

    def note_drift_use(self, docname: str) -> None:
        self.data["drift_docs"][docname] = True

    def outdated_docs(self, removed: Set[str]) -> list[str]:
        """The documents to re-read because the topology's content, or the drift report's,
        changed since they were read."""
        outdated: set[str] = set()
        for docs, key, digest in (("docs", "digest", self.topology_digest),
                                  ("drift_docs", "drift_digest", self.drift_digest)):
            if self.data[key] != digest:
                self.data[key] = digest
                outdated.update(self.data[docs])
        if self._lab is not None:
            self.data["visited"] = list(self._lab.model.visited)
        return sorted(outdated - set(removed))

    def clear_doc(self, docname: str) -> None:
        for obj_id, entry in list(self.objects.items()):
            if entry.docname == docname:
                del self.objects[obj_id]
        self.topology_docs.pop(docname, None)
        self.data["drift_docs"].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for obj_id, entry in otherdata["objects"].items():
            if entry.docname not in docnames:
                continue
            mine = self.objects.get(obj_id)
            if mine is not None and mine.docname != entry.docname:
                warn("duplicate", f"object {obj_id!r} has entries in {mine.docname!r} and "
                     f"{entry.docname!r}; use :no-index: on all but one topodoc-object",
                     entry.docname)
                continue
            self.objects[obj_id] = entry
        for key in ("docs", "drift_docs"):
            for docname in otherdata[key]:
                if docname in docnames:
                    self.data[key][docname] = True

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

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                     typ: str, target: str, node: pending_xref, contnode: nodes.Element
                     ) -> nodes.reference | None:
        entry = self.objects.get(target)
        if entry is None:
            known = target in self.lab.model.objects
            warn("ref", f"topo:{typ}: object {target!r} "
                 + ("has no entry (no reference page and no topodoc-object)" if known
                    else "is not in the topology"), node)
            return None
        if typ != "ref" and typ != entry.kind:
            warn("ref", f"topo:{typ}: {target!r} is a {entry.kind}, not a {typ}", node)
        if not node.get("refexplicit"):
            contnode = nodes.inline(entry.title, entry.title, classes=contnode["classes"])
        return make_refnode(builder, fromdocname, entry.docname, entry.node_id, contnode,
                            f"{entry.title} ({entry.kind})")

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: pending_xref, contnode: nodes.Element
                         ) -> list[tuple[str, nodes.reference]]:
        entry = self.objects.get(target)
        if entry is None:
            return []
        return [(f"topo:{entry.kind}", make_refnode(builder, fromdocname, entry.docname,
                                                     entry.node_id, contnode, entry.title))]

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        for obj_id, entry in sorted(self.objects.items()):
            yield obj_id, entry.title, entry.kind, entry.docname, entry.node_id, 1


def topo_domain(env: BuildEnvironment) -> TopoDomain:
    return env.domains["topo"]  # type: ignore[return-value]  # Sphinx types it as a Domain
