"""Fitting a diagram to the page: laid out again, narrower, while its text would be too small.

The grids of :mod:`topodoc.diagrams.dot` are sized from estimated label widths; Graphviz may
still place rows wider than estimated. :func:`fitted` lays the diagram out, reads its natural
width from the SVG, and while the text a reader sees in a :data:`COLUMN_PX` column would be
under :data:`MIN_TEXT_PX`, draws it again with grids narrowed in proportion (at most
:data:`TRIES` layouts). A diagram that already fits costs one layout, whose SVG is returned to
be used as is. With ``known`` (by ``name``: the hash of the DOT each diagram was fitted
from, and the width it was fitted to; kept between builds) and ``cached`` (the layout of a
DOT text drawn before), a diagram fitted before costs no layout. One whose content changed
(a VM's memory) is fitted again from the full width, as in a clean build: what a page shows
never depends on the builds before it.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, replace
from hashlib import sha1

from topodoc.diagrams.dot import FONT_SIZE, DotGraph, DotOptions, render_dot
from topodoc.diagrams.graphviz import DotError, run_dot
from topodoc.diagrams.readability import COLUMN_PX, MIN_TEXT_PX, natural_size
from topodoc.diagrams.views import Selected
from topodoc.model.objects import Model

TRIES = 3
#: Narrowings tried per layout until the grids change (the budget may be far above them).
NARROWINGS = 6
#: The widest natural size (CSS px) at which FONT_SIZE-point text still shows at MIN_TEXT_PX.
MAX_WIDTH_PX = COLUMN_PX * FONT_SIZE * (96 / 72) / MIN_TEXT_PX
#: Narrow a little more than in proportion: dot does not shrink exactly with the grids.
MARGIN = 0.92


@dataclass(frozen=True)
class Fitted:
    graph: DotGraph
    options: DotOptions  # with the ``across`` that fits
    svg: bytes | None  # the layout of ``graph`` (None when dot failed: drawing reports it)


def fitted(
    model: Model,
    selected: Selected,
    options: DotOptions,
    *,
    timeout_s: float = 30.0,
    known: MutableMapping[str, tuple[str, float]] | None = None,
    name: str = "",
    cached: Callable[[str], bytes | None] | None = None,
) -> Fitted:
    """``selected`` drawn with grids narrow enough for its text to be read in the page.

    The result depends on the diagram alone, never on what was drawn before: ``known``
    only spares the fitting of a diagram whose DOT (before fitting) is the one fitted last
    time, by jumping to the width found then.
    """
    key = name or repr(selected.selection)
    svg: bytes | None = None
    graph = render_dot(model, selected, options)
    digest = sha1(graph.source.encode(), usedforsecurity=False).hexdigest()
    remembered = known.get(key) if known is not None else None
    if remembered is not None and remembered[0] == digest:
        if remembered[1] < options.across:
            options = replace(options, across=remembered[1])
            graph = render_dot(model, selected, options)
        try:
            svg = (cached(graph.source) if cached else None) or run_dot(
                graph.source, "svg", timeout_s=timeout_s
            )
        except DotError:
            return Fitted(graph, options, None)
        return Fitted(graph, options, svg)
    for attempt in range(TRIES):
        svg = cached(graph.source) if cached else None
        try:
            svg = svg or run_dot(graph.source, "svg", timeout_s=timeout_s)
        except DotError:
            return Fitted(graph, options, None)
        width = natural_size(svg)[0]
        if width <= MAX_WIDTH_PX or attempt == TRIES - 1:
            break
        across = options.across
        for _ in range(NARROWINGS):  # DOT text only: cheap next to a layout
            across *= MAX_WIDTH_PX / width * MARGIN
            again = render_dot(model, selected, replace(options, across=across))
            if again.source != graph.source:
                break
        else:
            break  # nothing inside can be narrowed further
        graph, options = again, replace(options, across=across)
    if known is not None:
        known[key] = digest, options.across
    return Fitted(graph, options, svg)
