"""Sphinx builds: a docs project of topodoc directives against the same pages written by hand.

The project has :data:`PAGES` pages holding 20 ``topodoc-diagram`` and 10 ``topodoc-table``
directives over the generated lab (:data:`DIAGRAMS`, :data:`TABLES`: two named views, hosts,
racks, a power feed, Kubernetes, etcd and Ceph clusters, compute VMs; every one within the
node budget). The floor is the same pages with the DOT topodoc generates for those diagrams
written into ``.. graphviz::`` blocks and the same tables as ``.. list-table::``: what
Sphinx costs with no topodoc in it. Both sides draw SVG, in one theme (``topodoc_theme =
"light"``), without reference pages (``topodoc_reference_dir = ""``: thousands of pages of
their own that the floor does not have), so both draw the same 20 graphs; the full build
checks that the graph names in the two sets of SVGs (a hash of the DOT) are the same.

Builds are ``python -m sphinx -N -q -b html`` in subprocesses, fresh output directories for
full builds; the topodoc and the plain builds take turns in alternating order (full builds
and no-change rebuilds), so that neither the machine's speed drifting during the run nor
going first favours one side.
Every ``dot`` run, topodoc's and ``sphinx.ext.graphviz``'s, goes through a wrapper put first
on ``PATH`` that logs it: the rebuild rows count the diagrams drawn.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, Context, Figure, in_turns

PAGES = 10


@dataclass(frozen=True)
class Diagram:
    """A ``topodoc-diagram``: a view (or none) and its inline options, as written in rst."""

    view: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def rst(self) -> str:
        lines = [f".. topodoc-diagram::{' ' + self.view if self.view else ''}"]
        lines += [f"   :{key}: {value}" for key, value in self.options]
        return "\n".join(lines) + "\n"

    def selection(self, model):
        """The selection the directive makes of these options."""
        from topodoc.diagrams.views import selection_for_view
        from topodoc.model.selection import Selection

        given: dict[str, object] = {}
        for key, value in self.options:
            if key == "legend":
                continue
            if key == "depth":
                given[key] = int(value)
            elif key in ("root", "title", "direction"):
                given[key] = value.upper() if key == "direction" else value
            else:
                given[key] = tuple(dict.fromkeys(v for v in re.split(r"[\s,]+", value) if v))
        base = selection_for_view(model, self.view) if self.view else Selection()
        return dataclasses.replace(base, **given)


@dataclass(frozen=True)
class Table:
    """A ``topodoc-table``: the table, its filter and caption."""

    name: str
    filter: str = ""
    caption: str = ""

    def rst(self) -> str:
        lines = [f".. topodoc-table:: {self.name}"]
        if self.filter:
            lines.append(f"   :filter: {self.filter}")
        lines.append(f"   :caption: {self.caption}")
        return "\n".join(lines) + "\n"


HOSTS = ("site1-r000-h00", "site1-r000-h07", "site1-r001-h05", "site1-r002-h10")
#: 20 diagrams, the ids present in the 1,000- and the 10,000-object lab alike.
DIAGRAMS = (
    Diagram("physical"),  # 67 nodes at 1,000 objects, 283 (collapsed) at 10,000
    Diagram("storage"),
    *(Diagram(options=(("root", h),)) for h in HOSTS),  # a host, its VMs, their clusters
    *(
        Diagram(
            options=(
                ("root", f"site1-rack00{r}"),
                ("layers", "physical, failure-domains, virtualization"),
            )
        )
        for r in (0, 1)
    ),  # a rack: its hosts and their VMs
    Diagram(options=(("root", "site1-power-a"), ("layers", "physical, failure-domains"))),
    *(Diagram(options=(("root", f"site1-k8s{k}"), ("depth", "2"))) for k in (1, 2, 3, 4)),
    *(
        Diagram(options=(("root", f"site1-k8s{k}-etcd"), ("depth", "1"), ("legend", "off")))
        for k in (1, 2)
    ),
    Diagram(options=(("root", "site1-ceph"), ("depth", "2"))),
    Diagram(options=(("kinds", "cluster"),)),
    Diagram(options=(("layers", "storage"),)),
    *(Diagram(options=(("root", f"{h}-vm0"), ("direction", "LR"))) for h in HOSTS[:2]),
)
TABLES = (
    Table("hosts", "id=site1-r000-*", "Hosts of rack 0"),
    Table("vms", "host=site1-r000-h0*", "VMs on ten hosts of rack 0"),
    Table("clusters", "", "Clusters"),
    Table("members", "cluster=site1-k8s1", "Members of site1-k8s1"),
    Table("networks", "", "Networks"),
    Table("addresses", "address=10.0.0.*", "Addresses in 10.0.0.0/24"),
    Table("capacity", "machine=site1-r001-*", "Capacity of rack 1"),
    Table("services", "", "Services"),
    Table("storage", "", "Storage"),
    Table("vms", "platform=openstack,host=site1-r002-h1*", "OpenStack VMs on rack 2"),
)
NOTE = (
    "20 diagrams (views physical, storage; roots: 4 hosts, 2 racks, a power feed, "
    "4 Kubernetes clusters (depth 2), 2 etcd (depth 1), Ceph (depth 2), 2 compute VMs; "
    "kinds=cluster; layers=storage) and 10 tables on 10 pages; light theme, no "
    "reference pages"
)

TOPODOC_CONF = """\
extensions = ["sphinxext.topodoc"]
topodoc_topology = {topology!r}
topodoc_theme = "light"
topodoc_reference_dir = ""
project = "bench"
"""
PLAIN_CONF = """\
extensions = ["sphinx.ext.graphviz"]
graphviz_output_format = "svg"
project = "bench"
"""
DOT_WRAPPER = """\
#!/bin/sh
echo "$*" >> {log}
exec {dot} "$@"
"""


def _escape(text: str) -> str:
    """``text`` as rst text that shows as written (no markup, no list markers)."""
    return re.sub(r"([\\*`|_:\[\]<>+\-#=])", r"\\\1", text)


def _page(docname: str, blocks: list[str]) -> str:
    title = f"Page {docname}"
    return "\n".join([title, "=" * len(title), "", *blocks])


def _split(items: list, pages: int) -> list[list]:
    """``items`` spread over ``pages`` pages, in order."""
    return [items[i::pages] for i in range(pages)]


def topodoc_pages() -> dict[str, str]:
    pages = {}
    for no, (diagrams, tables) in enumerate(
        zip(_split(list(DIAGRAMS), PAGES), _split(list(TABLES), PAGES), strict=True)
    ):
        pages[f"page{no:02d}"] = _page(
            f"page{no:02d}", [d.rst() for d in diagrams] + [t.rst() for t in tables]
        )
    return pages


def dot_sources(model) -> list[str]:
    """The DOT text topodoc's HTML builder generates for each of :data:`DIAGRAMS`: fitted to
    the page as the extension fits it (:mod:`topodoc.diagrams.fit`)."""
    from topodoc.diagrams.dot import DotOptions
    from topodoc.diagrams.fit import fitted
    from topodoc.diagrams.views import select

    out = []
    for diagram in DIAGRAMS:
        legend = dict(diagram.options).get("legend", "on") == "on"
        out.append(
            fitted(
                model,
                select(model, diagram.selection(model)),
                DotOptions(theme="light", legend=legend, tooltip=True),
            ).graph.source
        )
    return out


def _list_table(model, table: Table) -> str:
    from sphinxext.topodoc.tablenodes import ID_COLUMNS
    from topodoc.tables.table import build_table

    result = build_table(model, table.name, filter=table.filter or None)
    lines = [f".. list-table:: {_escape(table.caption)}", "   :header-rows: 1", ""]

    def cell(key: str, text: str) -> str:
        parts = [p.strip() for p in text.split(",")]
        if key in ID_COLUMNS and text and all(p in model.objects for p in parts):
            return ", ".join(f"``{p}``" for p in parts)  # topodoc: ids, as literals
        return _escape(text)

    for values in [[c.header for c in result.columns]] + [
        [cell(c.key, row.value(c.key)) for c in result.columns] for row in result.rows
    ]:
        lines += [f"   * - {values[0]}".rstrip()] + [f"     - {v}".rstrip() for v in values[1:]]
    return "\n".join(lines) + "\n"


def plain_pages(model) -> dict[str, str]:
    """The same pages with the DOT in ``graphviz`` blocks and the tables as list-tables."""
    blocks = [
        ".. graphviz::\n\n" + "".join(f"   {line}\n" for line in source.splitlines())
        for source in dot_sources(model)
    ]
    tables = [_list_table(model, t) for t in TABLES]
    pages = {}
    for no, (diagrams, tabs) in enumerate(
        zip(_split(blocks, PAGES), _split(tables, PAGES), strict=True)
    ):
        pages[f"page{no:02d}"] = _page(f"page{no:02d}", diagrams + tabs)
    return pages


def _write_project(src: Path, conf: str, pages: dict[str, str]) -> None:
    """Write a project's sources; a page is rewritten only when its text changed."""
    src.mkdir(parents=True, exist_ok=True)
    index = "Bench\n=====\n\n.. toctree::\n\n" + "".join(f"   {p}\n" for p in sorted(pages))
    for name, text in {
        "conf.py": conf,
        "index.rst": index,
        **{f"{p}.rst": t for p, t in pages.items()},
    }.items():
        path = src / name
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")


