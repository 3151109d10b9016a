"""What a reader's page holds besides the drawings: the pan/zoom viewer's markup, tables in a
scroll box, captions next to what they caption, and every generated word in the site's
language (Sphinx's message catalogs)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx_builds import ROOT, Project

LOCALE = ROOT / "sphinxext/topodoc/locale"
#: Sphinx adds a query (?v=hash) to its static files' links.
STATIC = re.compile(r"_static/topodoc\.(css|js)\b")


def test_every_diagram_sits_in_a_viewer_with_buttons_and_prints_without_them(
    project: Project,
) -> None:
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    for page in ("index.html", "reference/host/h1.html"):
        html = build.html(page)
        diagrams = html.select("div.topodoc-diagram")
        assert diagrams, page
        for diagram in diagrams:
            viewport = diagram.select_one("div.topodoc-viewport")
            assert viewport["tabindex"] == "0" and viewport["aria-label"]
            svg = viewport.select_one("svg")
            assert svg is not None and svg.find("g") is not None  # what the script zooms
            buttons = diagram.select(".topodoc-buttons button")
            assert [b["data-topodoc"] for b in buttons] == ["in", "out", "reset", "full"]
            assert all(b["type"] == "button" and b["aria-label"] and b["title"] for b in buttons)
            full = diagram.select_one("a.topodoc-diagram-full")
            assert full["href"] == diagram["data-image"]
            assert (build.outdir / page).parent.joinpath(full["href"]).is_file()
        # ids inside the page's SVGs are the page's own: no two diagrams share one
        ids = [
            e["id"]
            for svg in html.select("div.topodoc-viewport svg")
            for e in svg.find_all(id=True)
        ]
        assert len(ids) == len(set(ids)) > 0
        links = {
            STATIC.search(str(tag)).group(1)
            for tag in html.find_all(["script", "link"])
            if STATIC.search(str(tag))
        }
        assert links == {"css", "js"}, page
    css = (build.outdir / "_static/topodoc.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert "div.topodoc-controls" in printed and "display: none" in printed
    assert (build.outdir / "_static/topodoc.js").read_text(encoding="utf-8").count(
        "beforeprint"
    ) == 1  # printing shows the whole diagram, not the zoomed part


def test_tables_scroll_in_their_own_box_and_captions_stay_with_their_diagram(
    project: Project,
) -> None:
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    html = build.html("index.html")
    tables = html.select("table.topodoc-table")
    assert len(tables) >= 2
    for table in tables:
        assert "table-wrapper" in table.parent["class"], table.parent
        assert "topodoc-table-wrapper" in table.parent["class"]
    card = build.html("reference/host/h2.html").select("div.topodoc-object table")
    assert card and all("table-wrapper" in t.parent["class"] for t in card)
    [figure] = html.select("figure")
    children = [c for c in figure.children if getattr(c, "name", None)]
    assert [c.name for c in children] == ["div", "figcaption"]
    assert "topodoc-diagram" in children[0]["class"]
    assert children[1].select_one(".caption-text").get_text() == "The whole lab"


def test_english_is_the_default_language(project: Project) -> None:
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    card = build.html("reference/host/h2.html")
    assert [r.get_text() for r in card.select("p.rubric")][:2] == ["Runs on it", "Clusters"]
    assert card.select_one(".topodoc-buttons button")["aria-label"] == "Zoom in (+)"
    svg = card.select_one("div.topodoc-viewport svg").get_text(" ")
    assert "Legend" in svg
    assert (
        build.html("reference/index.html").h1.get_text(strip=True).startswith("Topology reference")
    )


def test_a_zh_cn_site_shows_every_generated_word_in_chinese(project: Project) -> None:
    project.write(
        "conf.py", (project.root / "conf.py").read_text(encoding="utf-8") + 'language = "zh_CN"\n'
    )
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    card = build.html("reference/host/h2.html")
    rubrics = [r.get_text() for r in card.select("p.rubric")]
    assert rubrics[:2] == ["在其上运行", "集群"], rubrics  # Runs on it, Clusters
    fields = [th.get_text(strip=True) for th in card.select("table.topodoc-fields th")]
    assert fields[:3] == ["类型", "ID", "定义位置"], fields  # Kind, ID, Defined in
    assert "主机" in card.select_one("table.topodoc-fields td").get_text()  # host
    headers = [th.get_text(strip=True) for th in card.select("table.topodoc-table th")]
    assert "集群" in headers and "角色" in headers, headers  # Cluster, Roles
    button = card.select_one(".topodoc-buttons button")
    assert button["aria-label"] == "放大 (+)"
    legend = card.select_one("div.topodoc-viewport svg").get_text(" ")
    assert "图例" in legend and "Legend" not in legend
    index = build.html("index.html")
    impact = index.select_one("table.topodoc-impact").get_text(" ", strip=True)
    assert "故障对象" in impact and "Failure of" not in impact  # the impact table's headers
    vms = [th.get_text(strip=True) for th in index.select("table.topodoc-table")[0].select("th")]
    assert "ID" in vms and "内存" in vms, vms  # the core's header "Memory"
    assert build.html("reference/index.html").h1.get_text(strip=True).startswith("拓扑参考")
    assert build.html("reference/host.html").h1.get_text(strip=True).startswith("物理主机")
    english = (
        "Runs on it",
        "Clusters",
        "Capacity",
        "Legend",
        "Zoom in",
        "Physical hosts",
        "Topology reference",
        "Defined in",
    )
    for page in ("reference/host/h1.html", "reference/index.html", "index.html"):
        text = str(build.html(page).select_one("article"))
        assert [w for w in english if w in text] == [], page


def test_the_package_ships_the_viewer_and_the_catalogs() -> None:
    """What the extension loads at run time is package data: a wheel has it too."""
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    package = ROOT / "sphinxext/topodoc"
    shipped = {
        p
        for pattern in setuptools["package-data"]["sphinxext.topodoc"]
        for p in package.glob(pattern)
    }
    needed = {*(package / "static").iterdir(), *package.glob("locale/*/LC_MESSAGES/*.mo")}
    assert {p.name for p in needed} >= {"topodoc.css", "topodoc.js", "topodoc.mo"}
    assert needed <= shipped


def _catalog_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/catalog.py"), "--check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_message_catalogs_are_current_and_complete() -> None:
    """Every word the extension writes is in zh_CN's catalog, translated, and the shipped
    .mo holds exactly the .po's translations (scripts/catalog.py --check)."""
    done = _catalog_check()
    assert done.returncode == 0, done.stderr
    assert (LOCALE / "zh_CN/LC_MESSAGES/topodoc.mo").is_file()


