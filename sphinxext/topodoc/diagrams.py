"""``topodoc-diagram`` placeholders -> DOT, in one :class:`~.nodes.topodoc_graph` per theme."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from docutils import nodes
from sphinx.builders import Builder

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.fit import fitted
from topodoc.util import gcpause
from topodoc.util.atomic import write_text

from .context import Context
from .i18n import _
from .nodes import Placeholder, topodoc_graph
from .render import cached_svg
from .warn import warn


def diagram_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """The diagram as DOT, every node linking to its object's entry, laid out to fit the page
    (:mod:`.fit`: the first theme's layout is kept, in ``svg``, for the image). An SVG for
    both themes is laid out once, in the light theme, and restyled by the page's (``themed``,
    see :mod:`.render`); a PNG is drawn once per theme (the page's CSS shows the one that
    fits)."""
    settings = ctx.lab.settings
    html = ctx.builder.format == "html"
    themed = html and len(settings.themes) > 1 and settings.output_format == "svg"
    themes = settings.themes if html and not themed else ("light",)
    selected = ctx.lab.selected(node["selection"])
    out: list[nodes.Node] = []
    image_options = {"docname": ctx.docname, **({"themed": True} if themed else {})}
    known, name = (
        _fitted_widths(ctx.builder),
        f"{ctx.docname} {node['selection']!r} {node['legend']}",
    )
    before = known.get(name)
    with gcpause.paused():  # allocates much, makes no reference cycles
        first = fitted(
            ctx.model,
            selected,
            DotOptions(
                theme=themes[0],
                font=settings.font,
                node_budget=settings.node_budget,
                legend=node["legend"],
                link=ctx.link if html else lambda _id: None,
                tooltip=html,
                translate=_,
            ),
            timeout_s=settings.layout_timeout,
            known=known,
            name=name,
            cached=lambda code: cached_svg(ctx.builder, code, image_options),
        )
    if known.get(name) != before:
        _save_fitted_widths(ctx.builder)
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


#: The width (points) each diagram was fitted to (:mod:`topodoc.diagrams.fit`), by page and
#: selection, kept next to the doctrees: diagrams are drawn while pages are written, after
#: Sphinx has saved its environment.
FITTED_WIDTHS = "topodoc-fitted.json"
_WIDTHS: dict[Path, dict[str, float]] = {}


def _fitted_widths(builder: Builder) -> dict[str, float]:
    path = Path(builder.doctreedir, FITTED_WIDTHS)
    if path not in _WIDTHS:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        _WIDTHS[path] = (
            {k: float(v) for k, v in data.items() if isinstance(v, int | float) and v > 0}
            if isinstance(data, dict)
            else {}
        )
    return _WIDTHS[path]


def _save_fitted_widths(builder: Builder) -> None:
    path = Path(builder.doctreedir, FITTED_WIDTHS)
    try:
        write_text(path, json.dumps(_WIDTHS[path], sort_keys=True, ensure_ascii=False))
    except OSError:  # only saves layouts in the next build
        pass
