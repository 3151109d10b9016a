"""Small projects built with real Sphinx and Graphviz: parallel builds, incremental builds,
problems located where they are written, collapsing, PNG image maps, LaTeX, roles."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sphinx.util.inventory import InventoryFile
from sphinx_builds import (
    PLAIN_RST,
    Build,
    Project,
    anchor_exists,
    diagram_images,
    inline_links,
    make_project,
    resolve_link,
    svg_links,
)


def _outputs(build: Build) -> dict[str, bytes]:
    """Every page and image a build wrote, by relative path."""
    return {
        p.relative_to(build.outdir).as_posix(): p.read_bytes()
        for p in sorted(build.outdir.rglob("*"))
        if p.is_file() and (p.suffix in (".html", ".svg") or p.name == "objects.inv")
    }


def _mtimes(build: Build) -> dict[str, int]:
    """When each page of a document and each image was written (Sphinx rewrites its own
    index, search and static files at every build)."""
    own = {"genindex.html", "search.html", "topo-objects.html"}
    return {
        p.relative_to(build.outdir).as_posix(): p.stat().st_mtime_ns
        for p in [*build.outdir.rglob("*.html"), *build.outdir.glob("_images/*")]
        if p.name not in own
    }


def _updating(build: Build) -> tuple[int, int, int]:
    """Sphinx's "updating environment: A added, C changed, R removed"."""
    found = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", build.stdout)
    assert found, build.stdout
    return tuple(int(n) for n in found.groups())  # type: ignore[return-value]


def test_parallel_build_gives_the_same_pages(project: Project) -> None:
    serial = project.build("-W", out="_build/j1")
    parallel = project.build("-W", "-j", "2", out="_build/j2")
    assert serial.returncode == 0, serial.stderr
    assert parallel.returncode == 0, parallel.stderr
    one, two = _outputs(serial), _outputs(parallel)
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert sum(k.endswith(".svg") for k in one) >= 8  # the index's and the reference pages'


def test_diagram_links_reach_the_objects_entries(project: Project) -> None:
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    index = build.outdir / "index.html"
    [svg] = diagram_images(index)
    links = svg_links(svg)
    assert {resolve_link(svg, h)[1] for h in links} >= {
        "topo-h1",
        "topo-h2",
        "topo-vm1",
        "topo-vm2",
        "topo-k8s",
        "topo-web",
        "topo-net",
    }
    for href in links:
        assert anchor_exists(*resolve_link(svg, href)), href
    text = svg.read_text(encoding="utf-8")
    assert 'target="_top"' in text  # the image alone: links open in the window
    # the same diagram inside the page: its links relative to the page, to the same places
    [inline] = inline_links(index)
    assert [resolve_link(index, h) for h in inline] == [resolve_link(svg, h) for h in links]
    detail = build.outdir / "reference/vm/vm1.html"  # a page one directory further down
    [inline] = inline_links(detail)
    assert inline and all(anchor_exists(*resolve_link(detail, h)) for h in inline), inline
    assert re.search(r'<(\w+:)?a [^>]*title="kind: vm', text)  # tooltips
    # nested containment: h1's box holds vm1's box, which holds vm2
    assert re.search(r'id="cluster:h1".*id="cluster:vm1".*id="vm2"', text, re.S)


