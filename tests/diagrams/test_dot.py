"""DOT text: nesting, edges, ids, tooltips, escaping, themes, legend, collapse, determinism."""

from __future__ import annotations

import re

import pytest

from topodoc.diagrams.dot import DotOptions, quote, render_dot
from topodoc.diagrams.graphviz import graph_size, run_dot
from topodoc.diagrams.style import DEFAULT_FONT, RELATIONS
from topodoc.diagrams.views import select, selection_for_view
from topodoc.model.selection import Selection

from .topologies import SMALL, load_valid, shuffled_small


def draw(model, options: DotOptions | None = None, **selection):
    return render_dot(model, select(model, Selection(**selection)), options or DotOptions())


def boxes_around(source: str) -> dict[str, list[str]]:
    """Node name, or box name (``cluster_*`` subgraph) -> the boxes it is written in,
    outermost first (not the invisible ``cluster_group:*`` boxes that only lay out siblings
    joined by edges)."""
    stack: list[str] = []
    out: dict[str, list[str]] = {}
    for line in source.splitlines():
        text = line.strip()
        if match := re.match(r'subgraph "(cluster_[^"]+)" \{$', text):
            out[match[1]] = [b for b in stack if not b.startswith("cluster_group:")]
            stack.append(match[1])
        elif text == "}":
            if stack:
                stack.pop()
        elif match := re.match(r'"([^"]+)" \[', text):
            out[match[1]] = [b for b in stack if not b.startswith("cluster_group:")]
    return out


def node_attrs(source: str, node: str) -> str:
    return next(line for line in source.splitlines() if line.strip().startswith(f'"{node}" ['))


def test_vm_inside_host_and_nested_vm_inside_vm(small):
    graph = draw(small)
    around = boxes_around(graph.source)
    assert around["v2"] == ["cluster_s1", "cluster_rack-a", "cluster_h1", "cluster_v1"]
    # a box is titled by its own label: the object is no separate node inside it
    assert "v1" not in around and "h1" not in around
    assert around["cluster_v1"] == ["cluster_s1", "cluster_rack-a", "cluster_h1"]
    assert around["cluster_h1"] == ["cluster_s1", "cluster_rack-a"]
    assert around["k1"] == [] and around["net1"] == []
    assert 'graph [id="cluster:v1", label=<<b>v1</b><br/>4 vCPU, 16GiB<br/>' in graph.source
    assert graph.nodes == tuple(sorted(small.objects))


def test_lab_second_level_vms_in_first_level_vms(lab):
    graph = render_dot(lab, select(lab, selection_for_view(lab, "zcloud-stack")))
    around = boxes_around(graph.source)
    assert around["os-k8s-m-1"] == ["cluster_zcloud", "cluster_os-compute-1"]
    assert around["os-ctl-1"] == ["cluster_zcloud"]


def test_edges_have_ids_styles_and_member_roles_are_badges(small):
    source = draw(small).source
    # many-to-one relations are badges in the member's own label, in the hub's colour
    assert '"k1" -> "v2"' not in source and "k1->v2:member" not in source
    assert '<font color="#8f4700">\u25c6 k1: control-plane, etcd</font>' in node_attrs(source, "v2")
    h1 = next(line for line in source.splitlines() if 'id="cluster:h1"' in line)
    assert '<font color="#8c5400">\u25a2 power-a</font>' in h1  # its other failure domain
    assert '<font color="#176560">\u25b1 net1</font>' in h1  # its network
    assert '"h1" -> "power-a"' not in source and '"h1" -> "net1"' not in source
    # between things in different boxes an edge follows the layout, it does not rank it
    assert (
        '"web" -> "db" [id="web->db:depends_on", style="dashed", arrowhead="normal", '
        'constraint="false", tooltip="web \u2192 db: depends on"];'
    ) in source
    # an edge to a box ends at the box (compound edge), not at a node inside it
    assert (
        'id="pool1->v1:used_by", style="dotted", arrowhead="normal", color="#555555", '
        'lhead="cluster_v1"' in source
    )
    assert '"v1" -> "h1"' not in source  # placement is nesting, not an edge
    # things joined by an edge are ranked by it in an invisible box with a tooltip of its own
    assert (
        'graph [id="cluster:group:pool1", label="", style="invis", margin="0", '
        'tooltip="pool1, v1"];'
    ) in source
    edges = [line for line in source.splitlines() if " -> " in line]
    assert edges and not any(re.search(r"\blabel=", line) for line in edges)


