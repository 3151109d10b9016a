"""The benchmark figures, each with its floor. ``run.py`` runs them and writes the table."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    reps: int
    work: Path
    row: Callable[..., Any]
    median_s: Callable[[Callable[[], object], int], float]
    lab: Callable[[int], Path]


@dataclass(frozen=True)
class Figure:
    name: str
    sizes: tuple[int, ...]
    run: Callable[[Context, int], list]


def _yaml_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.yaml"))


def _yaml_floor(path: Path) -> list:
    """The floor for reading a topology: libyaml's safe loader on the same files."""
    return [yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader) for p in _yaml_files(path)]


def load_validate(ctx: Context, size: int) -> list:
    from topodoc.load import load_topology

    path = ctx.lab(size)
    loaded = load_topology(path)  # warm-up: imports, compiled schema
    assert loaded.ok, loaded.errors[:3]
    value = ctx.median_s(lambda: load_topology(path), ctx.reps)
    floor = ctx.median_s(lambda: _yaml_floor(path), ctx.reps)
    targets = {10_000: {"target_ratio": 2.0, "target_s": 1.0}, 50_000: {"target_s": 5.0}}
    return [ctx.row("load+validate", size, value, "yaml.load CSafeLoader", floor,
                    **targets.get(size, {}))]


def export_and_impact(ctx: Context, size: int) -> list:
    import networkx as nx

    from topodoc.export import export, export_text
    from topodoc.graph import placement_graph
    from topodoc.impact import failure_domains, impact_table
    from topodoc.load import load_topology

    path = ctx.lab(size)
    model = load_topology(path).model
    data = export(model, str(path))
    value = ctx.median_s(lambda: export_text(model, str(path)), ctx.reps)
    floor = ctx.median_s(lambda: json.dumps(data, indent=2, ensure_ascii=False), ctx.reps)
    rows = [ctx.row("export", size, value, "json.dumps of the exported data", floor,
                    target_s=1.0 if size == 10_000 else None)]
    domains = failure_domains(model)
    graph = placement_graph(model).reverse(copy=True)

    def reach() -> None:  # the floor: what lies on each failure domain, by plain graph search
        for domain in domains:
            if domain in graph:
                nx.descendants(graph, domain)

    value = ctx.median_s(lambda: impact_table(model), ctx.reps)
    floor = ctx.median_s(reach, ctx.reps)
    rows.append(ctx.row("impact analysis", size, value, "networkx.descendants per domain",
                        floor, target_s=1.0 if size == 10_000 else None,
                        note=f"{len(domains)} failure domains"))
    return rows


def drift_analyzer(ctx: Context, size: int) -> list:
    from topodoc.drift.analyzer import analyze
    from topodoc.drift.ignore import IgnoreRules
    from topodoc.drift.resources import Resource, SourceResult
    from topodoc.drift.severity import Severities

    rng = random.Random(size)
    expected, live = [], []
    for i in range(size):
        attrs = {"hypervisor": f"h{i % 500}", "state": "running", "vcpu": 4,
                 "memory": 8 * 2**30, "autostart": True}
        expected.append(Resource(f"vm:vm-{i:06d}", "vm", attrs, "libvirt:lab"))
        roll = rng.random()
        if roll < 0.004:
            continue  # missing
        seen = dict(attrs, memory=16 * 2**30) if roll < 0.008 else dict(attrs)
        live.append(Resource(f"vm:vm-{i:06d}", "vm", seen, "libvirt:lab"))
    live += [Resource(f"vm:extra-{i}", "vm", {"state": "running"}, "libvirt:lab")
             for i in range(size // 500)]  # unexpected: ~0.2 %
    sources = [SourceResult("libvirt:lab", "libvirt", "test:///", "ok", resources=live)]
    rules, severities = IgnoreRules(), Severities()
    findings = analyze(expected, sources, rules, severities)
    drifted = sum(f.state != "ok" for f in findings)

    def floor() -> None:  # join on key and compare attribute dicts
        seen = {r.key: r.attrs for r in live}
        [seen.get(r.key) == r.attrs for r in expected]  # noqa: B015

    value = ctx.median_s(lambda: analyze(expected, sources, rules, severities), ctx.reps)
    return [ctx.row("drift analyzer", size, value, "dict join + attrs ==",
                    ctx.median_s(floor, ctx.reps), target_s=0.5 if size == 10_000 else None,
                    note=f"{size:,} documented, {len(live):,} live, {drifted} drifted")]


def _peak_rss_mib(code: str) -> float:
    """Peak RSS of ``code`` in a fresh interpreter, from VmHWM (``ru_maxrss`` would include
    the parent's pages the child had between fork and exec)."""
    script = (code + "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]"
              "\nprint(int(hwm[0].split()[1]) / 1024)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def memory(ctx: Context, size: int) -> list:
    path = ctx.lab(size)
    value = _peak_rss_mib(
        "from topodoc.load import load_topology\nfrom topodoc.export import export_text\n"
        f"m = load_topology({str(path)!r}).model\nexport_text(m, {str(path)!r})")
    floor = _peak_rss_mib(
        "import yaml, pathlib\n"
        f"d = [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in "
        f"sorted(pathlib.Path({str(path)!r}).rglob('*.yaml'))]")
    row = ctx.row("peak RSS validate+export (MiB)", size, value, "yaml.load peak RSS (MiB)",
                  floor, target_s=1024.0 if size == 50_000 else None,
                  note="value and floor in MiB, not seconds; target 1 GiB")
    return [row]


FIGURES = (
    Figure("load+validate", (1_000, 10_000, 50_000), load_validate),
    Figure("export, impact", (10_000,), export_and_impact),
    Figure("drift analyzer", (10_000,), drift_analyzer),
    Figure("memory", (10_000, 50_000), memory),
)
