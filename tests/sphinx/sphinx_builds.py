"""Helpers for real Sphinx builds (``python -m sphinx`` in a subprocess) and for reading
what they wrote."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

#: A small topology: three hosts, a VM with a nested VM, a Kubernetes cluster, a service.
LAB_YAML = """\
version: 1
sites:
  - {id: lab, name: Test lab}
networks:
  - {id: net, name: 测试网络, type: bridge, subnet: 10.0.0.0/24}
hosts:
  - id: h1
    name: 服务器 1
    label: server_one
    site: lab
    cpu: {sockets: 1, cores: 8}
    memory: 64GiB
    nested_virt: true
    nics: [{name: eth0, network: net, address: 10.0.0.1}]
  - id: h2
    site: lab
    cpu: {sockets: 1, cores: 8}
    memory: 64GiB
    nics: [{name: eth0, network: net, address: 10.0.0.2}]
  - id: h3
    site: lab
    cpu: {sockets: 1, cores: 8}
    memory: 64GiB
    nics: [{name: eth0, network: net, address: 10.0.0.3}]
vms:
  - {id: vm1, runs_on: h1, platform: libvirt, vcpu: 2, memory: 4GiB, nested_virt: true,
     nics: [{network: net, address: 10.0.0.11}]}
  - {id: vm2, runs_on: vm1, platform: libvirt, vcpu: 1, memory: 1GiB}
  - {id: vm3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 4GiB}
  - {id: vm4, runs_on: h3, platform: libvirt, vcpu: 2, memory: 4GiB}
clusters:
  - id: k8s
    name: Test Kubernetes
    type: kubernetes
    label: test_k8s
    etcd: {mode: stacked}
    members:
      - {machine: vm1, roles: [control-plane, etcd]}
      - {machine: vm3, roles: [control-plane, etcd]}
      - {machine: vm4, roles: [control-plane, etcd]}
      - {machine: h2, roles: [worker]}
services:
  - {id: web, name: Web, runs_on: [vm3], depends_on: [k8s], label: web_service}
views:
  - {id: all, title: 全部}
  - {id: k8s-only, title: Kubernetes, layers: [kubernetes]}
"""

INDEX_RST = """\
Test lab
========

.. topodoc-diagram:: all
   :caption: The whole lab

.. topodoc-table:: vms
   :columns: id, runs_on, vcpu, memory

.. topodoc-impact::

See :ref:`server_one`, :topo:ref:`vm2` and :topo:cluster:`k8s`.

.. toctree::

   plain
   reference/index
"""

PLAIN_RST = """\
Plain page
==========

No topology here.
"""


@dataclass
class Build:
    """One sphinx-build run: its exit code, output, and where it wrote."""

    returncode: int
    stdout: str
    stderr: str
    outdir: Path

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "WARNING" in line]

    def html(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / page).read_text(encoding="utf-8"), "html.parser")


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    *args: str,
    confdir: Path | None = None,
    builder: str = "html",
    env: dict[str, str] | None = None,
) -> Build:
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-N",
        "-b",
        builder,
        "-c",
        str(confdir or srcdir),
        *args,
        str(srcdir),
        str(outdir),
    ]
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=srcdir,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Build(done.returncode, done.stdout, done.stderr, outdir)


@dataclass
class Project:
    """A small Sphinx project using the extension, in a temporary directory."""

    root: Path

    @property
    def topology(self) -> Path:
        return self.root / "topology"

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def build(
        self,
        *args: str,
        out: str = "_build/html",
        builder: str = "html",
        env: dict[str, str] | None = None,
    ) -> Build:
        return sphinx_build(self.root, self.root / out, *args, builder=builder, env=env)


def make_project(
    root: Path, conf: str = "", index: str = INDEX_RST, topology: str = LAB_YAML
) -> Project:
    project = Project(root)
    project.write(
        "conf.py",
        'extensions = ["sphinxext.topodoc"]\n'
        'topodoc_theme = "light"\nshow_warning_types = True\n' + conf,
    )
    project.write("topology/lab.yaml", topology)
    project.write("index.rst", index)
    project.write("plain.rst", PLAIN_RST)
    return project


def resolve_link(page: Path, href: str) -> tuple[Path, str]:
    """The file and fragment a relative link from ``page`` points to."""
    parts = urlsplit(href)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    return target, unquote(parts.fragment)


def anchor_exists(target: Path, fragment: str) -> bool:
    if not target.is_file():
        return False
    if not fragment:
        return True
    return (
        re.search(rf'\bid="{re.escape(fragment)}"', target.read_text(encoding="utf-8")) is not None
    )


def svg_links(svg: Path) -> list[str]:
    """Every link target in an SVG file (xlink:href of its <a> elements)."""
    text = svg.read_text(encoding="utf-8")
    return re.findall(r'<(?:\w+:)?a\b[^>]*?\b(?:\w+:)?href="([^"]+)"', text)


def diagram_images(page: Path) -> list[Path]:
    """The SVG files of the diagrams a built HTML page shows (in the page, inline), each
    linked from its diagram as the image alone."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [
        (page.parent / d["data-image"]).resolve()
        for d in soup.select("div.topodoc-diagram")
        if d.get("data-image")
    ]


def inline_links(page: Path) -> list[list[str]]:
    """Per diagram of a built HTML page, the link targets of the SVG inside the page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [
        [a["xlink:href"] for a in svg.find_all("a") if a.get("xlink:href")]
        for svg in soup.select("div.topodoc-diagram div.topodoc-viewport > svg")
    ]
