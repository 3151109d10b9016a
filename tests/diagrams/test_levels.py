"""Levels (overview, stack), grids of many siblings, reference-page neighbourhoods, fitting."""

from __future__ import annotations

import re

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.fit import MAX_WIDTH_PX, fitted
from topodoc.diagrams.graphviz import graph_size, run_dot
from topodoc.diagrams.readability import measure_svg
from topodoc.diagrams.views import OVERVIEW_KINDS, select, selection_for_view
from topodoc.model.selection import Selection


def test_overview_shows_hosts_clusters_and_networks_with_counts(example):
    selected = select(example, selection_for_view(example, "overview"))
    kinds = {example.objects[i].kind for i in selected.ids}
    assert kinds <= set(OVERVIEW_KINDS) and {"host", "cluster", "network"} <= kinds
    assert "zcloud" in selected.ids and "z-k8s-m-1" not in selected.ids
    vms = sum(example.objects[i].kind == "vm" for i in example.descendants("zcloud"))
    assert selected.notes["zcloud"].startswith(f"{vms} VMs, 1 container")
    # membership of the VMs on a host is lifted to the host, with the members' roles
    member = {(e.source, e.target): e.label for e in selected.edges if e.relation == "member"}
    assert "control-plane" in member[("z-k8s", "zcloud")]
    source = render_dot(example, selected, DotOptions(link=lambda i: f"#{i}")).source
    zcloud = next(line for line in source.splitlines() if '"zcloud" [' in line)
    assert re.search(r"\u25c6 [^<]+: [^<]*control-plane", zcloud)  # a cluster, with roles
    assert "z-k8s->zcloud:member" not in source  # a badge, not an edge
    assert 'URL="#zcloud"' in zcloud and 'URL="#z-k8s"' in source


def test_overview_stays_small_whatever_the_lab(big):
    detail = render_dot(big, select(big, Selection()), DotOptions(node_budget=10**6))
    overview = render_dot(big, select(big, Selection(level="overview")))
    assert graph_size(detail.source)[0] > 2000
    nodes, _ = graph_size(overview.source)
    hosts = len(big.of_kind("host"))
    assert nodes <= hosts + len(big.of_kind("cluster")) + len(big.of_kind("network")) + 1
    assert "VMs" in overview.source and ":member" not in overview.source


def test_stack_draws_bands_of_levels(example):
    source = render_dot(example, select(example, selection_for_view(example, "stack"))).source
    bands = re.findall(r'subgraph "cluster_(band:[^"]+)"', source)
    assert bands == ["band:0", "band:1", "band:2", "band:9:clusters"]
    for words in ("physical hosts", "first-level VMs", "second-level VMs", "clusters"):
        assert f"<b>{words}</b>" in source
    band2 = source[source.index('"cluster_band:2"') : source.index('"cluster_band:9:clusters"')]
    assert '"cluster_on:os-compute-1"' in band2 and '"os-k8s-m-1" [' in band2
    # what runs on a machine is one box, with one edge to that machine
    [runs_on] = [
        line for line in source.splitlines() if 'id="on:os-compute-1->os-compute-1:runs_on"' in line
    ]
    assert runs_on.strip().startswith('"os-compute-1" -> ')
    assert 'dir="back"' in runs_on and 'lhead="cluster_on:os-compute-1"' in runs_on
    assert 'id="cluster:home-example"' not in source  # sites are not part of a stack
    assert 'rankdir="BT"' in source


def test_many_siblings_wrap_into_rows(topology):
    vms = "".join(f"  - {{id: vm-{i:02d}, runs_on: h1, platform: libvirt}}\n" for i in range(25))
    model = topology("version: 1\nhosts:\n  - {id: h1}\nvms:\n" + vms)
    source = render_dot(model, select(model, Selection())).source
    rows = [r for r in re.findall(r'\{ rank="same"; ([^}]*) \}', source) if "vm-" in r]
    assert len(rows) >= 3 and all(row.count("vm-") <= 8 for row in rows)
    measured = measure_svg(run_dot(source, "svg"))
    assert 1 / 3 <= measured["width_px"] / measured["height_px"] <= 3
    assert measured["width_px"] <= MAX_WIDTH_PX


def test_reference_neighbourhood_is_one_relation_deep(lab):
    selected = select(lab, Selection(root="zcloud", depth=1))
    assert "os-compute-1" in selected.ids  # a VM on it
    assert "os-k8s-m-1" not in selected.ids  # a VM in that VM: two relations away


def test_fitting_narrows_a_layout_too_wide_for_the_page(lab):
    wide = DotOptions(across=5000.0)  # grids as wide as they come: one long row
    first = measure_svg(
        run_dot(
            render_dot(lab, select(lab, selection_for_view(lab, "openstack")), wide).source, "svg"
        )
    )
    assert first["width_px"] > MAX_WIDTH_PX
    fit = fitted(lab, select(lab, selection_for_view(lab, "openstack")), wide)
    assert fit.options.across < 5000.0 and fit.svg is not None
    assert measure_svg(fit.svg)["width_px"] <= MAX_WIDTH_PX
    assert fit.svg == run_dot(fit.graph.source, "svg")  # the kept layout is the graph's


def test_a_fitted_diagram_does_not_depend_on_the_widths_of_earlier_builds(lab):
    """``known`` only spares the fitting of the same DOT: a width remembered for other
    content (the diagram before an edit) is not where fitting starts, so an incremental
    build draws what a clean build draws."""
    wide = DotOptions(across=5000.0)
    selected = select(lab, selection_for_view(lab, "openstack"))
    clean = fitted(lab, selected, wide, name="page")
    stale = {"page": ("the DOT before an edit", 300.0)}
    assert fitted(lab, selected, wide, known=stale, name="page") == clean
    assert stale["page"] == (stale["page"][0], clean.options.across)
    assert stale["page"][0] != "the DOT before an edit"  # the hash of this diagram's DOT
    layouts: list[str] = []

    def drawn_before(code: str) -> bytes | None:  # nothing in the image cache: count layouts
        layouts.append(code)
        return None

    again = fitted(lab, selected, wide, known=stale, name="page", cached=drawn_before)
    assert again == clean and layouts == [clean.graph.source]  # straight to the fitted width
