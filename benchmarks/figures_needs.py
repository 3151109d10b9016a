"""topodoc against sphinx-needs on the same generated lab: full build, no-change rebuild, one
object edited, one object added.

sphinx-needs (the most used data-driven Sphinx extension) runs in a virtual environment of
its own, ``.venv-needs/`` beside the project's ``.venv/``, which this figure creates from
PyPI the first time (:data:`NEEDS`, pinned). Its project holds the same lab as topodoc's:
one need per object (a directive per kind, the object's facts as its content, every object
it names in ``:links:``), one page per object, and one page per kind with a ``needtable``
and a ``needflow`` of that kind. topodoc's project is the lab with the extension's defaults:
a reference page per object (its card and, for most kinds, a diagram), a page per kind,
theme ``auto``.

Both sides are built with ``python -m sphinx -q -b html``, taking turns (full builds and
no-change rebuilds; see :func:`harness.in_turns`); a row records the CPU seconds of the
build and its children (``dot``), the wall time in its note, and the pages each side read
(doctrees written) and wrote (HTML files written). The edit changes one VM's memory (a new
value each repetition: a new diagram, not one in the image cache); the addition adds a VM on
a host. Targets, as ratios to sphinx-needs: edit <= 1.5, no change <= 1.0, full build <= 1.3
plus the ``dot`` floor: the CPU time ``dot`` needs for the diagrams sphinx-needs does not
draw (every diagram of topodoc's reference pages laid out by ``dot`` alone), reported in its
own row.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from figures_sphinx import _set_memory
from harness import ROOT, Context, Figure, in_turns

NEEDS = "sphinx-needs==9.1.0"
NEEDS_VENV = ROOT / ".venv-needs"
KINDS_TITLES = {
    "site": "Sites",
    "failure_domain": "Failure domains",
    "host": "Physical hosts",
    "vm": "Virtual machines",
    "container": "Containers",
    "cluster": "Clusters",
    "service": "Services",
    "network": "Networks",
    "storage": "Storage",
}
NEEDS_CONF = """\
extensions = ["sphinx_needs", "sphinx.ext.graphviz"]
project = "bench"
graphviz_output_format = "svg"
needs_flow_engine = "graphviz"
needs_id_regex = r"^[A-Za-z0-9_-]+$"
needs_types = [
{types}]
suppress_warnings = ["needs"]
"""
TOPODOC_CONF = """\
extensions = ["sphinxext.topodoc"]
project = "bench"
topodoc_topology = {topology!r}
"""
INDEX = "Bench\n=====\n\n.. toctree::\n\n   {first}\n"


def needs_python() -> Path:
    """The Python of ``.venv-needs/``, made (with :data:`NEEDS` from PyPI) when missing."""
    python = NEEDS_VENV / "bin" / "python"
    stamp = NEEDS_VENV / ".installed"
    if not stamp.is_file() or stamp.read_text() != NEEDS:
        print(f"  creating {NEEDS_VENV} with {NEEDS} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(NEEDS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", NEEDS], check=True)
        stamp.write_text(NEEDS)
    return python


def _escape(text: str) -> str:
    return re.sub(r"([\\*`|_:\[\]<>])", r"\\\1", text)


def _need(obj, model) -> str:
    """One object as a need: its kind's directive, its facts as content, the ids it names."""
    from topodoc.model.facts import facts
    from topodoc.model.graph import references

    links = sorted({target for _, _, target, _ in references(obj) if target in model.objects})
    lines = [f".. {obj.kind}:: {_escape(obj.title)}", f"   :id: {obj.id}"]
    if links:
        lines.append(f"   :links: {', '.join(links)}")
    lines.append("")
    lines += [
        f"   | {_escape(name)}: {_escape(' '.join(value.split()))}"
        for name, value in facts(model, obj)
        if value
    ]
    return "\n".join(lines) + "\n"


