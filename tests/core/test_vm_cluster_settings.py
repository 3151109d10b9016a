"""VM settings (pinning, NUMA, firmware, machine type, CPU mode), cluster versions (runtime,
history) and Ceph facts (fsid, networks, OSD devices, min_size)."""

from __future__ import annotations

import json

from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

LAB = """\
    version: 1
    hosts:
      - {id: h1, cpu: 8}
    networks:
      - {id: public, type: subnet}
      - {id: replication, type: subnet}
    vms:
      - id: v1
        runs_on: h1
        platform: libvirt
        vcpu: 2
        vcpupin: [{vcpu: 0, cpuset: "2"}, {vcpu: 1, cpuset: "3-4,^4"}]
        numa_node: 0
        cpu_mode: host-passthrough
        firmware: uefi
        machine_type: pc-q35-6.2
    clusters:
      - id: k
        type: kubernetes
        version: "1.26.3"
        container_runtime: {name: containerd, version: "1.6.20"}
        history:
          - {version: "1.24.2", date: "2022-07-01"}
          - {version: "1.26.3", date: "2023-04"}
        members: [{machine: v1, roles: [control-plane]}]
      - id: c
        type: ceph
        ceph: {fsid: 0a4d2372-3a6f-4e28-9c1d-5e6f7a8b9c0d, public_network: public,
               cluster_network: replication}
        members:
          - {machine: v1, roles: [mon, osd], osds: [{id: 0, device: /dev/nvme0n1}]}
    storage:
      - {id: rbd, type: ceph-pool, provided_by: c, replicas: 3, min_replicas: 2}
    """


def test_the_settings_reach_tables_and_export(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run("validate", path)
    assert r.problems == [], r.out
    model = load_topology(path).model
    vms = build_table(
        model, "vms", ["vcpupin", "numa_node", "cpu_mode", "firmware", "machine_type"]
    )
    assert vms.rows[0].values == ("0->2, 1->3-4,^4", "0", "host-passthrough", "uefi", "pc-q35-6.2")
    clusters = build_table(model, "clusters", ["id", "runtime", "history"], "id=k")
    assert clusters.rows[0].values == (
        "k",
        "containerd 1.6.20",
        "1.24.2 (2022-07-01), 1.26.3 (2023-04)",
    )
    data = {o["id"]: o for o in json.loads(run("export", path).out)["objects"]}
    assert data["c"]["ceph"] == {
        "fsid": "0a4d2372-3a6f-4e28-9c1d-5e6f7a8b9c0d",
        "public_network": "public",
        "cluster_network": "replication",
    }
    assert data["c"]["members"][0]["osds"] == [{"id": 0, "device": "/dev/nvme0n1"}]
    assert data["k"]["history"][1] == {"version": "1.26.3", "date": "2023-04"}
    assert data["rbd"]["min_replicas"] == 2


def test_settings_mistakes(topo, run):
    lab = (
        LAB.replace('{vcpu: 1, cpuset: "3-4,^4"}', '{vcpu: 2, cpuset: "9"}')
        .replace("roles: [mon, osd], osds", "roles: [mon], osds")
        .replace("min_replicas: 2", "min_replicas: 4")
        .replace("cluster_network: replication", "cluster_network: replicaton")
    )
    r = run("validate", topo({"lab.yaml": lab}))
    assert r.code == 1
    assert [(p["rule"], p["message"]) for p in r.problems] == [
        ("vcpu-pinning", "v1: pins vCPU 2, but it has 2 (0-1)"),
        ("vcpu-pinning", "v1: vCPU 2 is pinned to CPU 9, but h1 has 8 (0-7)"),
        (
            "unknown-ref",
            "c: ceph_network names 'replicaton', which is not defined; did you mean 'replication'?",
        ),
        ("ceph", "c: v1 lists OSDs but has no osd role"),
        ("ceph", "rbd: min_replicas 4 is more than its replicas (3): no I/O would ever be served"),
    ]


def test_a_history_date_must_be_a_date(topo, run):
    r = run("validate", topo({"lab.yaml": LAB.replace('date: "2023-04"', "date: last spring")}))
    assert r.code == 1
    assert "clusters[0].history[1].date: 'last spring' does not match the expected form" in r.out
