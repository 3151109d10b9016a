"""Real Graphviz: SVG with links, tooltips and Chinese text, PNG, PDF, image maps, nesting
as laid out, timeouts, failures, big-graph flags, and the CJK font check."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.graphviz import (
    BIG_GRAPH_FLAGS,
    DotError,
    DotTimeout,
    cjk_font_available,
    run_dot,
)
from topodoc.diagrams.views import select, selection_for_view
from topodoc.model.selection import Selection

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def svg_of(model, selection: Selection | None = None, **options) -> ET.Element:
    graph = render_dot(model, select(model, selection or Selection()), DotOptions(**options))
    return ET.fromstring(run_dot(graph.source, "svg"))


def group(svg: ET.Element, element_id: str) -> ET.Element:
    found = svg.find(f".//{SVG}g[@id='{element_id}']")
    assert found is not None, element_id
    return found


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def fake_tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_svg_nodes_have_links_tooltips_and_chinese_text(lab):
    svg = svg_of(
        lab, selection_for_view(lab, "zcloud-stack"), link=lambda i: f"objects.html#obj-{i}"
    )
    node = group(svg, "cluster:zcloud")  # a box, titled by its own label, links to its page
    link = node.find(f".//{SVG}a")
    assert link.get(f"{XLINK}href") == "objects.html#obj-zcloud"
    assert link.get("target") == "_top"
    tooltip = link.get(f"{XLINK}title")
    assert tooltip.startswith("kind: host\nid: zcloud\nname: HPE DL360 Gen9 (zcloud)\n")
    assert "memory: 256GiB" in tooltip and "2021年10月购买的二手" in tooltip
    assert texts(group(svg, "dev"))[0] == "Docker 开发容器"
    assert "DL360 上的嵌套虚拟化" in texts(svg)
    assert {t.get("font-family") for t in svg.iter(f"{SVG}text")} == {
        "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
    }
    assert group(svg, "cluster:os-compute-1").get("class") == "cluster"


def test_svg_shows_awkward_text_exactly(topology):
    name = 'say "hi" \\n <b> & &lt; C:\\'
    model = topology("""\
        version: 1
        hosts:
          - id: odd
            name: 'say "hi" \\n <b> & &lt; C:\\'
            description: "line one\\nline two"
        """)
    svg = svg_of(model)
    node = group(svg, "odd")
    assert texts(node) == [name]
    assert (
        node.find(f".//{SVG}a").get(f"{XLINK}title")
        == f"kind: host\nid: odd\nname: {name}\ndescription: line one\nline two"
    )


def test_nesting_as_laid_out(small):
    """In dot's own layout, v2 lies inside v1's box, which lies inside h1's."""
    source = render_dot(small, select(small, Selection())).source
    layout = json.loads(
        subprocess.run(
            ["dot", "-Tjson"], input=source.encode(), capture_output=True, check=True
        ).stdout
    )
    boxes = {
        o["name"]: [float(x) for x in o["bb"].split(",")]
        for o in layout["objects"]
        if o["name"].startswith("cluster_")
    }
    nodes = {
        o["name"]: [float(x) for x in o["pos"].split(",")] for o in layout["objects"] if "pos" in o
    }

    def inside(point_or_box, box) -> bool:
        x0, y0, x1, y1 = box
        coords = point_or_box if len(point_or_box) == 4 else point_or_box * 2
        return x0 <= coords[0] and y0 <= coords[1] and coords[2] <= x1 and coords[3] <= y1

    assert inside(nodes["v2"], boxes["cluster_v1"])
    assert inside(boxes["cluster_v1"], boxes["cluster_h1"])
    assert inside(boxes["cluster_h1"], boxes["cluster_rack-a"])
    assert not inside(nodes["v3"], boxes["cluster_h1"])