def test_the_catalog_check_finds_a_stale_mo_and_a_missing_translation(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po = locale / "zh_CN/LC_MESSAGES/topodoc.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "在其上运行"' in text
    po.write_text(text.replace('msgstr "在其上运行"', 'msgstr ""'), encoding="utf-8")
    done = _catalog_check("--locale-dir", str(locale))
    assert done.returncode == 1
    assert "topodoc.mo is not current" in done.stderr
    assert "'Runs on it' has no translation" in done.stderr


def test_an_svg_inlined_from_graphviz_or_elementtree_gives_the_same_markup(tmp_path: Path) -> None:
    """The image as dot wrote it and as Sphinx rewrote it (ElementTree, ``ns0:`` prefixes)
    become the same ``<svg>`` for the page: links relative to the page, ids prefixed."""
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    from sphinxext.topodoc.inline import inline_svg
    from topodoc.diagrams.graphviz import run_dot

    dot = (
        'digraph g { id="g"; a [id="a", URL="../reference/vm/a.html#topo-a", '
        'tooltip="say \\"hi\\" > <there>"]; b [id="b", label="x id=\\"y\\""]; a -> b; }'
    )
    raw = tmp_path / "raw.svg"
    raw.write_bytes(run_dot(dot, "svg", timeout_s=30))
    rewritten = tmp_path / "rewritten.svg"
    ET.ElementTree(ET.parse(raw).getroot()).write(rewritten)  # as fix_svg_relative_paths
    assert "ns0:svg" in rewritten.read_text(encoding="utf-8")
    pages = []
    for path in (raw, rewritten):
        html = inline_svg(path, "../../_images", "topodoc2-")
        assert html.startswith("<svg ") and "ns0:" not in html and "<!--" not in html
        soup = BeautifulSoup(f"<div>{html}</div>", "html.parser")
        [link] = [a["xlink:href"] for a in soup.find_all("a") if a.get("xlink:href")]
        assert link == "../../reference/vm/a.html#topo-a"
        ids = {e["id"] for e in soup.find_all(id=True)}
        assert {"topodoc2-g", "topodoc2-a", "topodoc2-b"} <= ids
        assert all(i.startswith("topodoc2-") for i in ids)
        assert 'x id="y"' in soup.get_text()  # text is never taken for an attribute
        pages.append(sorted((e.name, sorted(e.attrs.items())) for e in soup.find_all(True)))
    assert pages[0] == pages[1]