@dataclass
class Builder:
    """Runs ``python -m sphinx`` with every ``dot`` run logged."""

    work: Path

    def __post_init__(self) -> None:
        real = shutil.which("dot")
        assert real, "Graphviz dot is needed"
        self.bin = self.work / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        self.log = self.work / "dot-runs.log"
        wrapper = self.bin / "dot"
        wrapper.write_text(DOT_WRAPPER.format(log=self.log, dot=real))
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
        self.env = dict(os.environ, PATH=f"{self.bin}{os.pathsep}{os.environ['PATH']}")

    def dot_runs(self) -> int:
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0

    def build(self, src: Path, out: Path) -> tuple[float, int]:
        """Seconds and ``dot`` runs of one build of ``src`` into ``out``."""
        before = self.dot_runs()
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "sphinx", "-N", "-q", "-b", "html", str(src), str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=self.env,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"sphinx build of {src} failed:\n{done.stderr[-3000:]}")
        return elapsed, self.dot_runs() - before


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _medians(reps: int, *builds) -> list[tuple[float, list[int]]]:
    """Each of ``builds`` (rep -> (seconds, dot runs)) ``reps`` times, taking turns
    (:func:`harness.in_turns`); per build, the median seconds and each repetition's ``dot``
    runs."""
    return [(_median([s for s, _ in out]), [d for _, d in out]) for out in in_turns(reps, *builds)]


