"""``topodoc-diagram`` placeholders -> DOT, in one :class:`~.nodes.topodoc_graph` per theme."""

from __future__ import annotations

from dataclasses import replace

from docutils import nodes

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.fit import fitted

from .context import Context
from .nodes import Placeholder, topodoc_graph
from .render import cached_svg
from .warn import warn


def diagram_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """The diagram as DOT; in HTML once per theme (the page's CSS shows the one that fits),
    every node linking to its object's entry, laid out to fit the page (:mod:`.fit`: the
    first theme's layout is kept, in ``svg``, for the image)."""
    settings = ctx.lab.settings
    html = ctx.builder.format == "html"
    themes = settings.themes if html else ("light",)
    selected = ctx.lab.selected(node["selection"])
    out: list[nodes.Node] = []
    image_options = {"docname": ctx.docname}
    env = ctx.builder.env
    if not hasattr(env, "topodoc_fitted"):  # the widths diagrams were fitted to, pickled
        env.topodoc_fitted = {}  # type: ignore[attr-defined]  # with the environment
    known = env.topodoc_fitted  # type: ignore[attr-defined]
    first = fitted(ctx.model, selected, DotOptions(
        theme=themes[0], font=settings.font, node_budget=settings.node_budget,
        legend=node["legend"], link=ctx.link if html else lambda _: None, tooltip=html),
        timeout_s=settings.layout_timeout, known=known,
        name=f"{ctx.docname}\0{node['selection']!r}\0{node['legend']}",
        cached=lambda code: cached_svg(ctx.builder, code, image_options))
    for theme in themes:
        graph = first.graph if theme == themes[0] else render_dot(
            ctx.model, selected, replace(first.options, theme=theme))
        if not out and graph.collapsed:
            shown = "; ".join(graph.collapsed[:3])
            more = len(graph.collapsed) - 3
            warn("collapse", f"{len(selected.ids)} objects, over the node budget of "
                 f"{settings.node_budget}: drawn collapsed: {shown}"
                 + (f"; and {more} more" if more > 0 else ""), node)
        classes = [f"topodoc-theme-{theme}"] if len(themes) > 1 else []
        graph_node = topodoc_graph(code=graph.source, options=image_options,
                                   alt=node["alt"], classes=classes + node["classes"])
        if theme == themes[0] and first.svg is not None:
            graph_node["svg"] = first.svg
        if "align" in node:
            graph_node["align"] = node["align"]
        graph_node.source, graph_node.line = node.source, node.line
        out.append(graph_node)
    return out