def test_incremental_build_follows_the_topology_content(project: Project) -> None:
    first = project.build("-v")
    assert first.returncode == 0, first.stderr
    lab = project.topology / "lab.yaml"
    stat = lab.stat()
    text = lab.read_text(encoding="utf-8").replace(
        "{id: vm3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 4GiB}",
        "{id: vm3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 6GiB}\n"
        "  - {id: vm5, runs_on: h3, platform: libvirt, vcpu: 1, memory: 2GiB,\n"
        "     nics: [{network: net, address: 10.0.0.55}]}",
    )
    lab.write_text(text, encoding="utf-8")
    os.utime(lab, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # only the content says it changed
    plain_before = (first.outdir / "plain.html").stat().st_mtime_ns

    second = project.build("-v")
    assert second.returncode == 0, second.stderr
    index = second.html("index.html").get_text(" ", strip=True)
    assert "vm5" in index and "6GiB" in index
    [svg] = diagram_images(second.outdir / "index.html")
    assert 'id="vm5"' in svg.read_text(encoding="utf-8")
    h3 = second.html("reference/host/h3.html").get_text(" ", strip=True)
    assert "vm5" in h3 and "10.0.0.55" not in h3  # h3's card lists vm5; vm5's address is its own
    assert "10.0.0.55" in second.html("reference/vm/vm5.html").get_text()
    assert "6GiB" in second.html("reference/vm/vm3.html").get_text()
    assert "vm5" in second.html("reference/network/net.html").get_text()
    assert (second.outdir / "plain.html").stat().st_mtime_ns == plain_before
    assert "topodoc: drew" in second.stdout

    assert "topodoc: read " in second.stdout
    before = _mtimes(second)
    third = project.build("-v")
    assert _updating(third) == (0, 0, 0)
    assert "topodoc: drew" not in third.stdout
    assert "topodoc: read " not in third.stdout  # same bytes: the topology is not even loaded
    assert _mtimes(third) == before

    lab.touch()  # a fresh checkout: new times, same content
    fourth = project.build("-v")
    assert _updating(fourth) == (0, 0, 0)
    assert "topodoc: read " not in fourth.stdout
    assert _mtimes(fourth) == before

    # a page to read, the topology unchanged: it is loaded then, once, and links resolve
    project.write("plain.rst", PLAIN_RST + "\nSee :topo:ref:`vm5`.\n")
    fifth = project.build("-v", "-j", "2")
    assert fifth.returncode == 0 and fifth.warnings == [], fifth.stderr
    assert _updating(fifth) == (0, 1, 0)
    assert fifth.stdout.count("topodoc: read ") == 1
    link = fifth.html("plain.html").select_one("a.reference.internal[href*='topo-vm5']")
    assert link is not None and link.get_text() == "vm5"


def test_removed_object_loses_its_page_and_links_to_it_warn(project: Project) -> None:
    project.build()
    lab = project.topology / "lab.yaml"
    text = lab.read_text(encoding="utf-8")
    lab.write_text(
        text.replace("  - {id: vm2, runs_on: vm1, platform: libvirt, vcpu: 1, memory: 1GiB}\n", ""),
        encoding="utf-8",
    )
    build = project.build()
    assert build.returncode == 0, build.stderr
    assert not (project.root / "reference/vm/vm2.rst").exists()
    assert (project.root / "reference/vm/vm1.rst").exists()
    # index.rst did not change, but it is read again: its link to vm2 is now dangling
    assert [w for w in build.warnings if "[topodoc" in w] == [
        f"{project.root}/index.rst:12: WARNING: topo:ref: object 'vm2' is not in the "
        "topology [topodoc.ref]"
    ]


def test_invalid_topology_warns_in_the_yaml_file_and_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    project.write(
        "topology/broken.yaml",
        "version: 1\nhosts:\n  - id: h9\n    memory: lots\n    cpu: {sockets: one}\n",
    )
    project.write("topology/syntax.yaml", "version: 1\nvms: [\n")
    build = project.build()
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    located = [w for w in build.warnings if w.endswith("[topodoc.topology]")]
    assert any(re.match(r"topology/broken\.yaml:\d+:\d+: WARNING: error: ", w) for w in located)
    assert any(re.match(r"topology/syntax\.yaml:\d+:\d+: WARNING: error: ", w) for w in located)
    assert (build.outdir / "reference/host/h1.html").is_file()  # the valid objects are there

    strict = project.build("-W", out="_build/strict")
    assert strict.returncode != 0 and "Traceback" not in strict.stderr

    project.write(
        "conf.py",
        (project.root / "conf.py").read_text() + 'suppress_warnings = ["topodoc.topology"]\n',
    )
    quiet = project.build(out="_build/quiet")
    assert not [w for w in quiet.warnings if "topodoc.topology" in w]


def test_missing_topology_warns_and_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", conf='topodoc_topology = "nowhere"\n')
    build = project.build()
    assert build.returncode == 0 and "Traceback" not in build.stderr
    assert any("nowhere" in w and "[topodoc.topology]" in w for w in build.warnings)
    assert any(
        "index.rst:4: WARNING: topodoc-diagram: unknown view 'all'" in w for w in build.warnings
    ), build.warnings


BAD_DIRECTIVES = """\
Bad
===

.. topodoc-diagram:: nope

.. topodoc-diagram::
   :root: ghost

.. topodoc-diagram::
   :depth: deep

.. topodoc-diagram::
   :layers: physical, cloud

.. topodoc-table:: nope

.. topodoc-table:: vms
   :columns: id, colour

.. topodoc-table:: vms
   :filter: colour=red

.. topodoc-impact::
   :objects: h1, ghost

.. topodoc-impact::
   :cluster: vm1

.. topodoc-object:: ghost

.. topodoc-diagram:: all
   :colour: red

.. topodoc-diagram:: all
   :legend: maybe
"""


def test_bad_directives_warn_at_their_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", index=BAD_DIRECTIVES)
    build = project.build()
    assert build.returncode == 0, build.stderr
    lines = {
        int(m.group(1))
        for w in build.warnings
        if (
            m := re.search(
                r"index\.rst:(\d+): WARNING: topodoc-\w+: .*"
                r"\[topodoc\.directive\]$",
                w,
            )
        )
    }
    assert lines == {4, 6, 9, 12, 15, 17, 20, 23, 26, 29, 34}, build.warnings
    assert re.search(
        r'index\.rst:31: ERROR: Error in "topodoc-diagram" directive:\n'
        r'unknown option: "colour"',
        build.stderr,
    )  # docutils' own message
    assert "Traceback" not in build.stderr


def test_oversized_view_collapses_with_a_warning(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", conf="topodoc_node_budget = 4\n")
    build = project.build()
    assert build.returncode == 0, build.stderr
    collapse = [w for w in build.warnings if "index.rst:4:" in w and "[topodoc.collapse]" in w]
    assert collapse, build.warnings
    [svg] = diagram_images(build.outdir / "index.html")
    text = svg.read_text(encoding="utf-8")
    assert 'id="collapsed:' in text
    assert text.count('class="node"') <= 4 + 1  # the budget, and the legend


def test_png_diagrams_have_an_image_map(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", conf='topodoc_output_format = "png"\n')
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    html = build.html("index.html")
    img = html.select_one("div.topodoc-diagram img")
    assert img is not None and img["src"].endswith(".png") and img.get("usemap")
    assert (build.outdir / img["src"]).is_file()
    areas = html.select(f"map#{img['usemap'][1:]} area")
    assert len(areas) >= 7
    for area in areas:
        assert anchor_exists(*resolve_link(build.outdir / "index.html", area["href"]))


def test_latex_gets_pdf_diagrams(project: Project) -> None:
    build = project.build(builder="latex", out="_build/latex")
    assert build.returncode == 0, build.stderr
    [tex] = build.outdir.glob("*.tex")
    pdfs = re.findall(
        r"\\sphinxincludegraphics\[\]\{(graphviz-[0-9a-f]+)\.pdf\}", tex.read_text(encoding="utf-8")
    )
    assert pdfs  # the index's diagram (object pages are orphans: not in the PDF)
    for name in pdfs:
        assert (build.outdir / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def test_png_without_a_cjk_font_warns(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # dot, but no fc-list: no font can be found
    bin_dir.mkdir()
    (bin_dir / "dot").symlink_to(shutil.which("dot"))
    project = make_project(tmp_path / "proj", conf='topodoc_output_format = "png"\n')
    build = project.build(env={"PATH": str(bin_dir)})
    assert build.returncode == 0, build.stderr
    assert any("[topodoc.font]" in w for w in build.warnings), build.warnings


def test_layout_timeout_leaves_the_diagram_out(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", conf="topodoc_layout_timeout = 0.001\n")
    build = project.build()
    assert build.returncode == 0 and "Traceback" not in build.stderr
    assert any("index.rst:4:" in w and "[topodoc.timeout]" in w for w in build.warnings)
    assert diagram_images(build.outdir / "index.html") == []


ROLES = """\
Roles
=====

:topo:ref:`vm2`, :topo:host:`h1`, :topo:ref:`the web <web>`, :ref:`server_one`.

:topo:host:`vm1` and :topo:ref:`ghost`.

.. topodoc-object:: h2
"""


def test_roles_labels_and_entries(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "proj", index=ROLES + "\n.. toctree::\n\n   reference/index\n"
    )
    build = project.build()
    assert build.returncode == 0, build.stderr
    refs = [w for w in build.warnings if "[topodoc.ref]" in w]
    assert any("index.rst:6:" in w and "'vm1' is a vm, not a host" in w for w in refs), refs
    assert any("index.rst:6:" in w and "'ghost' is not in the topology" in w for w in refs)
    assert any(
        "'h2' already has an entry" in w and "[topodoc.duplicate]" in w for w in build.warnings
    ), build.warnings
    page = build.outdir / "index.html"
    links = {a.get_text(): a["href"] for a in build.html("index.html").select("a.reference")}
    assert links["vm2"] == "reference/vm/vm2.html#topo-vm2"
    assert links["服务器 1"] == "reference/host/h1.html#topo-h1"  # by title, through :ref:
    assert links["the web"] == "reference/service/web.html#topo-web"
    for href in links.values():
        assert anchor_exists(*resolve_link(page, href)), href
    inventory = InventoryFile.loads((build.outdir / "objects.inv").read_bytes(), uri="")
    assert inventory.data["topo:host"]["h1"].uri == "reference/host/h1.html#topo-h1"
    assert "server_one" in inventory.data["std:label"]
    index = (build.outdir / "genindex.html").read_text(encoding="utf-8")
    assert "h1 (host)" in index and "服务器 1" in index
    assert (build.outdir / "topo-objects.html").is_file()


def test_a_reference_dir_with_foreign_files_is_left_alone(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "proj", index="Index\n=====\n\n.. toctree::\n\n   reference/mine\n"
    )
    mine = project.write("reference/mine.rst", "Mine\n====\n\nHand-written.\n")
    build = project.build()
    assert any("[topodoc.pages]" in w for w in build.warnings), build.warnings
    assert mine.read_text() == "Mine\n====\n\nHand-written.\n"
    assert sorted(p.name for p in (project.root / "reference").iterdir()) == ["mine.rst"]


@pytest.mark.parametrize("option", ["topodoc_theme = 'purple'", "topodoc_node_budget = 0"])
def test_a_wrong_configuration_value_is_named(tmp_path: Path, option: str) -> None:
    build = make_project(tmp_path / "proj", conf=option + "\n").build()
    assert build.returncode == 0 and "Traceback" not in build.stderr
    name = option.split(" =")[0]
    assert [w for w in build.warnings if "[topodoc.config]" in w and name in w], build.warnings