def _graphs(out: Path) -> set[str]:
    """The names of the graphs drawn in ``out``'s images: ``topodoc_`` and a hash of the
    DOT's body (the image file names differ: the ``graphviz`` directive drops the DOT's
    last line break)."""
    title = re.compile(r"<!-- Title: (\S+) ")
    return {
        m[1]
        for p in (out / "_images").glob("graphviz-*.svg")
        if (m := title.search(p.read_text("utf-8")))
    }


def _edit_target(sources: list[str]) -> tuple[str, int]:
    """A VM drawn as its own node in the most diagrams (and named in no other), and how
    many diagrams draw it."""
    counts: dict[str, int] = {}
    node = re.compile(r'^\s*"([^"]+)" \[id="\1", label=<[^<]*<br/>\d+ vCPU', re.M)
    for source in sources:
        for vm in set(node.findall(source)):
            counts[vm] = counts.get(vm, 0) + 1
    for vm, drawn in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        named = re.compile(rf"(?<![\w-]){re.escape(vm)}(?![\w-])")
        if sum(bool(named.search(s)) for s in sources) == drawn < len(sources):
            return vm, drawn
    raise AssertionError("no VM to edit")


def _set_memory(topology: Path, vm: str, memory: str) -> None:
    """Change ``vm``'s ``memory:`` in the topology's YAML, in place."""
    for path in sorted(topology.rglob("*.yaml")):
        text = path.read_text("utf-8")
        start = text.find(f"- id: {vm}\n")
        if start < 0:
            continue
        end = text.find("\n- ", start + 1)
        end = len(text) if end < 0 else end
        item, count = re.subn(r"(\n  memory: )\S+", rf"\g<1>{memory}", text[start:end], count=1)
        assert count == 1, f"no memory for {vm} in {path}"
        path.write_text(text[:start] + item + text[end:], "utf-8")
        return
    raise AssertionError(f"{vm} is in no file of {topology}")


