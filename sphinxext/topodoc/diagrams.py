"""``topodoc-diagram`` placeholders -> DOT, in one :class:`~.nodes.topodoc_graph` per theme."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from docutils import nodes

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.fit import Fitted, fitted
from topodoc.util import gcpause

from .context import Context
from .i18n import _
from .nodes import Placeholder, topodoc_graph
from .render import cached_svg
from .warn import warn
from .widths import fitted_widths

if TYPE_CHECKING:
    from topodoc.model.selection import Selection


def diagram_name(docname: str, selection: Selection, legend: bool) -> str:
    """What names a diagram of a page (its fitted width, its layout laid out ahead)."""
    return f"{docname} {selection!r} {legend}"


def fit(ctx: Context, selection: Selection, legend: bool) -> Fitted:
    """The diagram of ``selection`` on ``ctx``'s page in the first theme, laid out to fit
    the page (:mod:`topodoc.diagrams.fit`); also run ahead of the writer (:mod:`.ahead`),
    where it does not pause the garbage collector: its switch is the whole process's."""
    settings = ctx.lab.settings
    html = ctx.builder.format == "html"
    themed = html and len(settings.themes) > 1 and settings.output_format == "svg"
    image_options = {"docname": ctx.docname, **({"themed": True} if themed else {})}
    return fitted(
        ctx.model,
        ctx.lab.selected(selection),
        DotOptions(
            theme=settings.themes[0] if html and not themed else "light",
            font=settings.font,
            node_budget=settings.node_budget,
            legend=legend,
            link=ctx.link if html else lambda _id: None,
            tooltip=html,
            translate=_,
        ),
        timeout_s=settings.layout_timeout,
        known=fitted_widths(ctx.builder),
        name=diagram_name(ctx.docname, selection, legend),
        cached=lambda code: cached_svg(ctx.builder, code, image_options),
    )


def diagram_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """The diagram as DOT, every node linking to its object's entry, laid out to fit the page
    (:func:`fit`: the first theme's layout is kept, in ``svg``, for the image). An SVG for
    both themes is laid out once, in the light theme, and restyled by the page's (``themed``,
    see :mod:`.render`); a PNG is drawn once per theme (the page's CSS shows the one that
    fits)."""
    settings = ctx.lab.settings
    html = ctx.builder.format == "html"
    themed = html and len(settings.themes) > 1 and settings.output_format == "svg"
    themes = settings.themes if html and not themed else ("light",)
    selection, legend = node["selection"], node["legend"]
    selected = ctx.lab.selected(selection)
    out: list[nodes.Node] = []
    image_options = {"docname": ctx.docname, **({"themed": True} if themed else {})}
    ahead = ctx.domain.ahead
    done = ahead.take(diagram_name(ctx.docname, selection, legend)) if ahead else None
    if done is None:
        with gcpause.paused():  # allocates much, makes no reference cycles
            first = fit(ctx, selection, legend)
    else:
        first, read = done
        ctx.keys.update(read)
    for theme in themes:
        graph = (
            first.graph
            if theme == themes[0]
            else render_dot(ctx.model, selected, replace(first.options, theme=theme))
        )
        if not out and graph.collapsed:
            shown = "; ".join(graph.collapsed[:3])
            more = len(graph.collapsed) - 3
            warn(
                "collapse",
                f"{len(selected.ids)} objects, over the node budget of "
                f"{settings.node_budget}: drawn collapsed: {shown}"
                + (f"; and {more} more" if more > 0 else ""),
                node,
            )
        classes = (
            [f"topodoc-theme-{theme}"] if len(themes) > 1 else ["topodoc-themed"] if themed else []
        )
        graph_node = topodoc_graph(
            code=graph.source,
            options=image_options,
            alt=node["alt"],
            classes=classes + node["classes"],
        )
        if theme == themes[0] and first.svg is not None:
            graph_node["svg"] = first.svg
        if "align" in node:
            graph_node["align"] = node["align"]
        graph_node.source, graph_node.line = node.source, node.line
        out.append(graph_node)
    return out
