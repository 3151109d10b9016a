"""Readability of the generated lab's diagrams, as the site would show them.

For each view the generated lab names (``lab``, ``physical``, ``kubernetes``, ``openstack``,
``storage``), for the lab's overview (``level: overview``), and for a sample of reference
pages (an object and its direct neighbours, ``root`` with ``depth: 1``, one in
:data:`REFERENCE_SAMPLE` of the objects that have one), the diagram is drawn the way the
Sphinx extension draws it (:func:`topodoc.diagrams.fit.fitted`) and measured with
:mod:`topodoc.diagrams.readability` in a 760 px column. The value is the time of drawing and
laying out; a row passes when the diagram meets issue 10's targets: text >= 10 px (views and
overview; >= 95 % of the sampled reference pages), edge crossings <= a quarter of the edges,
no edge label off its edge. The aspect is in the note: a diagram beyond 3:1 or 1:3 relies on
the page's pan and zoom.
"""

from __future__ import annotations

import time

from harness import Context, Figure

#: Reference pages measured: objects of the kinds whose page has a diagram, every n-th by id.
REFERENCE_SAMPLE = {1_000: 10, 10_000: 100}
DIAGRAM_KINDS = ("host", "vm", "container", "cluster", "service", "storage")


def _measure(model, selection) -> tuple[float, dict]:
    from topodoc.diagrams.dot import DotOptions
    from topodoc.diagrams.fit import fitted
    from topodoc.diagrams.readability import measure_svg
    from topodoc.diagrams.views import select

    start = time.perf_counter()
    fit = fitted(model, select(model, selection), DotOptions(), timeout_s=300.0)
    elapsed = time.perf_counter() - start
    assert fit.svg is not None, "dot failed"
    return elapsed, measure_svg(fit.svg)


def _describe(m: dict) -> str:
    aspect = m["width_px"] / m["height_px"]
    return (
        f"text {m['text_px']:.1f} px, {m['width_px']:.0f}x{m['height_px']:.0f} px "
        f"(aspect {aspect:.2f}{'' if 1 / 3 <= aspect <= 3 else ': pan/zoom'}), "
        f"{m['nodes']} nodes, {m['edges']} edges, {m['crossings']} crossings"
    )


def _readable(m: dict, text: bool = True) -> bool:
    from topodoc.diagrams.readability import MAX_CROSSINGS_PER_EDGE, MIN_TEXT_PX

    return (
        (not text or m["text_px"] >= MIN_TEXT_PX)
        and m["crossings"] <= MAX_CROSSINGS_PER_EDGE * m["edges"]
        and m["labels_off_edge"] == 0
    )


def readability(ctx: Context, size: int) -> list:
    from topodoc.diagrams.readability import MIN_TEXT_PX, REFERENCE_SHARE
    from topodoc.diagrams.views import selection_for_view
    from topodoc.model.selection import Selection
    from topodoc.reading.load import load_topology

    model = load_topology(ctx.lab(size)).model
    rows = []
    views = [(f"view {v}", selection_for_view(model, v)) for v in sorted(model.views)]
    for name, selection in [*views, ("overview", Selection(level="overview"))]:
        elapsed, m = _measure(model, selection)
        rows.append(
            ctx.row(
                f"readability: {name}",
                size,
                elapsed,
                None,
                None,
                extra_ok=_readable(m),
                note=_describe(m),
            )
        )
    sample = [o.id for o in sorted(model, key=lambda o: o.id) if o.kind in DIAGRAM_KINDS][
        :: REFERENCE_SAMPLE.get(size, 10)
    ]
    measured = [_measure(model, Selection(root=i, depth=1)) for i in sample]
    small = sum(m["text_px"] < MIN_TEXT_PX for _, m in measured)
    crossing = sum(not _readable(m, text=False) for _, m in measured)
    worst = max(measured, key=lambda t: t[1]["crossings"] / max(t[1]["edges"], 1))[1]
    rows.append(
        ctx.row(
            f"readability: reference pages ({len(sample)} sampled)",
            size,
            sum(t for t, _ in measured) / len(measured),
            None,
            None,
            extra_ok=small <= (1 - REFERENCE_SHARE) * len(sample) and crossing == 0,
            note=(
                f"{small} with text < {MIN_TEXT_PX:g} px, {crossing} with too many crossings; "
                f"min text {min(m['text_px'] for _, m in measured):.1f} px; most crossed: "
                f"{_describe(worst)}; value: mean s per page"
            ),
        )
    )
    return rows


FIGURES = (Figure("readability", (1_000, 10_000), readability),)
