"""The readability measure: sizes, scale, text size, crossings, edge labels, pages, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from topodoc.diagrams.readability import (
    Diagram,
    crossings,
    measure_svg,
    misses,
    page_images,
    path_points,
    site_diagrams,
)


def svg(width_pt: float, height_pt: float, body: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_pt}pt" '
        f'height="{height_pt}pt" viewBox="0.00 0.00 {width_pt} {height_pt}">'
        f'<g class="graph">{body}</g></svg>'
    ).encode()


def node(name: str, size: float = 10) -> str:
    return (
        f'<g class="node"><title>{name}</title>'
        f'<text font-size="{size:.2f}" x="0" y="0">{name}</text></g>'
    )


def edge(tail: str, head: str, d: str, label: tuple[float, float] | None = None) -> str:
    text = f'<text font-size="8" x="{label[0]}" y="{label[1]}">lab</text>' if label else ""
    return f'<g class="edge"><title>{tail}&#45;&gt;{head}</title><path d="{d}"/>{text}</g>'


def test_size_scale_and_the_text_a_reader_sees():
    wide = measure_svg(svg(1520, 300, node("a") + node("b") + node("c", 14)))
    assert wide["width_px"] == pytest.approx(2026.7, abs=0.1)  # 1 pt = 4/3 px
    assert wide["scale"] == pytest.approx(760 / 2026.67, abs=1e-3)
    assert wide["text_px"] == pytest.approx(10 * 4 / 3 * 760 / 2026.67, abs=0.01)  # median
    assert wide["nodes"] == 3 and wide["edges"] == 0
    small = measure_svg(svg(300, 200, node("a")))
    assert small["scale"] == 1.0  # never enlarged
    assert small["text_px"] == pytest.approx(13.33, abs=0.01)


def test_bezier_paths_are_flattened():
    points = path_points("M0,0C0,10 10,10 10,0")
    assert points[0] == (0.0, 0.0) and points[-1] == pytest.approx((10.0, 0.0))
    assert len(points) == 9 and max(y for _, y in points) == pytest.approx(7.5)


def test_crossing_pairs_not_shared_ends():
    x = [[(0.0, 0.0), (10.0, 10.0)], [(0.0, 10.0), (10.0, 0.0)]]
    assert crossings(x) == 1
    fan = [[(0.0, 0.0), (10.0, 10.0)], [(0.0, 0.0), (10.0, 0.0)]]  # one node, two edges out
    assert crossings(fan) == 0
    apart = [[(0.0, 0.0), (10.0, 0.0)], [(0.0, 5.0), (10.0, 5.0)]]
    assert crossings(apart) == 0
    # a curve crossing a straight edge twice is still one pair
    twice = [[(0.0, 5.0), (30.0, 5.0)], path_points("M5,0C5,20 25,20 25,0")]
    assert crossings(twice) == 1
    body = (
        node("a")
        + node("b")
        + node("c")
        + node("d")
        + edge("a", "b", "M0,0C0,0 10,10 10,10")
        + edge("c", "d", "M0,10L10,0")
        + edge("a", "d", "M0,0L40,0")
    )
    measured = measure_svg(svg(50, 20, body))
    assert measured["edges"] == 3 and measured["crossings"] == 1


def test_edge_labels_on_and_off_their_edge():
    on = edge("a", "b", "M0,0L100,0", label=(50, 4))  # just under the line
    off = edge("a", "c", "M0,0L0,100", label=(300, 50))  # far to the right of the edge
    measured = measure_svg(svg(400, 200, node("a") + on + off))
    assert measured["edge_labels"] == 2 and measured["labels_off_edge"] == 1


def test_pages_show_light_copies_and_img_svgs():
    html = (
        '<div class="topodoc-diagram topodoc-theme-light"><object data="_images/a.svg">'
        '</object></div><div class="topodoc-diagram topodoc-theme-dark">'
        '<object data="_images/b.svg"></object></div><img src="x/c.svg#frag" alt="">'
        '<img src="d.png"><object data="e.pdf"></object>'
    )
    assert page_images(html) == ["_images/a.svg", "x/c.svg"]


def diagram(**changes) -> Diagram:
    values = dict(
        page="p.html",
        image="i.svg",
        reference=False,
        width_px=700.0,
        height_px=500.0,
        scale=1.0,
        text_px=13.3,
        nodes=5,
        boxes=0,
        edges=8,
        crossings=2,
        edge_labels=0,
        labels_off_edge=0,
    )
    return Diagram(**(values | changes))


def test_targets():
    assert misses([diagram()]) == []
    assert misses([diagram(text_px=9.9)]) == ["p.html: i.svg: text 9.9 px < 10 px"]
    assert misses([diagram(crossings=3)]) == ["p.html: i.svg: 3 crossings > a quarter of 8 edges"]
    assert misses([diagram(height_px=200.0)]) == ["p.html: i.svg: aspect 3.50 outside 1:3 .. 3:1"]
    assert misses([diagram(labels_off_edge=1)]) == [
        "p.html: i.svg: 1 edge labels away from their edge"
    ]
    # reference pages: 95 % must show 10 px text
    refs = [diagram(reference=True, text_px=13.0) for _ in range(19)]
    assert misses(refs + [diagram(reference=True, text_px=8.0)]) == []
    assert misses(refs + [diagram(reference=True, text_px=8.0)] * 2) == [
        "reference pages: 2 of 21 diagrams show text < 10 px (at most 5% may)"
    ]


def test_site_and_command_line(tmp_path: Path):
    site = tmp_path / "html"
    (site / "_images").mkdir(parents=True)
    (site / "reference").mkdir()
    (site / "_images" / "a.svg").write_bytes(svg(1520, 300, node("a")))
    (site / "_images" / "b.svg").write_bytes(svg(300, 200, node("b")))
    (site / "index.html").write_text('<object data="_images/a.svg"></object>', "utf-8")
    (site / "reference" / "x.html").write_text(
        '<object data="../_images/b.svg"></object><object data="../_images/gone.svg"></object>',
        "utf-8",
    )
    found = list(site_diagrams(site))
    assert [(d.page, d.image, d.reference) for d in found] == [
        ("index.html", "_images/a.svg", False),
        ("reference/x.html", "_images/b.svg", True),
    ]
    run = [sys.executable, "-m", "topodoc.diagrams.readability", str(site)]
    table = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert "index.html" in table and "2027x400" in table and "text_below_10px: 1" in table
    report = json.loads(
        subprocess.run([*run, "--json"], capture_output=True, text=True, check=True).stdout
    )
    assert report["summary"]["narrative_text_below_10px"] == 1
    assert report["diagrams"][1]["text_px"] == pytest.approx(13.33, abs=0.01)
    checked = subprocess.run([*run, "--check"], capture_output=True, text=True)
    assert checked.returncode == 1 and "index.html: _images/a.svg: text 5.0 px" in checked.stderr
    missing = subprocess.run([*run[:-1], str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and "not a directory" in missing.stderr
    assert "Traceback" not in missing.stderr
