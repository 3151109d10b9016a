"""User text in the topology reaches the site as text: names and descriptions never become
reStructuredText markup in the generated reference pages, and only http(s) URLs become links.
A topology that ``topodoc validate`` accepts builds with ``-W``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sphinx_builds import ROOT, make_project

#: Names that are markup at the start of a line, or inline, or over two lines.
NAMES = {
    "h-bullet": "- spare",
    "h-plus": "+ backup",
    "h-dot": "• x",
    "h-directive": ".. note:: injected",
    "h-two-lines": "first line\nsecond line",
    "h-enum": "1. first",
    "h-alpha": "A. letter",
    "h-table": "=====",
    "h-line-block": "| pipe",
    "h-inline": "*bold* `code` |sub| [1]_ name_ :ref:`x` http://x.example/a",
    "h-raw": "a\n\n.. raw:: html\n\n   <script>alert(1)</script>",
    "h-comment": ".. just a comment",
    "h-quote": ">>> 1 + 1",
    "h-blank": "  \n ",
}
URLS = {
    "s-js": "javascript:alert(1)",
    "s-js-case": " JavaScript:alert(2)",
    "s-data": "data:text/html,<script>alert(3)</script>",
    "s-vb": "vbscript:msgbox",
    "s-rel": "/relative/path",
    "s-http": "http://grafana.lab.example:3000/d/x",
    "s-https": "https://registry.lab.example/",
}


def _topology() -> str:
    lines = ["version: 1", "hosts:"]
    lines += [
        f"  - {{id: {i}, name: {json.dumps(name)}, description: {json.dumps(name)}}}"
        for i, name in NAMES.items()
    ]
    lines += ["services:"]
    lines += [
        f"  - {{id: {i}, runs_on: [h-bullet], url: {json.dumps(url)}}}" for i, url in URLS.items()
    ]
    return "\n".join(lines) + "\n"


INDEX = """\
Hostile lab
===========

.. toctree::

   plain
   reference/index

.. topodoc-table:: hosts
   :columns: id, name, description

.. topodoc-table:: services
   :columns: id, url
"""


def test_hostile_text_stays_text_and_the_build_passes_with_w(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj", index=INDEX, topology=_topology())
    validate = subprocess.run(
        [sys.executable, "-m", "topodoc", "validate", str(project.topology)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr

    build = project.build("-W", "--keep-going")
    assert build.returncode == 0, build.stderr
    assert build.warnings == []

    for obj_id, name in NAMES.items():
        page = build.html(f"reference/host/{obj_id}.html")
        assert page.h1.get_text().rstrip("¶#") == (" ".join(name.split()) or obj_id), obj_id
        body = page.select_one("div.body, article, [role=main]")
        assert not body.select("div.admonition, ol, script, blockquote, dl.field-list"), obj_id
        # one list: the card's own; no list, heading or section made from the name
        assert len(body.find_all(["h1"])) == 1, obj_id
    kind_page = build.html("reference/host.html").select_one("div.body, article, [role=main]")
    text = kind_page.get_text()
    for name in NAMES.values():
        assert " ".join(name.split()) in " ".join(text.split()), name
    assert not kind_page.select("script, div.admonition, blockquote")

    links = {}
    for obj_id in URLS:
        page = build.html(f"reference/service/{obj_id}.html")
        body = page.select_one("div.body, article, [role=main]")
        links[obj_id] = [
            a["href"]
            for a in body.select("a[href]")
            if ":" in a["href"] and not a["href"].startswith("#")
        ]
    assert links["s-http"] == [URLS["s-http"]]
    assert links["s-https"] == [URLS["s-https"]]
    for obj_id in ("s-js", "s-js-case", "s-data", "s-vb", "s-rel"):
        assert links[obj_id] == [], obj_id
        page = build.html(f"reference/service/{obj_id}.html")
        assert URLS[obj_id].strip() in page.get_text(), obj_id  # shown, as text
    everything = "".join(p.read_text(encoding="utf-8") for p in build.outdir.rglob("*.html"))
    assert 'href="javascript:' not in everything.lower()
    assert 'href="data:' not in everything.lower()
    assert "<script>alert" not in everything
