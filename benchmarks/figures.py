"""The benchmark figures, each with its floor. ``run.py`` runs them and writes the table.

This module holds the core's figures (loading, export, impact, drift, memory, collectors);
``figures_dot.py`` the DOT generation figure, ``figures_sphinx.py`` the Sphinx build figure,
``figures_drift.py`` the drift checker against an endless answer.
:data:`FIGURES` lists them all, in the order they run.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import figures_dot
import figures_drift
import figures_needs
import figures_readability
import figures_sphinx
import yaml
from harness import ROOT, Context, Figure

__all__ = ["FIGURES", "Context", "Figure"]


def _yaml_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.yaml"))


def _yaml_floor(path: Path) -> list:
    """The floor for reading a topology: libyaml's safe loader on the same files."""
    return [yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader) for p in _yaml_files(path)]


#: Repetitions of load+validate at least: its limits in seconds are close to what it takes
#: here, and on a shared machine one slow minute moves the median of three.
LOAD_REPS = 5


def load_validate(ctx: Context, size: int) -> list:
    from topodoc.cli.common import load  # as a command loads: collector paused, model frozen

    path = ctx.lab(size)
    loaded = load(str(path))  # warm-up: imports, compiled schema
    assert loaded.ok, loaded.errors[:3]
    reps = max(ctx.reps, LOAD_REPS)
    value, floor = ctx.medians_s(lambda: load(str(path)), lambda: _yaml_floor(path), reps)
    targets = {10_000: {"target_ratio": 2.0, "target_s": 1.0}, 50_000: {"target_s": 5.0}}
    return [
        ctx.row(
            "load+validate", size, value, "yaml.load CSafeLoader", floor, **targets.get(size, {})
        )
    ]


def export_and_impact(ctx: Context, size: int) -> list:
    import networkx as nx

    from topodoc.analysis.impact import failure_domains, impact_table
    from topodoc.model.export import export, export_text
    from topodoc.reading.load import load_topology

    path = ctx.lab(size)
    model = load_topology(path).model
    data = export(model, str(path))
    value, floor = ctx.medians_s(
        lambda: export_text(model, str(path)),
        lambda: json.dumps(data, indent=2, ensure_ascii=False),
        ctx.reps,
    )
    rows = [
        ctx.row(
            "export",
            size,
            value,
            "json.dumps of the exported data",
            floor,
            target_s=1.0 if size == 10_000 else None,
        )
    ]
    domains = failure_domains(model)
    graph = nx.DiGraph(
        (obj.runs_on, obj.id)
        for obj in model  # machine -> guest
        if isinstance(getattr(obj, "runs_on", None), str)
    )

    def reach() -> None:  # the floor: what lies on each failure domain, by plain graph search
        for domain in domains:
            if domain in graph:
                nx.descendants(graph, domain)

    value, floor = ctx.medians_s(lambda: impact_table(model), reach, ctx.reps)
    rows.append(
        ctx.row(
            "impact analysis",
            size,
            value,
            "networkx.descendants per domain",
            floor,
            target_s=1.0 if size == 10_000 else None,
            note=f"{len(domains)} failure domains",
        )
    )
    return rows


