"""Incremental builds: after an edit to one field of one object, the pages Sphinx rebuilds
(and the ones it keeps) are byte for byte those of a clean build of the edited project,
images included; and only the pages showing what changed are read again.

The builds run in this process (``sphinx.cmd.build.build_main``, as ``sphinx-build`` runs
them; a few times faster than a new interpreter each): many small builds."""

from __future__ import annotations

import io
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx_builds import Project, make_project

LAB = """\
version: 1
sites:
  - {id: lab, name: Test lab, location: Room 1}
failure_domains:
  - {id: rack1, type: rack, site: lab}
  - {id: rack2, type: rack, site: lab, description: second rack}
networks:
  - {id: net, name: Lab net, type: bridge, subnet: 10.0.0.0/24}
  - {id: vlan5, type: vlan, vlan: 5, parent: net}
hosts:
  - id: h1
    name: Host one
    label: host_one
    site: lab
    failure_domains: [rack1]
    cpu: {sockets: 1, cores: 8}
    memory: 64GiB
    nested_virt: true
    nics: [{name: eth0, network: net, address: 10.0.0.1}]
  - id: h2
    site: lab
    failure_domains: [rack2]
    cpu: {sockets: 2, cores: 8}
    memory: 96GiB
    nics: [{name: eth0, network: vlan5, address: 10.0.5.2}]
vms:
  - {id: vm1, runs_on: h1, platform: libvirt, vcpu: 2, memory: 4GiB, nested_virt: true,
     nics: [{network: net, address: 10.0.0.11}]}
  - {id: vm2, runs_on: vm1, platform: libvirt, vcpu: 1, memory: 1GiB}
  - {id: vm3, runs_on: h2, platform: libvirt, vcpu: 4, memory: 8GiB}
containers:
  - {id: box, runs_on: h2, runtime: docker, image: debian:12}
clusters:
  - id: k8s
    type: kubernetes
    etcd: {mode: stacked}
    members:
      - {machine: vm1, roles: [control-plane, etcd]}
      - {machine: vm3, roles: [control-plane, etcd]}
      - {machine: h2, roles: [worker]}
services:
  - {id: web, name: Web, runs_on: [vm3], depends_on: [k8s]}
  - {id: db, runs_on: [vm2]}
storage:
  - {id: pool, type: ceph-pool, provided_by: k8s, replicas: 3, used_by: [web]}
views:
  - {id: all, title: Everything}
  - {id: machines, title: Machines, kinds: [host, vm]}
"""

INDEX = """\
Lab
===

.. topodoc-diagram:: all

.. topodoc-table:: vms
   :columns: id, runs_on, memory

See :ref:`host_one` and :topo:ref:`vm2`.

.. toctree::

   plain
   more
   reference/index
"""

MORE = """\
More
====

.. topodoc-diagram:: machines

.. topodoc-diagram::
   :root: vm3
   :depth: 1

.. topodoc-table:: hosts
   :columns: id, memory

.. topodoc-impact::
   :cluster: k8s
"""

#: (what is edited, the text replaced, its replacement), applied one after the other.
EDITS = {
    "vm": [
        ("memory", "vcpu: 2, memory: 4GiB", "vcpu: 2, memory: 6GiB"),
        ("name", "{id: vm3,", "{id: vm3, name: Third VM,"),
        (
            "placement",
            "{id: vm3, name: Third VM, runs_on: h2",
            "{id: vm3, name: Third VM, runs_on: h1",
        ),
        ("nic address", "address: 10.0.0.11", "address: 10.0.0.12"),
        ("added", "vms:\n", "vms:\n  - {id: vm0, runs_on: h2, platform: libvirt, vcpu: 1}\n"),
        ("renamed", "{id: vm2, runs_on: vm1", "{id: vm2b, runs_on: vm1"),
    ],
    "host": [
        ("memory", "memory: 96GiB", "memory: 128GiB"),
        ("name", "name: Host one", "name: Host 1"),
        ("failure domain", "failure_domains: [rack2]", "failure_domains: [rack1]"),
        ("label", "label: host_one", "label: host_first"),
        ("nic", "network: vlan5, address: 10.0.5.2", "network: net, address: 10.0.0.2"),
        ("lines moved", "hosts:\n", "hosts:\n  # a comment\n  # moves what follows\n"),
    ],
    "others": [
        ("site", "location: Room 1", "location: Room 2"),
        ("failure domain", "description: second rack", "description: the other rack"),
        ("network", "subnet: 10.0.0.0/24", "subnet: 10.0.0.0/23"),
        ("container", "image: debian:12", "image: debian:13"),
        (
            "cluster roles",
            "{machine: h2, roles: [worker]}",
            "{machine: h2, roles: [worker]}\n      - {machine: box, roles: [worker]}",
        ),
        ("service", "{id: db, runs_on: [vm2]}", "{id: db, runs_on: [vm2], tags: [data]}"),
        ("storage", "replicas: 3", "replicas: 2"),
        ("view", "kinds: [host, vm]", "kinds: [host, vm, container]"),
        (
            "removed",
            "containers:\n  - {id: box, runs_on: h2, runtime: docker, image: debian:13}\n",
            "",
        ),
    ],
}
#: The pages of the lab that an edit to one VM's memory leaves alone.
UNTOUCHED = ("plain", "reference/host/h2", "reference/vm/vm3", "reference/site/lab")


