"""DOT text for a selection of the model: nested boxes for placement, edges for relations.

Each drawn object is a node whose ``id`` is the object's id; an object with things placed on
it is also a box (``subgraph cluster_*``, id ``cluster:ID``) holding its node and theirs.
Edges have ids ``SOURCE->TARGET:RELATION``; nodes standing for collapsed objects have ids
``collapsed:FIRST-ID``. The graph is named ``topodoc_`` and a hash of its content, so image
maps of different diagrams on one page do not clash. The same model and options give
byte-identical text: everything is sorted, and every id comes from the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from topodoc.diagrams.collapse import TOP, Plan, Summary, plan
from topodoc.diagrams.graphviz import FORMATS, DotError, DotTimeout, cjk_font_available, run_dot
from topodoc.diagrams.style import (
    COLLAPSED,
    DEFAULT_FONT,
    LINE_SAMPLES,
    LOOSE,
    RELATIONS,
    SHAPES,
    THEME,
    THEMES,
    Theme,
)
from topodoc.diagrams.views import Selected
from topodoc.model.facts import facts, summary
from topodoc.model.kinds import BY_NAME, KINDS
from topodoc.model.objects import AnyObj, Model
from topodoc.util.suggest import unknown_name

__all__ = ["FORMATS", "DotError", "DotGraph", "DotOptions", "DotTimeout", "cjk_font_available",
           "quote", "render_dot", "run_dot"]

LEGEND_ID = "topodoc:legend"
#: How many hidden ids a collapsed node's tooltip names.
TOOLTIP_IDS = 30


@dataclass(frozen=True)
class DotOptions:
    """How to draw: theme, font, node budget, legend, links (object id -> URL), tooltips.

    Nodes with a link get ``target="_top"``, so links in an SVG embedded with ``<object>``
    open in the page. Invalid values raise ``ValueError``.
    """

    theme: str = "light"
    font: str = DEFAULT_FONT
    node_budget: int = 300
    legend: bool = True
    link: Callable[[str], str | None] | None = None
    tooltip: bool = True

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(unknown_name("theme", self.theme, THEMES))
        if type(self.node_budget) is not int or self.node_budget < 1:
            raise ValueError(f"node_budget must be a whole number >= 1, not "
                             f"{self.node_budget!r}")


@dataclass(frozen=True)
class DotGraph:
    """DOT text, the object ids drawn as nodes (sorted), and one message per collapse."""

    source: str
    nodes: tuple[str, ...]
    collapsed: tuple[str, ...]


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # control characters but the line feed


def quote(text: str) -> str:
    """``text`` as a quoted DOT string that ``dot`` shows exactly as written.

    Backslashes and quotes are escaped, line breaks become ``\\n``, other control characters
    are dropped, and ``&`` becomes ``&amp;`` (``dot`` reads entities in labels).
    """
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\n", "\\n") + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]"


def render_dot(model: Model, selected: Selected, options: DotOptions = DotOptions()) -> DotGraph:
    """The DOT text drawing ``selected``, collapsed to fit ``options.node_budget``."""
    drawing = plan(model, selected, options.node_budget)
    writer = _Writer(model, drawing, options, THEME[options.theme])
    lines = writer.header(selected.selection.title, selected.selection.direction)
    for key in drawing.children.get(TOP, ()):
        lines += writer.item(key, 1)
    lines += writer.edges(selected)
    if options.legend:
        lines += writer.legend()
    body = "\n".join(lines) + "\n"
    name = "topodoc_" + hashlib.sha1(body.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
    nodes = tuple(sorted(i for i, key in drawing.drawn_as.items() if i == key))
    return DotGraph(f'digraph "{name}" {{\n{body}}}\n', nodes, drawing.messages)


class _Writer:
    def __init__(self, model: Model, drawing: Plan, options: DotOptions, theme: Theme) -> None:
        self.model = model
        self.drawing = drawing
        self.options = options
        self.theme = theme
        self.kinds: set[str] = set()
        self.relations: set[str] = set()

    def header(self, title: str, direction: str) -> list[str]:
        theme, font = self.theme, self.options.font
        graph = {"id": "topodoc:graph", "rankdir": direction, "bgcolor": theme.background,
                 "fontname": font, "fontcolor": theme.text, "fontsize": "16",
                 "nodesep": "0.3", "ranksep": "0.6", "pad": "0.2", "outputorder": "edgesfirst"}
        if title:
            graph.update(label=title, labelloc="t", tooltip=title)
        return [f"  graph {_attrs(graph)};",
                "  node " + _attrs({"fontname": font, "fontsize": "10", "fontcolor": theme.text,
                                    "margin": "0.12,0.06", "penwidth": "1.2"}) + ";",
                "  edge " + _attrs({"fontname": font, "fontsize": "8", "fontcolor": theme.text,
                                    "color": theme.edge, "arrowsize": "0.6"}) + ";"]

    def item(self, key: str, level: int) -> list[str]:
        """The node for ``key``, inside its box with what is placed on it when there is any."""
        pad = "  " * level
        node = self._summary(self.drawing.summaries[key]) if key in self.drawing.summaries \
            else self._object(self.model.objects[key])
        inside = self.drawing.children.get(key, ())
        if not inside:
            return [f"{pad}{quote(key)} {_attrs(node)};"]
        colours = self.theme.kinds[self.model.objects[key].kind]
        box = {"id": f"cluster:{key}", "label": "", "style": "rounded,filled",
               "fillcolor": colours.box, "color": colours.line, "penwidth": "1"}
        lines = [f"{pad}subgraph {quote('cluster_' + key)} {{", f"{pad}  graph {_attrs(box)};",
                 f"{pad}  {quote(key)} {_attrs(node)};"]
        for inner in inside:
            lines += self.item(inner, level + 1)
        for inner in inside:  # keeps the box's own node above (or before) what is inside it
            lines.append(f"{pad}  {quote(key)} -> {quote(inner)} "
                         + _attrs({"id": f"{key}->{inner}:inside", "style": "invis"}) + ";")
        lines.append(f"{pad}}}")
        return lines

    def _object(self, obj: AnyObj) -> dict[str, str]:
        self.kinds.add(obj.kind)
        shape, style = SHAPES[obj.kind]
        colours = self.theme.kinds[obj.kind]
        line = summary(obj)
        attrs = {"id": obj.id, "label": obj.title + (f"\n{line}" if line else ""),
                 "shape": shape, "style": style, "fillcolor": colours.fill,
                 "color": colours.line}
        if self.options.tooltip:
            attrs["tooltip"] = "\n".join(f"{k}: {v}" for k, v in facts(self.model, obj))
        url = self.options.link(obj.id) if self.options.link else None
        if url:
            attrs.update(URL=url, target="_top")
        return attrs

    def _summary(self, item: Summary) -> dict[str, str]:
        self.kinds.add(COLLAPSED)
        shape, style = SHAPES[COLLAPSED]
        colours = self.theme.kinds[COLLAPSED]
        line = self.theme.kinds[item.kind].line if item.kind else colours.line
        attrs = {"id": item.id, "label": item.label, "shape": shape, "style": style,
                 "fillcolor": colours.fill, "color": line}
        if self.options.tooltip:
            names = ", ".join(item.hidden[:TOOLTIP_IDS])
            more = len(item.hidden) - TOOLTIP_IDS
            attrs["tooltip"] = (f"collapsed: {item.label}\n{names}"
                                + (f", and {more} more" if more > 0 else ""))
        return attrs

    def edges(self, selected: Selected) -> list[str]:
        drawn_as = self.drawing.drawn_as
        merged: dict[tuple[str, str, str], list[str]] = {}
        for edge in selected.edges:
            source, target = drawn_as[edge.source], drawn_as[edge.target]
            if source != target:
                merged.setdefault((source, target, edge.relation), []).append(edge.label)
        lines = []
        for (source, target, relation), labels in sorted(merged.items()):
            self.relations.add(relation)
            _, style, arrow, kind = RELATIONS[relation]
            label = ", ".join(sorted({lab for lab in labels if lab}))
            if len(labels) > 1:
                label = f"{label} x{len(labels)}".strip()
            attrs = {"id": f"{source}->{target}:{relation}", "style": style, "arrowhead": arrow}
            if kind:
                attrs["color"] = self.theme.kinds[kind].line
            if relation in LOOSE:
                attrs["constraint"] = "false"
            if label:
                attrs["label"] = label
            lines.append(f"  {quote(source)} -> {quote(target)} {_attrs(attrs)};")
        return lines

    def legend(self) -> list[str]:
        """One node with a table: the colour of each kind and the line of each relation drawn."""
        rows = []
        for kind in (*KINDS, COLLAPSED):
            if kind in self.kinds:
                colours = self.theme.kinds[kind]
                name = "collapsed objects" if kind == COLLAPSED else BY_NAME[kind].singular
                rows.append(f'<tr><td bgcolor="{colours.fill}" color="{colours.line}" '
                            f'border="1" width="28"></td><td align="left">{name}</td></tr>')
        for relation, (name, style, _, kind) in RELATIONS.items():
            if relation in self.relations:
                colour = self.theme.kinds[kind].line if kind else self.theme.edge
                rows.append(f'<tr><td><font color="{colour}">{LINE_SAMPLES[style]}</font></td>'
                            f'<td align="left">{name}</td></tr>')
        if not rows:
            return []
        table = ('<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
                 '<tr><td colspan="2"><b>Legend</b></td></tr>' + "".join(rows) + "</table>")
        return [f"  {quote(LEGEND_ID)} [id={quote(LEGEND_ID)}, shape=\"none\", margin=\"0\", "
                f"label=<{table}>];"]