def drift_analyzer(ctx: Context, size: int) -> list:
    from topodoc.drift.analyzer import analyze
    from topodoc.drift.ignore import IgnoreRules
    from topodoc.drift.resources import Resource, SourceResult
    from topodoc.drift.severity import Severities

    rng = random.Random(size)
    expected, live = [], []
    for i in range(size):
        attrs = {
            "hypervisor": f"h{i % 500}",
            "state": "running",
            "vcpu": 4,
            "memory": 8 * 2**30,
            "autostart": True,
        }
        expected.append(Resource(f"vm:vm-{i:06d}", "vm", attrs, "libvirt:lab"))
        roll = rng.random()
        if roll < 0.004:
            continue  # missing
        seen = dict(attrs, memory=16 * 2**30) if roll < 0.008 else dict(attrs)
        live.append(Resource(f"vm:vm-{i:06d}", "vm", seen, "libvirt:lab"))
    live += [
        Resource(f"vm:extra-{i}", "vm", {"state": "running"}, "libvirt:lab")
        for i in range(size // 500)
    ]  # unexpected: ~0.2 %
    sources = [SourceResult("libvirt:lab", "libvirt", "test:///", "ok", resources=live)]
    rules, severities = IgnoreRules(), Severities()
    findings = analyze(expected, sources, rules, severities).findings
    drifted = sum(f.state != "ok" for f in findings)

    def floor() -> None:  # join on key and compare attribute dicts
        seen = {r.key: r.attrs for r in live}
        [seen.get(r.key) == r.attrs for r in expected]  # noqa: B015

    value, floor_s = ctx.medians_s(
        lambda: analyze(expected, sources, rules, severities), floor, ctx.reps
    )
    return [
        ctx.row(
            "drift analyzer",
            size,
            value,
            "dict join + attrs ==",
            floor_s,
            target_s=0.5 if size == 10_000 else None,
            note=f"{size:,} documented, {len(live):,} live, {drifted} drifted",
        )
    ]


def _peak_rss_mib(code: str) -> float:
    """Peak RSS of ``code`` in a fresh interpreter, from VmHWM (``ru_maxrss`` would include
    the parent's pages the child had between fork and exec)."""
    script = (
        code + "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]"
        "\nprint(int(hwm[0].split()[1]) / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def memory(ctx: Context, size: int) -> list:
    path = ctx.lab(size)
    value = _peak_rss_mib(
        "from topodoc.reading.load import load_topology\n"
        "from topodoc.model.export import export_text\n"
        f"m = load_topology({str(path)!r}).model\nexport_text(m, {str(path)!r})"
    )
    floor = _peak_rss_mib(
        "import yaml, pathlib\n"
        f"d = [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in "
        f"sorted(pathlib.Path({str(path)!r}).rglob('*.yaml'))]"
    )
    row = ctx.row(
        "peak RSS validate+export (MiB)",
        size,
        value,
        "yaml.load peak RSS (MiB)",
        floor,
        target_s=1024.0 if size == 50_000 else None,
        note="value and floor in MiB, not seconds; target 1 GiB",
    )
    return [row]


def _replay(base: str, requests: list, headers: dict[str, str]) -> None:
    """The floor for an API collector: the same GETs, raw, each body parsed as JSON."""
    import urllib.request

    for recorded in requests:
        if recorded.method == "GET":
            with urllib.request.urlopen(
                urllib.request.Request(base + recorded.path, headers=headers), timeout=30
            ) as response:
                json.loads(response.read())


def _api_row(ctx: Context, name: str, size: int, spec: Any, api: Any, auth: dict) -> Any:
    from topodoc.drift.collect import collect_all

    def collect() -> None:
        result = collect_all([spec])[0]
        assert result.status == "ok", result.error

    collect()  # warm-up: imports, discovery caches
    api.requests.clear()
    collect()  # what one collection asks for: the floor asks for the same pages
    per_run = [r for r in api.requests if r.method == "GET"]
    value, floor = ctx.medians_s(collect, lambda: _replay(api.url, per_run, auth), ctx.reps)
    return ctx.row(
        name, size, value, f"raw GET of the same {len(per_run)} pages", floor, target_ratio=3.0
    )


def collectors(ctx: Context, size: int) -> list:
    sys.path.insert(0, str(ROOT))
    from tests.drift_collectors.collector_lab import write_clouds_yaml, write_kubeconfig
    from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData
    from tests.servers.openstack_api import OpenStackAPI, OpenStackData
    from topodoc.drift.resources import SourceSpec

    rows = []
    tmp = ctx.work / "collectors"
    tmp.mkdir(exist_ok=True)
    with OpenStackAPI(OpenStackData.generate(servers=2000, hypervisors=20), password="pw") as api:
        clouds = write_clouds_yaml(tmp, f"{api.url}/identity/v3", "pw")
        spec = SourceSpec("openstack:big", "openstack", "big", "zc", {"clouds_yaml": str(clouds)})
        token = _keystone_token(api.url, "pw")
        rows.append(
            _api_row(
                ctx, "collect OpenStack (2,000 servers)", 2000, spec, api, {"X-Auth-Token": token}
            )
        )
    with KubernetesAPI(KubernetesData.generate(nodes=1000, masters=3), token="t") as api:
        kubeconfig = write_kubeconfig(tmp, api.url, "t")
        spec = SourceSpec(
            "kubernetes:big", "kubernetes", "big", "z-k8s-admin", {"kubeconfig": str(kubeconfig)}
        )
        rows.append(
            _api_row(
                ctx,
                "collect Kubernetes (1,000 nodes)",
                1000,
                spec,
                api,
                {"Authorization": "Bearer t"},
            )
        )
    rows.append(_libvirt_row(ctx, tmp))
    return rows


def _keystone_token(url: str, password: str) -> str:
    import urllib.request

    body = json.dumps(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": "admin",
                            "password": password,
                            "domain": {"name": "Default"},
                        }
                    },
                },
                "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}},
            }
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/identity/v3/auth/tokens", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["X-Subject-Token"]


def _libvirt_row(ctx: Context, tmp: Path) -> Any:
    import libvirt

    from topodoc.drift.collect import collect_all
    from topodoc.drift.resources import SourceSpec

    ns = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
    specs = []
    for h in range(50):
        domains = "".join(
            f"<domain type='test' {ns}><name>h{h}-vm{d}</name><memory unit='GiB'>4</memory>"
            "<vcpu>2</vcpu><os><type arch='x86_64'>hvm</type></os><cpu mode='host-passthrough'/>"
            "<devices><disk type='file' device='disk'><source file='/dev/null'/>"
            "<target dev='vda'/></disk><interface type='bridge'><source bridge='br0'/>"
            "</interface></devices></domain>"
            for d in range(40)
        )
        node = tmp / f"hv{h}.xml"
        node.write_text(
            f"<node><cpu><active>32</active></cpu><memory>268435456</memory>{domains}</node>"
        )
        specs.append(SourceSpec(f"libvirt:hv{h}", "libvirt", f"hv{h}", f"test://{node}"))
    libvirt.registerErrorHandler(lambda _c, _e: None, None)

    def floor() -> None:  # the same reads, one hypervisor after another, no normalising
        for spec in specs:
            conn = libvirt.openReadOnly(spec.uri)
            for dom in conn.listAllDomains():
                dom.info()
                dom.XMLDesc(0)
            conn.close()

    def collect() -> None:
        results = collect_all(specs, max_workers=8)
        assert all(r.status == "ok" for r in results)

    value, floor_s = ctx.medians_s(collect, floor, ctx.reps)
    return ctx.row(
        "collect libvirt (50 x 40 domains, parallel)",
        2000,
        value,
        "serial raw open+list+XMLDesc",
        floor_s,
        target_s=2.0,
    )


FIGURES = (
    Figure("load+validate", (1_000, 10_000, 50_000), load_validate),
    Figure("export, impact", (10_000,), export_and_impact),
    Figure("drift analyzer", (10_000,), drift_analyzer),
    Figure("memory", (10_000, 50_000), memory),
    Figure("collectors", (10_000,), collectors),
    *figures_drift.FIGURES,
    *figures_dot.FIGURES,
    *figures_sphinx.FIGURES,
    *figures_needs.FIGURES,
    *figures_readability.FIGURES,
)