def _project(root: Path) -> Project:
    project = make_project(root, index=INDEX, topology=LAB)
    project.write("more.rst", MORE)
    return project


def _run(root: Path, *args: str) -> str:
    """Build ``root`` into ``root/_build/html``; what it printed with ``-v``."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = build_main(["-N", "-v", "-b", "html", *args, str(root), str(root / "_build/html")])
    assert code == 0, err.getvalue()
    return out.getvalue()


def _build(root: Path, *args: str) -> list[str]:
    """Build ``root`` into ``root/_build/html``; the documents it read."""
    return re.findall(r"reading sources\.\.\. \[[ \d]+%\] (\S+)", _run(root, *args))


def _pages(outdir: Path) -> dict[str, bytes]:
    """Every HTML page (but the search page), every image a page shows and the search
    index, by path."""
    out: dict[str, bytes] = {"searchindex.js": (outdir / "searchindex.js").read_bytes()}
    for page in sorted(outdir.rglob("*.html")):
        name = page.relative_to(outdir).as_posix()
        if name == "search.html":
            continue
        out[name] = page.read_bytes()
        soup = BeautifulSoup(out[name], "html.parser")
        for link in [o["data"] for o in soup.select("object[data]")] + [
            i["src"] for i in soup.select("img[src]")
        ]:
            image = (page.parent / link).resolve()
            out[image.relative_to(outdir.resolve()).as_posix()] = image.read_bytes()
    return out


@pytest.mark.parametrize("group", list(EDITS))
def test_incremental_builds_equal_clean_builds(tmp_path: Path, group: str) -> None:
    incremental = _project(tmp_path / "incremental")
    everything = len(_build(incremental.root))
    for number, (what, old, new) in enumerate(EDITS[group]):
        lab = incremental.topology / "lab.yaml"
        text = lab.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{what}: {old!r} must occur once"
        if what == "renamed":  # and what names it
            text = text.replace("runs_on: [vm2]", "runs_on: [vm2b]")
            incremental.write("index.rst", INDEX.replace("`vm2`", "`vm2b`"))
        lab.write_text(text.replace(old, new), encoding="utf-8")
        read = _build(incremental.root)
        assert 0 < len(read) < everything, f"{group} {what}: read {read}"

        clean = tmp_path / f"clean{number}"
        shutil.copytree(incremental.root, clean, ignore=shutil.ignore_patterns("_build"))
        _build(clean)
        want = _pages(clean / "_build/html")
        got = _pages(incremental.root / "_build/html")
        differ = sorted(
            name for name in want.keys() | got.keys() if got.get(name) != want.get(name)
        )
        assert not differ, f"{group} {what}: the incremental build differs in {differ}"


def test_an_edit_reads_the_pages_showing_what_changed(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    _build(project.root, "-j", "2")  # pages written by two processes: what they read is kept
    lab = project.topology / "lab.yaml"
    lab.write_text(
        lab.read_text(encoding="utf-8").replace("vcpu: 2, memory: 4GiB", "vcpu: 2, memory: 6GiB"),
        encoding="utf-8",
    )
    read = set(_build(project.root))
    # vm1's card, its host's (what runs on it), its guest's (placement), its cluster's
    # members, the tables and whole-lab diagrams showing it
    assert {
        "reference/vm/vm1",
        "reference/host/h1",
        "reference/vm/vm2",
        "reference/cluster/k8s",
        "index",
        "more",
    } <= read
    assert read.isdisjoint(UNTOUCHED)
    assert _build(project.root) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_diagrams_laid_out_ahead_of_the_writer_equal_those_laid_out_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """The thread laying diagrams out ahead of the pages being written (:mod:`.ahead`) takes
    over nearly every layout of a serial full build, and the site is the one laid out page
    by page. With ``-j 2`` (Sphinx forks its writers: no threads then) every page lays its
    own diagrams out, and the site is the same."""
    from sphinxext.topodoc import ahead

    pooled = _project(tmp_path / "pooled")
    printed = _run(pooled.root, "-j", jobs)
    laid_out = re.search(r"topodoc: (\d+) diagrams laid out ahead, 1 at a time", printed)
    if jobs == "1":
        assert laid_out, printed[-2000:]
        diagrams = len(list((pooled.root / "_build/html/_images").glob("*.svg")))
        # all but the first page's, which is laid out while the pool starts
        assert int(laid_out[1]) >= diagrams - 2 > 10
    else:
        assert laid_out is None

    monkeypatch.setattr(ahead, "AHEAD", 0)  # nothing laid out ahead
    in_turn = _project(tmp_path / "in_turn")
    assert "laid out ahead" not in _run(in_turn.root, "-j", jobs)
    want, got = _pages(in_turn.root / "_build/html"), _pages(pooled.root / "_build/html")
    assert want.keys() == got.keys()
    assert [name for name in want if got[name] != want[name]] == []
