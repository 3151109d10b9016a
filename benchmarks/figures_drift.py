"""The drift checker against hostile sources: a run against a source whose answer never ends.

One row: ``topodoc drift`` (the real command, in a fresh interpreter) run three times, once
per HTTP source kind (etcd, Kubernetes, OpenStack), each time against a loopback server whose
answer body never ends. The value is the highest peak RSS of the three runs, the floor the
highest peak RSS of the same three runs against servers answering well. It passes when each
endless run stays within its well-answered run's peak plus twice the size limit of one
answer (:data:`~topodoc.drift.collectors.responses.MAX_BODY_BYTES`) and ends within
``--timeout`` + 1 s with its source failed for the answer's size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import ROOT, Context, Figure

TIMEOUT_S = 5.0
MiB = 2**20

TOPOLOGY = """\
version: 1
hosts:
  - {{id: h1}}
  - {{id: h2}}
clusters:
  - id: cloud
    type: openstack
    members: [{{machine: h1, roles: [compute]}}]
  - id: k8s
    type: kubernetes
    etcd: {{mode: external, cluster: etcd}}
    members: [{{machine: h1, roles: [control-plane]}}]
  - id: etcd
    type: etcd
    members: [{{machine: h2, roles: [member]}}]
live:
  openstack:
    - {{cluster: cloud, cloud: zc, clouds_yaml: "{clouds}"}}
  kubernetes:
    - {{cluster: k8s, context: z-k8s-admin, kubeconfig: "{kubeconfig}"}}
  etcd:
    - {{cluster: etcd, endpoints: ["{etcd}"]}}
"""

#: Peak RSS (VmHWM), wall time and exit code of one ``topodoc drift`` in a fresh process.
RUN = """\
import json, sys, time
from topodoc.cli.main import main
started = time.monotonic()
code = main(sys.argv[1:])
wall = time.monotonic() - started
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print(json.dumps({"code": code, "wall_s": wall, "peak_mib": int(hwm) / 1024}))
"""


def _drift(topology: Path, kind: str, report: Path) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN,
            "drift",
            str(topology),
            "--only",
            kind,
            "--timeout",
            str(TIMEOUT_S),
            "-o",
            f"json={report}",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    run = json.loads(done.stdout.strip().splitlines()[-1])
    source = json.loads(report.read_text())["sources"][0]
    return {**run, "status": source["status"], "error": source["error"] or ""}


def endless_body(ctx: Context, size: int) -> list:
    sys.path.insert(0, str(ROOT))
    from tests.drift_collectors.collector_lab import write_clouds_yaml, write_kubeconfig
    from tests.servers import StaticAPI
    from tests.servers.kubernetes_api import KubernetesAPI
    from tests.servers.openstack_api import OpenStackAPI
    from topodoc.drift.collectors.responses import MAX_BODY_BYTES

    tmp = ctx.work / "endless"
    tmp.mkdir(exist_ok=True)
    paths = {
        "openstack": "/compute/v2.1/servers/detail",
        "kubernetes": "/api/v1/nodes",
        "etcd": "/v3/cluster/member/list",
    }
    healthy, endless = {}, {}
    with (
        OpenStackAPI(password="pw") as nova,
        KubernetesAPI(token="tok-bench") as kube,
        StaticAPI() as etcd,
    ):
        topology = tmp / "topology.yaml"
        topology.write_text(
            TOPOLOGY.format(
                clouds=write_clouds_yaml(tmp, f"{nova.url}/identity/v3", "pw"),
                kubeconfig=write_kubeconfig(tmp, kube.url, "tok-bench"),
                etcd=etcd.url,
            )
        )
        etcd.reply.body = {"members": []}
        servers = {"openstack": nova, "kubernetes": kube, "etcd": etcd}
        for kind, server in servers.items():
            healthy[kind] = _drift(topology, kind, tmp / f"{kind}-ok.json")
            server.endless(paths[kind])
            endless[kind] = _drift(topology, kind, tmp / f"{kind}-endless.json")
    value = max(r["peak_mib"] for r in endless.values())
    floor = max(r["peak_mib"] for r in healthy.values())
    bound = floor + 2 * MAX_BODY_BYTES / MiB
    ended = all(
        r["status"] == "error"
        and "larger than" in r["error"]
        and r["wall_s"] <= TIMEOUT_S + 1
        and r["peak_mib"] <= healthy[kind]["peak_mib"] + 2 * MAX_BODY_BYTES / MiB
        for kind, r in endless.items()
    )
    note = (
        f"limit {MAX_BODY_BYTES // MiB} MiB per answer, --timeout {TIMEOUT_S:g}; endless: "
        + ", ".join(
            f"{k} {r['peak_mib']:.0f} MiB {r['wall_s']:.1f} s ({r['status']})"
            for k, r in endless.items()
        )
        + "; well answered: "
        + ", ".join(f"{k} {r['peak_mib']:.0f} MiB" for k, r in healthy.items())
    )
    return [
        ctx.row(
            "drift vs endless body: peak RSS (MiB)",
            size,
            value,
            "same runs, answered well: peak RSS (MiB)",
            floor,
            target_s=round(bound, 1),
            extra_ok=ended,
            note=note,
        )
    ]


FIGURES = (Figure("drift endless body", (10_000,), endless_body),)
