"""The five directives. Each only checks its options against the model, warns at its own
line when one is wrong, and leaves a placeholder node that is resolved after all documents
are read (see :mod:`.resolve`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.ext.graphviz import align_spec, figure_wrapper
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from topodoc.drift.states import STATES

from .domain import Entry, TopoDomain, node_id, topo_domain
from .i18n import _, kind_word
from .nodes import (
    Placeholder,
    diagram_placeholder,
    drift_placeholder,
    impact_placeholder,
    object_placeholder,
    table_placeholder,
)
from .warn import warn

if TYPE_CHECKING:  # the model, views and tables load with the first directive read
    from topodoc.model.objects import Model
    from topodoc.model.selection import Selection


def id_list(argument: str | None) -> tuple[str, ...]:
    """A list option: names separated by commas and/or spaces."""
    return tuple(dict.fromkeys(n for n in re.split(r"[\s,]+", argument or "") if n))


class TopoDirective(SphinxDirective):
    """What the five directives share: the model, typed warnings, placeholders."""

    @property
    def domain(self) -> TopoDomain:
        return topo_domain(self.env)

    @property
    def model(self) -> Model:
        return self.domain.lab.model

    def warn(self, message: str) -> list[nodes.Node]:
        """Warn at this directive's line; the directive then shows nothing."""
        warn("directive", f"{self.name}: {message}", self.get_location())
        return []

    def placeholder(self, cls: type[Placeholder], **attrs: Any) -> Placeholder:
        node = cls(**attrs)
        self.set_source_info(node)
        return node

    def placed(self, node: Placeholder) -> list[nodes.Node]:
        """``node`` with the :class: and :name: options applied; a table with a caption
        gets an id for its permalink even without :name:."""
        node["classes"] += self.options.get("class", [])
        self.add_name(node)
        if node.get("caption") and not node["ids"]:
            node["ids"].append(make_id(self.env, self.state.document, "topodoc-table"))
        return [node]

    def note(self, *keys: str) -> None:
        """This page read ``keys`` (:mod:`topodoc.model.digests`): it is read again when one
        changes, even when the directive is wrong today (an object named is missing)."""
        self.domain.note_reads(self.env.current_document.docname, *keys)

    def run(self) -> list[nodes.Node]:
        self.note()  # a page with a topodoc directive shows topology data
        return self.checked()

    def checked(self) -> list[nodes.Node]:
        raise NotImplementedError


class DiagramDirective(TopoDirective):
    """``.. topodoc-diagram:: [VIEW]``: a named view, or a selection given inline; inline
    options override the view's own values."""

    optional_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "layers": id_list,
        "kinds": id_list,
        "tags": id_list,
        "include": id_list,
        "exclude": id_list,
        "root": directives.unchanged,
        "depth": directives.unchanged,
        "direction": directives.unchanged,
        "title": directives.unchanged,
        "level": directives.unchanged,
        "legend": directives.unchanged,
        "caption": directives.unchanged,
        "alt": directives.unchanged,
        "align": align_spec,
        "name": directives.unchanged,
        "class": directives.class_option,
    }

    def selection(self) -> Selection:
        """The view's selection with the inline options applied; raises ViewError."""
        from topodoc.diagrams.views import selection_for_view
        from topodoc.model.selection import Selection, ViewError

        given: dict[str, Any] = {
            k: self.options[k]
            for k in ("layers", "kinds", "tags", "include", "exclude", "title")
            if k in self.options
        }
        if "root" in self.options:
            given["root"] = self.options["root"].strip() or None
        if "direction" in self.options:
            given["direction"] = self.options["direction"].strip().upper()
        if "level" in self.options:
            given["level"] = self.options["level"].strip().lower()
        if "depth" in self.options:
            depth = self.options["depth"].strip()
            if not depth.isdigit():
                raise ViewError(f":depth: must be a whole number >= 0, not {depth!r}")
            given["depth"] = int(depth)
        base = selection_for_view(self.model, self.arguments[0]) if self.arguments else Selection()
        return dataclasses.replace(base, **given)

    def checked(self) -> list[nodes.Node]:
        from topodoc.model.selection import ViewError

        self.note(
            *(f"v:{a}" for a in self.arguments),
            *(
                f"o:{i}"
                for i in (
                    self.options.get("root", "").strip(),
                    *self.options.get("include", ()),
                    *self.options.get("exclude", ()),
                )
                if i
            ),
        )
        legend = self.options.get("legend", "on").strip().lower()
        if legend not in ("on", "off"):
            return self.warn(f":legend: must be on or off, not {legend!r}")
        try:
            selection = self.selection()
            self.domain.lab.selected(selection)
        except ViewError as exc:
            return self.warn(str(exc))
        node = self.placeholder(
            diagram_placeholder,
            selection=selection,
            legend=legend == "on",
            alt=self.options.get("alt")
            or selection.title
            or (self.arguments[0] if self.arguments else _("topology diagram")),
        )
        if "align" in self.options:
            node["align"] = self.options["align"]
        self.domain.note_diagram(self.env.current_document.docname, selection, legend == "on")
        if "caption" not in self.options:
            return self.placed(node)
        # (Sphinx types the figure helper for its graphviz nodes; it reads any node's attributes)
        figure = figure_wrapper(self, node, self.options["caption"])  # type: ignore[arg-type]
        figure["classes"] += self.options.get("class", [])
        self.add_name(figure)
        return [figure]


