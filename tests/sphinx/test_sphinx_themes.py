"""Theme ``auto``: one SVG for both themes, whose stylesheet recolours the light drawing into
the dark one (the browser check in test_sphinx_site shows it in Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx_builds import LAB_YAML

from sphinxext.topodoc.render import themed_svg
from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.graphviz import run_dot
from topodoc.diagrams.style import THEME, dark_colours
from topodoc.diagrams.views import select
from topodoc.model.selection import Selection
from topodoc.reading.load import load_topology

COLOUR = re.compile(r'"(#[0-9a-f]{6})"')


def test_recolouring_the_light_dot_gives_the_dark_dot(tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(LAB_YAML, encoding="utf-8")
    model = load_topology(tmp_path / "lab.yaml").model
    selected = select(model, Selection())
    light, dark = (
        render_dot(model, selected, DotOptions(theme=t)).source for t in ("light", "dark")
    )
    colours = dark_colours()
    background = THEME["light"].background, THEME["dark"].background
    light = light.replace(f'bgcolor="{background[0]}"', f'bgcolor="{background[1]}"')
    recoloured = COLOUR.sub(lambda m: f'"{colours.get(m[1], m[1])}"', light)
    # the same text but the graph's name (a hash of the text) and every colour
    assert recoloured.split("\n", 1)[1] == dark.split("\n", 1)[1]
    assert recoloured != light


def test_a_themed_svg_styles_each_colour_it_uses_for_dark_pages(tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(LAB_YAML, encoding="utf-8")
    model = load_topology(tmp_path / "lab.yaml").model
    source = render_dot(model, select(model, Selection()), DotOptions(theme="light")).source
    svg = run_dot(source, "svg").decode()
    themed = themed_svg(svg)
    [style] = re.findall(r"<style>(.*?)</style>", themed)
    assert themed.replace(f"\n<style>{style}</style>", "") == svg
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    styled = set(re.findall(r'\[(?:fill|stroke)="(#[0-9a-f]{6})"\]', style))
    assert used <= styled and used
    assert (
        ':is(html, body)[data-theme="dark"] .topodoc-themed g.graph>g>a>'
        'polygon[fill="#ffffff"]{fill:#1e2125}'
    ) in style
    # a theme without dark mode sets no data-theme: only furo's "auto" follows the system
    assert 'body[data-theme="auto"] .topodoc-themed [fill=' in style
    assert style.count("@media (prefers-color-scheme: dark){") == 1
