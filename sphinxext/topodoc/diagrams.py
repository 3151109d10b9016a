"""``topodoc-diagram`` placeholders -> DOT, in one :class:`~.nodes.topodoc_graph` per theme."""

from __future__ import annotations

from docutils import nodes

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.util import gcpause

from .context import Context
from .i18n import _
from .nodes import Placeholder, topodoc_graph
from .warn import warn


def diagram_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """The diagram as DOT; in HTML once per theme (the page's CSS shows the one that fits),
    every node linking to its object's entry. An SVG for both themes is drawn once, in the
    light theme, and restyled by the reader's (``themed``, see :mod:`.render`)."""
    settings = ctx.lab.settings
    html = ctx.builder.format == "html"
    themed = html and len(settings.themes) > 1 and settings.output_format == "svg"
    themes = settings.themes if html and not themed else ("light",)
    selected = ctx.lab.selected(node["selection"])
    out: list[nodes.Node] = []
    for theme in themes:
        with gcpause.paused():  # allocates much, makes no reference cycles
            graph = render_dot(ctx.model, selected, DotOptions(
                theme=theme, font=settings.font, node_budget=settings.node_budget,
                legend=node["legend"], link=ctx.link if html else lambda _id: None,
                tooltip=html, translate=_))
        if not out and graph.collapsed:
            shown = "; ".join(graph.collapsed[:3])
            more = len(graph.collapsed) - 3
            warn("collapse", f"{len(selected.ids)} objects, over the node budget of "
                 f"{settings.node_budget}: drawn collapsed: {shown}"
                 + (f"; and {more} more" if more > 0 else ""), node)
        classes = [f"topodoc-theme-{theme}"] if len(themes) > 1 else \
            ["topodoc-themed"] if themed else []
        options = {"docname": ctx.docname, **({"themed": True} if themed else {})}
        graph_node = topodoc_graph(code=graph.source, options=options,
                                   alt=node["alt"], classes=classes + node["classes"])
        if "align" in node:
            graph_node["align"] = node["align"]
        graph_node.source, graph_node.line = node.source, node.line
        out.append(graph_node)
    return out