class TableDirective(TopoDirective):
    """``.. topodoc-table:: NAME``: a table of the model, with chosen columns and a filter."""

    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "columns": id_list,
        "filter": directives.unchanged,
        "caption": directives.unchanged,
        "name": directives.unchanged,
        "class": directives.class_option,
    }

    def checked(self) -> list[nodes.Node]:
        from topodoc.tables.table import TableError

        name = self.arguments[0]
        columns = list(self.options.get("columns", ())) or None
        table_filter = (self.options.get("filter") or "").strip() or None
        try:
            self.domain.lab.table(name, columns, table_filter)
        except TableError as exc:
            return self.warn(str(exc))
        return self.placed(
            self.placeholder(
                table_placeholder,
                table=name,
                columns=columns,
                filter=table_filter,
                caption=self.options.get("caption"),
            )
        )


class ImpactDirective(TopoDirective):
    """``.. topodoc-impact::``: what fails with each host, failure domain and site."""

    option_spec: ClassVar[OptionSpec] = {
        "objects": id_list,
        "cluster": directives.unchanged,
        "caption": directives.unchanged,
        "name": directives.unchanged,
        "class": directives.class_option,
    }

    def checked(self) -> list[nodes.Node]:
        objects = self.options.get("objects", ())
        cluster = (self.options.get("cluster") or "").strip() or None
        self.note(*(f"o:{i}" for i in (*objects, cluster) if i))
        if missing := [i for i in objects if i not in self.model.objects]:
            return self.warn(f":objects: no object {', '.join(map(repr, missing))} in the topology")
        if cluster and getattr(self.model.get(cluster), "kind", None) != "cluster":
            return self.warn(f":cluster: {cluster!r} is not a cluster in the topology")
        return self.placed(
            self.placeholder(
                impact_placeholder,
                objects=objects,
                cluster=cluster,
                caption=self.options.get("caption"),
            )
        )


class ObjectDirective(TopoDirective):
    """``.. topodoc-object:: ID``: the reference card of one object, and its entry: the
    target of ``:topo:ref:`ID```, of ``:ref:`LABEL``` and of its index entries (unless
    ``:no-index:``)."""

    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "no-index": directives.flag,
        "noindex": directives.flag,
        "class": directives.class_option,
    }

    def checked(self) -> list[nodes.Node]:
        obj_id = self.arguments[0]
        self.note(f"o:{obj_id}")
        obj = self.model.get(obj_id)
        if obj is None:
            return self.warn(f"no object {obj_id!r} in the topology")
        node = self.placeholder(
            object_placeholder, object=obj_id, classes=self.options.get("class", [])
        )
        self.domain.note_drift_use(self.env.current_document.docname)  # its last state
        if "no-index" in self.options or "noindex" in self.options:
            return [node]
        docname = self.env.current_document.docname
        anchor = node_id(obj_id)
        if not self.domain.note_entry(obj_id, Entry(docname, anchor, obj.kind, obj.title), node):
            return [node]
        node["ids"].append(anchor)
        if obj.label:
            self.env.domains.standard_domain.note_hyperlink_target(
                obj.label.lower(), docname, anchor, obj.title
            )
        entries = [("single", f"{obj_id} ({kind_word(obj.kind)})", anchor, "", None)]
        title = " ".join(obj.title.split())  # one line; a blank name has no entry
        if title and title != obj_id:
            entries.append(("single", title, anchor, "", None))
        return [addnodes.index(entries=entries), node]


class DriftDirective(TopoDirective):
    """``.. topodoc-drift:: [PATH]``: the last drift check (a report saved by ``topodoc drift
    -o json=FILE``): its summary, findings per object and sources. PATH is relative to this
    document (or, starting with ``/``, to the source directory); without it, the report of
    ``topodoc_drift_report``."""

    optional_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "states": id_list,
        "name": directives.unchanged,
        "class": directives.class_option,
    }
    #: Findings listed unless :states: says otherwise: all but ok.
    DEFAULT_STATES = tuple(s for s in STATES if s != "ok")

    def checked(self) -> list[nodes.Node]:
        states = self.options.get("states") or self.DEFAULT_STATES
        if unknown := [s for s in states if s not in STATES]:
            return self.warn(
                f":states: unknown {', '.join(map(repr, unknown))}; use any of {', '.join(STATES)}"
            )
        path = None
        if self.arguments:
            _, path = self.env.relfn2path(self.arguments[0])
            self.env.note_dependency(path)
        self.domain.note_drift_use(self.env.current_document.docname)
        return self.placed(self.placeholder(drift_placeholder, path=path, states=states))


DIRECTIVES: dict[str, type[TopoDirective]] = {
    "topodoc-diagram": DiagramDirective,
    "topodoc-table": TableDirective,
    "topodoc-impact": ImpactDirective,
    "topodoc-object": ObjectDirective,
    "topodoc-drift": DriftDirective,
}