def needs_sources(model) -> dict[str, str]:
    """Path -> text of the sphinx-needs project (see the module's docstring)."""
    types = "".join(
        f'    dict(directive="{kind}", title="{title}", prefix="{kind}-", '
        f'color="#ffffff", style="node"),\n'
        for kind, title in KINDS_TITLES.items()
    )
    kinds = [kind for kind in KINDS_TITLES if model.of_kind(kind)]
    pages = {
        "conf.py": NEEDS_CONF.format(types=types),
        "index.rst": INDEX.format(first="reference/index"),
        "reference/index.rst": "Reference\n=========\n\n.. toctree::\n   :maxdepth: 1\n\n"
        + "".join(f"   {kind}\n" for kind in kinds),
    }
    for kind in kinds:
        title = KINDS_TITLES[kind]
        pages[f"reference/{kind}.rst"] = (
            f"{title}\n{'=' * len(title)}\n\n.. needtable::\n   :types: {kind}\n"
            f"   :columns: id, title, type\n\n.. needflow::\n   :types: {kind}\n"
        )
        for obj in model.of_kind(kind):
            head = _escape(obj.title)
            pages[f"reference/{kind}/{obj.id}.rst"] = (
                f":orphan:\n\n{head}\n{'=' * max(len(head), 3)}\n\n{_need(obj, model)}"
            )
    return pages


def write_sources(root: Path, pages: dict[str, str]) -> None:
    """Bring ``root`` in line with ``pages``: a file is written only when its text changed."""
    for name, text in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
    for path in root.rglob("*.rst"):
        if path.relative_to(root).as_posix() not in pages:
            path.unlink()


@dataclass(frozen=True)
class Built:
    cpu_s: float
    wall_s: float
    read: int  # documents read (doctrees written)
    written: int  # HTML pages written


def _stamps(folder: Path, pattern: str) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob(pattern)} if folder.exists() else {}


def build(python: Path, src: Path, out: Path) -> Built:
    """One ``sphinx-build`` of ``src`` into ``out`` (doctrees in ``out/.doctrees``)."""
    doctrees, pages = _stamps(out / ".doctrees", "*.doctree"), _stamps(out, "*.html")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(python), "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"sphinx build of {src} failed:\n{done.stderr[-3000:]}")
    changed = lambda old, new: sum(old.get(p) != t for p, t in new.items())  # noqa: E731
    return Built(
        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
        wall,
        changed(doctrees, _stamps(out / ".doctrees", "*.doctree")),
        changed(pages, _stamps(out, "*.html")),
    )


def _median(runs: list[Built]) -> Built:
    ordered = sorted(runs, key=lambda b: b.cpu_s)
    return ordered[len(ordered) // 2]


def _note(topodoc: Built, needs: Built, more: str = "") -> str:
    return (
        f"CPU s; wall {topodoc.wall_s:.1f} s vs {needs.wall_s:.1f} s; pages read/written "
        f"{topodoc.read}/{topodoc.written} vs {needs.read}/{needs.written}"
        + (f"; {more}" if more else "")
    )


def dot_floor(model) -> tuple[float, int]:
    """CPU seconds of ``dot -Tsvg`` alone over the DOT of every diagram of topodoc's
    reference pages (sphinx-needs draws none of them), and how many there are."""
    from sphinxext.topodoc.pages import object_page
    from topodoc.diagrams.dot import DotOptions, render_dot
    from topodoc.diagrams.views import select
    from topodoc.model.kinds import BY_NAME
    from topodoc.model.selection import Selection

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    count = 0
    for obj in model:
        if not BY_NAME[obj.kind].page_diagram:
            continue
        assert f":root: {obj.id}\n   :depth: 1\n" in object_page(obj)  # the page's diagram
        source = render_dot(
            model, select(model, Selection(root=obj.id, depth=1)), DotOptions(tooltip=True)
        ).source
        subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=True)
        count += 1
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, count


def _add_vm(topology: Path, model, number: int) -> str:
    """A new VM on the first host, at the end of the file of that host's first VM (its
    ``vms:`` list is the file's last)."""
    host = model.of_kind("host")[0].id
    vm_id = f"bench-added-{number}"
    guest = next(o for o in model.of_kind("vm") if o.runs_on == host)
    path = Path(guest.loc.file)
    text = path.read_text("utf-8")
    assert re.findall(r"^(\w+):", text, re.M)[-1] == "vms", f"vms: is not last in {path}"
    path.write_text(
        f"{text.rstrip()}\n- id: {vm_id}\n  runs_on: {host}\n"
        "  platform: libvirt\n  vcpu: 2\n  memory: 4GiB\n",
        "utf-8",
    )
    return vm_id


