"""The benchmark figures run end to end at the smallest size and give well-formed rows.

Timings are not checked (a test machine's load says nothing about topodoc): only that each
figure runs, and that its rows have the fields ``run.py`` writes, consistent with each other.
"""

from __future__ import annotations

import shutil

import figures
import figures_dot
import figures_needs
import figures_readability
import figures_sphinx
import pytest
import run

SIZE = 1_000

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz dot")


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> figures.Context:
    work = tmp_path_factory.mktemp("bench")
    return figures.Context(
        reps=1,
        work=work,
        row=run.row,
        medians_s=run.medians_s,
        lab=lambda size: run.lab(size, 1, work),
    )


def check_rows(rows: list, names: list[str]) -> None:
    assert [r.name for r in rows] == names
    for r in rows:
        assert isinstance(r, run.Row)
        assert r.size > 0 and r.value_s is not None and r.value_s >= 0
        if r.floor_name is not None:
            assert r.floor_s is not None and r.floor_s > 0
            assert r.ratio == pytest.approx(r.value_s / r.floor_s, rel=0.05, abs=0.01)
        meets = (
            r.target_ratio is None or (r.ratio is not None and r.ratio <= r.target_ratio)
        ) and (r.target_s is None or r.value_s <= r.target_s)
        assert not r.passed or meets  # a row passes only when it meets its targets
        assert isinstance(r.note, str)
        assert set(r.to_json()) == {
            "name",
            "size",
            "value_s",
            "floor_name",
            "floor_s",
            "ratio",
            "target_ratio",
            "target_s",
            "pass",
            "note",
        }
    assert run.table(rows).count("\n") == len(rows) + 1


def test_the_new_figures_are_registered() -> None:
    names = [f.name for f in figures.FIGURES]
    assert "DOT generation" in names and "sphinx" in names
    assert all(10_000 in f.sizes for f in (*figures_dot.FIGURES, *figures_sphinx.FIGURES))


def test_dot_generation_rows(ctx: figures.Context) -> None:
    rows = figures_dot.dot_generation(ctx, SIZE)
    views = ["kubernetes", "lab", "openstack", "physical", "storage"]
    check_rows(rows, [f"DOT generation: view {v}" for v in views])
    assert all(r.target_ratio == 0.05 and "budget 300" in r.note for r in rows)


def test_dot_layout_rows_at_50000_check_the_budget(ctx: figures.Context, monkeypatch) -> None:
    """The 50,000-object rows, on the small lab: the layout row carries the node budget."""
    monkeypatch.setattr(ctx, "lab", lambda size: run.lab(SIZE, 1, ctx.work))
    rows = figures_dot.dot_generation(ctx, 50_000)
    layout = [r for r in rows if r.name.startswith("dot layout")]
    assert len(layout) == 5 and all(r.target_s == 5.0 and r.floor_s is None for r in layout)
    assert all(r.passed for r in layout), [r.note for r in layout]  # tiny graphs lay out fast


def test_readability_rows(ctx: figures.Context) -> None:
    rows = figures_readability.readability(ctx, SIZE)
    views = ["kubernetes", "lab", "openstack", "physical", "storage"]
    check_rows(
        rows,
        [
            *(f"readability: view {v}" for v in views),
            "readability: overview",
            "readability: reference pages (105 sampled)",
        ],
    )
    assert all(r.floor_name is None and "text " in r.note for r in rows)
    assert all(r.passed for r in rows), [(r.name, r.note) for r in rows if not r.passed]


def test_sphinx_rows(ctx: figures.Context) -> None:
    rows = figures_sphinx.sphinx_builds(ctx, SIZE)
    check_rows(
        rows,
        [
            "sphinx full build (20 diagrams, 10 tables)",
            "sphinx rebuild, no change",
            "sphinx rebuild, one VM edited",
        ],
    )
    full, again, edited = rows
    assert "dot runs 20 vs 20" in full.note and "graphs drawn identical" in full.note
    assert again.note.startswith("0 diagrams drawn")
    assert edited.passed, edited.note  # as many diagrams drawn again as show the VM, > 0


def test_the_other_figures_rows(ctx: figures.Context) -> None:
    """load+validate, export, impact, drift analyzer and memory at 1,000 objects."""
    check_rows(figures.load_validate(ctx, SIZE), ["load+validate"])
    check_rows(figures.export_and_impact(ctx, SIZE), ["export", "impact analysis"])
    [drift] = figures.drift_analyzer(ctx, SIZE)
    check_rows([drift], ["drift analyzer"])
    assert "1,000 documented" in drift.note and "drifted" in drift.note
    check_rows(figures.memory(ctx, SIZE), ["peak RSS validate+export (MiB)"])


def test_the_collector_rows(ctx: figures.Context) -> None:
    pytest.importorskip("libvirt")
    rows = figures.collectors(ctx, SIZE)
    check_rows(
        rows,
        [
            "collect OpenStack (2,000 servers)",
            "collect Kubernetes (1,000 nodes)",
            "collect libvirt (50 x 40 domains, parallel)",
        ],
    )
    assert all(r.floor_name for r in rows)


def test_a_figure_runs_in_its_own_interpreter(ctx: figures.Context) -> None:
    """run.py measures each figure in a fresh process and reads its rows back."""
    args = run.argparse.Namespace(seed=1, reps=1)
    [figure] = [f for f in figures.FIGURES if f.name == "load+validate"]
    rows = run.measure(figure, SIZE, args, ctx.work)
    check_rows(rows, ["load+validate"])


def test_the_needs_project_holds_the_same_lab(ctx: figures.Context) -> None:
    """One need per object, linking what the object names; a needtable and a needflow per
    kind (the figure itself needs sphinx-needs from PyPI: not run here)."""
    from topodoc.model.graph import references
    from topodoc.reading.load import load_topology

    model = load_topology(ctx.lab(SIZE)).model
    pages = figures_needs.needs_sources(model)
    needs = {p: t for p, t in pages.items() if p.count("/") == 2}
    assert len(needs) == len(model.objects)
    for obj in model:
        text = needs[f"reference/{obj.kind}/{obj.id}.rst"]
        assert text.count(f".. {obj.kind}:: ") == 1 and f":id: {obj.id}\n" in text
        named = sorted({t for _, _, t, _ in references(obj)})
        assert (f":links: {', '.join(named)}\n" in text) == bool(named)
    kinds = [k for k in figures_needs.KINDS_TITLES if model.of_kind(k)]
    for kind in kinds:
        assert f".. needtable::\n   :types: {kind}\n" in pages[f"reference/{kind}.rst"]
        assert f".. needflow::\n   :types: {kind}\n" in pages[f"reference/{kind}.rst"]
    assert [f.sizes for f in figures_needs.FIGURES] == [(1_000, 5_000)]


def test_the_dot_floor_lays_out_every_reference_page_diagram(ctx: figures.Context) -> None:
    from topodoc.model.kinds import BY_NAME
    from topodoc.reading.load import load_topology

    model = load_topology(ctx.lab(SIZE)).model
    seconds, count = figures_needs.dot_floor(model)
    assert count == sum(1 for obj in model if BY_NAME[obj.kind].page_diagram) > 0
    assert seconds > 0


def test_drift_endless_body_row(ctx: figures.Context) -> None:
    import figures_drift

    assert "drift endless body" in [f.name for f in figures.FIGURES]
    [row] = figures_drift.endless_body(ctx, SIZE)
    check_rows([row], ["drift vs endless body: peak RSS (MiB)"])
    assert row.passed, row.note
    assert row.note.count("(error)") == 3
