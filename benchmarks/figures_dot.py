"""DOT generation: for each view of the generated lab, topodoc's selection and DOT text
(``select`` + ``render_dot``) against Graphviz laying that same DOT out.

The views are the ones every generated lab names (``generate.py``: ``lab``, ``physical``,
``kubernetes``, ``openstack``, ``storage``); ``views.py`` itself defines no view. Each is
drawn with the default options, as ``topodoc render --view`` and the Sphinx extension draw
it: the node budget (:data:`BUDGET`, the core's and the extension's default) collapses a big
view until it fits.
"""

from __future__ import annotations

from harness import Context, Figure

#: The most nodes a diagram draws by default: ``DotOptions.node_budget``, which the
#: extension's ``topodoc_node_budget`` defaults to as well (checked in :func:`budget`).
BUDGET_SOURCE = "topodoc.diagrams.dot.DotOptions.node_budget"
#: Layout time limit while measuring: long enough to time a slow layout, not to hang.
LAYOUT_TIMEOUT_S = 300.0


def budget() -> int:
    from sphinxext.topodoc.settings import CONFIG_VALUES
    from topodoc.diagrams.dot import DotOptions

    core = DotOptions.node_budget
    assert CONFIG_VALUES["topodoc_node_budget"][0] == core, "extension and core budgets differ"
    return core


def drawn_nodes(source: str) -> int:
    """The nodes a DOT text draws (objects and collapsed groups), not counting the legend."""
    from topodoc.diagrams.dot import LEGEND_ID, quote
    from topodoc.diagrams.graphviz import graph_size

    nodes, _ = graph_size(source)
    return nodes - (f"  {quote(LEGEND_ID)} [" in source)


def dot_generation(ctx: Context, size: int) -> list:
    from topodoc.diagrams.dot import render_dot
    from topodoc.diagrams.graphviz import graph_size, run_dot
    from topodoc.diagrams.views import select, selection_for_view
    from topodoc.reading.load import load_topology
    from topodoc.util import gcpause

    model = load_topology(ctx.lab(size)).model
    limit = budget()
    rows = []
    for view in sorted(model.views):
        selection = selection_for_view(model, view)

        def generate(selection=selection):
            with gcpause.paused():  # as the command line and the extension draw
                return render_dot(model, select(model, selection))

        graph = generate()  # warm-up, and the DOT text the floor lays out
        value, layout = ctx.medians_s(
            generate, lambda g=graph: run_dot(g.source, "svg", timeout_s=LAYOUT_TIMEOUT_S), ctx.reps
        )
        shown = len(select(model, selection).ids)
        nodes, edges = graph_size(graph.source)
        drawn = drawn_nodes(graph.source)
        note = f"{shown:,} objects -> {drawn} nodes (budget {limit}), {edges} edges" + (
            f", {len(graph.collapsed)} collapses" if graph.collapsed else ""
        )
        rows.append(
            ctx.row(
                f"DOT generation: view {view}",
                size,
                value,
                "dot -Tsvg of the same DOT",
                layout,
                target_ratio=0.05,
                note=note,
            )
        )
        if size == 50_000:
            rows.append(
                ctx.row(
                    f"dot layout: view {view} (nodes <= budget)",
                    size,
                    layout,
                    None,
                    None,
                    target_s=5.0,
                    extra_ok=drawn <= limit,
                    note=f"{drawn} nodes drawn, budget {limit} ({BUDGET_SOURCE})",
                )
            )
    return rows


FIGURES = (Figure("DOT generation", (10_000, 50_000), dot_generation),)