def sphinx_builds(ctx: Context, size: int) -> list:
    from topodoc.reading.load import load_topology

    work = ctx.work / f"sphinx-{size}"
    if work.exists():
        shutil.rmtree(work)
    topology = work / "topology"
    shutil.copytree(ctx.lab(size), topology)
    model = load_topology(topology).model
    sources = dot_sources(model)
    topo_src, plain_src = work / "topodoc-src", work / "plain-src"
    _write_project(topo_src, TOPODOC_CONF.format(topology=str(topology)), topodoc_pages())
    _write_project(plain_src, PLAIN_CONF, plain_pages(model))
    builder = Builder(work)
    reps = max(1, ctx.reps)

    full = _medians(
        reps,
        lambda rep: builder.build(topo_src, work / f"topodoc-out-{rep}"),
        lambda rep: builder.build(plain_src, work / f"plain-out-{rep}"),
    )
    (topo_full, topo_runs), (plain_full, plain_runs) = full
    topo_out, plain_out = work / f"topodoc-out-{reps - 1}", work / f"plain-out-{reps - 1}"
    drawn = _graphs(topo_out)
    same = drawn == _graphs(plain_out) and len(drawn) == len(DIAGRAMS)
    rows = [
        ctx.row(
            "sphinx full build (20 diagrams, 10 tables)",
            size,
            topo_full,
            "same pages: graphviz blocks + list-tables",
            plain_full,
            target_ratio=1.3,
            extra_ok=same,
            note=f"{NOTE}; dot runs {topo_runs[0]} vs {plain_runs[0]}; "
            f"graphs drawn {'identical' if same else 'DIFFER'} (same DOT)",
        )
    ]

    again = 4 * reps + 1  # under a second each: many of them, or noise decides the ratio
    (topo_again, topo_drawn), (plain_again, _) = _medians(
        again,
        lambda rep: builder.build(topo_src, topo_out),
        lambda rep: builder.build(plain_src, plain_out),
    )
    rows.append(
        ctx.row(
            "sphinx rebuild, no change",
            size,
            topo_again,
            "same, graphviz pages",
            plain_again,
            target_ratio=1.1,
            extra_ok=sum(topo_drawn) == 0,
            note=f"{sum(topo_drawn)} diagrams drawn in {again} rebuilds (must be "
            "0); median of the rebuilds, the two sides taking turns",
        )
    )

    vm, showing = _edit_target(sources)
    edit_times, plain_times, drawn_counts = [], [], []
    for rep in range(reps):  # a new value each time: each is a new DOT, not in the cache
        _set_memory(topology, vm, f"{9 + rep}GiB")
        seconds, drawn = builder.build(topo_src, topo_out)
        edit_times.append(seconds)
        drawn_counts.append(drawn)
        _write_project(plain_src, PLAIN_CONF, plain_pages(load_topology(topology).model))
        plain_times.append(builder.build(plain_src, plain_out)[0])
    ok = showing > 0 and all(d == showing for d in drawn_counts)
    rows.append(
        ctx.row(
            "sphinx rebuild, one VM edited",
            size,
            _median(edit_times),
            "same edit in the graphviz pages",
            _median(plain_times),
            extra_ok=ok,
            note=f"memory of {vm} changed: {drawn_counts[0]} diagrams drawn again "
            f"per rebuild ({drawn_counts}), {showing} of {len(DIAGRAMS)} "
            "diagrams draw that VM",
        )
    )
    return rows


FIGURES = (Figure("sphinx", (1_000, 10_000), sphinx_builds),)