def needs_builds(ctx: Context, size: int) -> list:
    from topodoc.reading.load import load_topology

    python = needs_python()
    work = ctx.work / f"needs-{size}"
    if work.exists():
        shutil.rmtree(work)
    topology = work / "topology"
    shutil.copytree(ctx.lab(size), topology)
    topo_src, needs_src = work / "topodoc-src", work / "needs-src"
    write_sources(
        topo_src,
        {
            "conf.py": TOPODOC_CONF.format(topology=str(topology)),
            "index.rst": INDEX.format(first="reference/index"),
        },
    )
    refresh: Callable[[], None] = lambda: write_sources(  # noqa: E731
        needs_src, needs_sources(load_topology(topology).model)
    )
    refresh()
    reps = max(1, ctx.reps)
    here = Path(sys.executable)

    full = in_turns(
        reps,
        lambda rep: build(here, topo_src, work / f"topodoc-out-{rep}"),
        lambda rep: build(python, needs_src, work / f"needs-out-{rep}"),
    )
    topo_full, needs_full = _median(full[0]), _median(full[1])
    topo_out, needs_out = work / f"topodoc-out-{reps - 1}", work / f"needs-out-{reps - 1}"
    needs_drawn = len(list((needs_out / "_images").glob("*.svg")))
    floor_s, floor_n = dot_floor(load_topology(topology).model)
    rows = [
        ctx.row(
            "vs sphinx-needs: dot floor (CPU)",
            size,
            floor_s,
            None,
            None,
            note=f"dot -Tsvg alone on the {floor_n} diagrams of topodoc's reference "
            f"pages; sphinx-needs draws {needs_drawn} (one needflow per kind)",
        )
    ]
    rows.append(
        ctx.row(
            "vs sphinx-needs: full build (CPU)",
            size,
            topo_full.cpu_s,
            "sphinx-needs, same lab",
            needs_full.cpu_s,
            target_s=round(1.3 * needs_full.cpu_s + floor_s, 3),
            note=_note(topo_full, needs_full, "target: 1.3 x sphinx-needs + dot floor"),
        )
    )

    again = in_turns(
        2 * reps + 1,
        lambda rep: build(here, topo_src, topo_out),
        lambda rep: build(python, needs_src, needs_out),
    )
    topo_again, needs_again = _median(again[0]), _median(again[1])
    rows.append(
        ctx.row(
            "vs sphinx-needs: rebuild, no change (CPU)",
            size,
            topo_again.cpu_s,
            "sphinx-needs, no change",
            needs_again.cpu_s,
            target_ratio=1.0,
            note=_note(topo_again, needs_again),
        )
    )

    vms = load_topology(topology).model.of_kind("vm")
    vm = vms[len(vms) // 2].id
    edits: list[tuple[Built, Built]] = []
    for rep in range(reps):
        _set_memory(topology, vm, f"{9 + rep}GiB")
        refresh()
        edits.append((build(here, topo_src, topo_out), build(python, needs_src, needs_out)))
    topo_edit, needs_edit = _median([t for t, _ in edits]), _median([n for _, n in edits])
    rows.append(
        ctx.row(
            "vs sphinx-needs: rebuild, one VM edited (CPU)",
            size,
            topo_edit.cpu_s,
            "sphinx-needs, same edit",
            needs_edit.cpu_s,
            target_ratio=1.5,
            note=_note(topo_edit, needs_edit, f"memory of {vm}"),
        )
    )

    added: list[tuple[Built, Built]] = []
    for rep in range(reps):
        new = _add_vm(topology, load_topology(topology).model, rep)
        refresh()
        added.append((build(here, topo_src, topo_out), build(python, needs_src, needs_out)))
    topo_add, needs_add = _median([t for t, _ in added]), _median([n for _, n in added])
    rows.append(
        ctx.row(
            "vs sphinx-needs: rebuild, one VM added (CPU)",
            size,
            topo_add.cpu_s,
            "sphinx-needs, same addition",
            needs_add.cpu_s,
            target_ratio=1.5,
            note=_note(topo_add, needs_add, f"{new} added"),
        )
    )
    return rows


FIGURES = (Figure("needs", (1_000, 5_000), needs_builds),)