def test_nodes_have_id_label_tooltip_and_link(small):
    graph = draw(small, DotOptions(link=lambda i: None if i == "v3" else f"objects.html#{i}"))
    v1 = next(line for line in graph.source.splitlines() if 'id="cluster:v1"' in line)
    assert 'URL="objects.html#v1", target="_top"' in v1
    assert (
        'tooltip="kind: vm\\nid: v1\\nruns on: h1\\nplatform: libvirt\\nvCPU: 4\\n'
        'memory: 16GiB\\nnested virtualization: yes\\naddresses: 10.0.0.11 on net1"'
    ) in v1
    v2 = node_attrs(graph.source, "v2")
    assert 'id="v2", label=<v2<br/>2 vCPU, 4GiB<br/>' in v2
    h1 = next(line for line in graph.source.splitlines() if 'id="cluster:h1"' in line)
    assert "label=<<b>主机 一</b><br/>16 CPUs, 64GiB<br/>" in h1
    assert "CPU: 1x8x2 = 16 logical CPUs" in h1
    assert "URL" not in node_attrs(graph.source, "v3")
    assert "v2 (host h1)" not in h1
    assert "runs on: v1 (host h1)" in v2
    plain = draw(small, DotOptions(tooltip=False)).source
    assert "tooltip" not in node_attrs(plain, "v2") and "URL" not in plain
    assert "tooltip" not in plain


def test_font_is_set_on_graph_nodes_and_edges(small):
    source = draw(small, DotOptions(font="Noto Sans CJK SC")).source
    for kind in ("graph", "node", "edge"):
        assert re.search(rf'^  {kind} \[.*fontname="Noto Sans CJK SC"', source, re.MULTILINE)
    assert source.count(f'fontname="{DEFAULT_FONT}"') == 0


def test_themes(small):
    light, dark = (draw(small, DotOptions(theme=t)).source for t in ("light", "dark"))
    assert 'bgcolor="#ffffff"' in light and 'bgcolor="#1e2125"' in dark
    assert light != dark
    with pytest.raises(ValueError, match="unknown theme 'blue'"):
        DotOptions(theme="blue")
    with pytest.raises(ValueError, match="node_budget"):
        DotOptions(node_budget=0)


def test_legend_lists_what_is_drawn(small, lab):
    source = draw(small).source
    legend = node_attrs(source, "topodoc:legend")
    for name in (
        "host",
        "VM",
        "container",
        "cluster",
        "member of cluster (roles)",
        "depends on",
        "used by",
        "box: what runs on or in it",
    ):
        assert f">{name}</td>" in legend
    # one entry per line that looks different: style and arrowhead, whatever the colour
    samples = re.findall(r'<td><font color="[^"]+">([^<]+)</font></td>', legend)
    assert len(samples) == len(set(samples)) >= 5
    assert len({(s, a) for _, s, a, _ in RELATIONS.values()}) == len(RELATIONS)
    physical = render_dot(lab, select(lab, selection_for_view(lab, "physical"))).source
    assert ">VM</td>" not in node_attrs(physical, "topodoc:legend")
    assert "topodoc:legend" not in draw(small, DotOptions(legend=False)).source


def test_title_and_direction(lab):
    source = render_dot(lab, select(lab, selection_for_view(lab, "services"))).source
    assert 'label="共享的底层基础服务", labelloc="t"' in source
    assert 'rankdir="LR"' in draw(lab, direction="LR", layers=("physical",)).source


def test_quote_escapes_for_dot():
    assert quote('say "hi"') == r'"say \"hi\""'
    assert quote("back\\slash\\") == r'"back\\slash\\"'
    assert quote("two\nlines\r\nthree") == r'"two\nlines\nthree"'
    assert quote("<b> & &lt;") == '"<b> &amp; &amp;lt;"'
    assert quote("bell\x07 tab\t") == '"bell tab "'
    assert quote("中文") == '"中文"'


def test_awkward_names_are_escaped(topology):
    model = topology("""\
        version: 1
        hosts:
          - id: odd
            name: 'say "hi" \\n <b> & &lt; C:\\'
            description: "line one\\nline two"
        """)
    source = draw(model).source
    assert r"label=<say &quot;hi&quot; \n &lt;b&gt; &amp; &amp;lt; C:\>" in node_attrs(
        source, "odd"
    )
    assert r"description: line one\nline two" in node_attrs(source, "odd")


def test_same_model_same_bytes(lab):
    selection = select(lab, selection_for_view(lab, "lab"))
    options = DotOptions(link=lambda i: f"objects.html#{i}")
    assert render_dot(lab, selection, options).source == render_dot(lab, selection, options).source


def test_independent_of_file_order(write_topology):
    one = load_valid(write_topology(shuffled_small(False), "one"))
    two = load_valid(write_topology(shuffled_small(True), "two"))
    for selection in (Selection(), Selection(root="h1", depth=1)):
        assert (
            render_dot(one, select(one, selection)).source
            == render_dot(two, select(two, selection)).source
        )