def test_png_pdf_and_image_map(small):
    graph = render_dot(
        small, select(small, Selection()), DotOptions(link=lambda i: f"objects.html#{i}")
    )
    assert run_dot(graph.source, "png").startswith(b"\x89PNG\r\n")
    assert run_dot(graph.source, "pdf").startswith(b"%PDF")
    image_map = run_dot(graph.source, "cmapx").decode()
    assert re.search(r'<map id="topodoc_[0-9a-f]{12}" name="topodoc_[0-9a-f]{12}">', image_map)
    assert re.search(r'<area shape="\w+" id="v2" href="objects.html#v2" target="_top"', image_map)
    assert re.search(
        r'<area shape="rect" (id="cluster:h1" )?href="objects.html#h1" '
        r'target="_top" title="kind: host',
        image_map,
    )  # a box links too


def test_timeout_stops_dot_quickly(big):
    source = render_dot(big, select(big, Selection()), DotOptions(node_budget=10**6)).source
    start = time.monotonic()
    with pytest.raises(DotTimeout, match=r"did not finish within 0.2 s \(2012 nodes"):
        run_dot(source, "svg", timeout_s=0.2)
    assert time.monotonic() - start < 3


def test_dot_failure_gives_its_error_output():
    with pytest.raises(DotError, match=r"dot failed \(exit 1\): .*syntax error"):
        run_dot("digraph { a -> }", "svg")
    with pytest.raises(ValueError, match="unknown output format 'gif'"):
        run_dot("digraph {}", "gif")


def test_missing_dot_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotError, match="not found on PATH: install Graphviz"):
        run_dot("digraph {}", "svg")


def test_big_graphs_get_faster_layout_flags(monkeypatch, tmp_path):
    fake_tool(tmp_path, "dot", 'echo "$@"')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    small_graph = "digraph {\n" + "".join(f'  "n{i}" [label="x"];\n' for i in range(10)) + "}"
    big_graph = "digraph {\n" + "".join(f'  "n{i}" [label="x"];\n' for i in range(1001)) + "}"
    assert run_dot(small_graph, "svg").decode().split() == ["-Tsvg"]
    assert run_dot(big_graph, "png").decode().split() == ["-Tpng", *BIG_GRAPH_FLAGS]


@pytest.mark.parametrize(
    ("script", "expected"),
    [("echo 'WenQuanYi Micro Hei'", True), ("true", False), ("exit 1", False)],
)
def test_cjk_font_check_asks_fontconfig(monkeypatch, tmp_path, script, expected):
    fake_tool(tmp_path, "fc-list", f'[ "$1" = ":lang=zh" ] || exit 3\n{script}')
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cjk_font_available() is expected


def test_no_fontconfig_means_no_cjk_font(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cjk_font_available() is False


def test_a_layout_ends_while_a_process_forked_during_it_lives_on(monkeypatch, tmp_path):
    """``sphinx-build -j`` forks its writers while diagrams are laid out in threads: a process
    forked just as ``dot`` starts holds a copy of every descriptor open at that moment, and
    must not keep the layout waiting (with pipes, it waited for ever: the forked process
    held the write end of dot's input, so dot never saw its end)."""
    fake_tool(tmp_path, "dot", "cat")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    hold, release = os.pipe()
    forked: list[int] = []
    started = subprocess.Popen

    def popen_then_fork(*args, **kwargs):  # the fork lands while dot runs
        proc = started(*args, **kwargs)
        child = os.fork()
        if child == 0:  # the forked writer: lives until the test is over
            os.read(hold, 1)
            os._exit(0)
        forked.append(child)
        return proc

    monkeypatch.setattr(subprocess, "Popen", popen_then_fork)
    done: list[bytes] = []
    layout = threading.Thread(
        target=lambda: done.append(run_dot("digraph {}\n", "svg", timeout_s=3)), daemon=True
    )
    layout.start()
    try:
        layout.join(timeout=30)
        assert forked and not layout.is_alive() and done == [b"digraph {}\n"]
    finally:
        os.write(release, b"x" * len(forked))
        for child in forked:
            os.waitpid(child, 0)