def test_collapse_keeps_a_big_lab_within_budget(big):
    graph = draw(big, DotOptions(node_budget=300))
    nodes, _ = graph_size(graph.source)
    assert nodes - 1 <= 300  # the legend is not counted
    summaries = re.findall(r'^\s*"(collapsed:[^"]+)" \[', graph.source, re.MULTILINE)
    assert len(summaries) == len(graph.collapsed) > 0
    boxes = graph.source.count('subgraph "cluster_')  # an object with things inside: a box
    assert len(graph.nodes) + len(summaries) == nodes - 1 + boxes
    assert graph.collapsed[0].startswith(
        "h00: 66 VMs with the same relations (vm-0020, vm-0040, vm-0080, ...) drawn as one node"
    )
    # hidden members carry their cluster's badge on the node standing for them
    assert "k00->collapsed:vm-0020:member" not in graph.source
    summary = node_attrs(graph.source, "collapsed:vm-0020")
    assert "\u25c6 k00: worker</font>" in summary
    assert boxes_around(graph.source)["collapsed:vm-0020"] == ["cluster_h00"]
    assert "vm-0020" not in graph.nodes and "h00" in graph.nodes
    assert "label=<66 VMs<br/>" in summary and ", and 36 more" in summary


def test_collapse_goes_up_a_level_when_needed(big):
    graph = draw(big, DotOptions(node_budget=40))
    nodes, _ = graph_size(graph.source)
    assert nodes - 1 <= 40
    assert any("h00: everything inside" in m for m in graph.collapsed)
    tight = draw(big, DotOptions(node_budget=5))
    # five nodes are reachable by drawing each top-level kind as one node: no "still over"
    assert tight.collapsed[-1].startswith("top level: ")
    assert not any(m.startswith("still ") for m in tight.collapsed)
    assert graph_size(tight.source)[0] - 1 <= 5


def test_collapse_reports_when_the_budget_cannot_be_met(small):
    graph = draw(small, DotOptions(node_budget=1))
    assert graph.collapsed[-1].startswith("still ")
    assert "over the node budget of 1" in graph.collapsed[-1]


def test_no_collapse_within_budget(lab):
    graph = draw(lab)
    assert graph.collapsed == () and "collapsed:" not in graph.source
    assert len(graph.nodes) == len(lab.objects)


def test_collapse_keeps_the_sites_and_folds_racks_first(topology):
    """Over budget, racks fold into one node each, deepest level first, until the diagram
    fits; the sites stay boxes (not all folded into one "2 sites" node)."""
    lines = ["version: 1", "sites:", "  - {id: site-a}", "  - {id: site-b}", "failure_domains:"]
    hosts, vms = ["hosts:"], ["vms:"]
    for site in ("a", "b"):
        for rack in range(3):
            lines.append(f"  - {{id: rack-{site}{rack}, type: rack, site: site-{site}}}")
            for h in range(4):
                host = f"h-{site}{rack}{h}"
                hosts.append(
                    f"  - {{id: {host}, site: site-{site}, failure_domains: [rack-{site}{rack}]}}"
                )
                vms += [
                    f"  - {{id: {host}-v{v}, runs_on: {host}, platform: libvirt}}" for v in range(5)
                ]
    model = topology("\n".join(lines + hosts + vms) + "\n")
    graph = draw(model, DotOptions(node_budget=30))
    nodes, _ = graph_size(graph.source)
    assert nodes - 1 <= 30  # the legend is one more
    assert 'id="cluster:site-a"' in graph.source and 'id="cluster:site-b"' in graph.source
    folded = [m for m in graph.collapsed if "rack-" in m and "everything inside" in m]
    assert 0 < len(folded) < 6, graph.collapsed
    assert not any(m.startswith("top level: 2 sites") for m in graph.collapsed)


def test_planned_objects_are_drawn_dashed_and_the_legend_says_so(topology):
    model = topology(
        SMALL.replace(
            "  - {id: v3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 2GiB, tags: [k8s]}",
            "  - {id: v3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 2GiB, tags: [k8s],\n"
            "     status: planned}",
        )
    )
    graph = render_dot(model, select(model, Selection()))
    assert "dashed" in node_attrs(graph.source, "v3")
    assert "dashed" not in node_attrs(graph.source, "v2")
    assert "dashed: planned, not built yet" in graph.source
    svg = run_dot(graph.source, "svg").decode()  # Graphviz takes the legend's dashed cell
    assert "planned, not built yet" in svg
    plain = render_dot(topology(SMALL), select(topology(SMALL), Selection()))
    assert "planned, not built yet" not in plain.source
