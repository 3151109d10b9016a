"""Failure impact that follows storage (``backing``, a disk's ``pool``), external etcd lost as a
cluster, failures together, named scenarios and VMs in failure domains."""

from __future__ import annotations

import json
import re

from topodoc.analysis.impact import impact_table
from topodoc.reading.load import load_topology

#: One server; a Ceph tier in three VMs; an RBD pool on it; a libvirt pool on the RBD pool;
#: two VMs with a disk in that libvirt pool, one with a container; an LVM volume group on the
#: server's disk with a VM on it; Kubernetes with external etcd on three more VMs.
LAB = """\
    version: 1
    hosts:
      - {id: s1, disks: [{name: sda, size: 1TB}]}
    failure_domains:
      - {id: shelf, type: other}
    vms:
      - {id: ceph-1, runs_on: s1, platform: libvirt, failure_domains: [shelf]}
      - {id: ceph-2, runs_on: s1, platform: libvirt, failure_domains: [shelf]}
      - {id: ceph-3, runs_on: s1, platform: libvirt}
      - id: app-1
        runs_on: s1
        platform: libvirt
        disks: [{name: vda, size: 20GiB}, {name: vdb, size: 100GiB, pool: rbd-libvirt}]
      - {id: app-2, runs_on: s1, platform: libvirt, disks: [{size: 20GiB, pool: rbd-libvirt}]}
      - {id: db, runs_on: s1, platform: libvirt, disks: [{size: 20GiB, pool: vg-lvs}]}
      - {id: cp-1, runs_on: s1, platform: libvirt}
      - {id: cp-2, runs_on: s1, platform: libvirt}
      - {id: cp-3, runs_on: s1, platform: libvirt}
      - {id: etcd-1, runs_on: s1, platform: libvirt}
      - {id: etcd-2, runs_on: s1, platform: libvirt}
      - {id: etcd-3, runs_on: s1, platform: libvirt}
    containers:
      - {id: web, runs_on: app-1}
    clusters:
      - id: ceph
        type: ceph
        members:
          - {machine: ceph-1, roles: [mon, osd]}
          - {machine: ceph-2, roles: [mon, osd]}
          - {machine: ceph-3, roles: [mon, osd]}
        silence: [{rule: quorum-failure-domain, reason: one server}]
      - id: k8s
        type: kubernetes
        etcd: {mode: external, cluster: etcd}
        members:
          - {machine: cp-1, roles: [control-plane]}
          - {machine: cp-2, roles: [control-plane]}
          - {machine: cp-3, roles: [control-plane]}
        silence: [{rule: external-etcd-shared-host, reason: one server}]
      - id: etcd
        type: etcd
        members:
          - {machine: etcd-1, roles: [member]}
          - {machine: etcd-2, roles: [member]}
          - {machine: etcd-3, roles: [member]}
        silence: [{rule: quorum-failure-domain, reason: one server}]
    storage:
      - {id: rbd, type: ceph-pool, provided_by: ceph}
      - {id: rbd-libvirt, type: libvirt-pool, provided_by: s1, backing: [rbd]}
      - {id: vg, type: lvm, provided_by: s1}
      - {id: vg-lvs, type: libvirt-pool, provided_by: s1, backing: [vg]}
    scenarios:
      - id: two-data-vms
        name: two of three data VMs
        fail: [ceph-1, ceph-2]
    """


def model(topo):
    loaded = load_topology(topo({"lab.yaml": LAB}))
    assert loaded.ok and not loaded.problems, loaded.problems
    return loaded.model


def test_losing_the_ceph_cluster_takes_down_the_pool_on_it_and_the_vms_in_it(topo):
    [row] = impact_table(model(topo), ["ceph"])
    assert row.down == ("app-1", "app-2", "rbd", "rbd-libvirt", "web")


def test_losing_a_volume_group_takes_down_what_is_built_on_it(topo):
    [row] = impact_table(model(topo), ["vg"])
    assert row.down == ("db", "vg-lvs")


def test_an_external_etcd_cluster_counts_as_the_control_plane_it_serves(topo):
    [row] = impact_table(model(topo), ["etcd"])
    k8s = next(c for c in row.clusters if c.cluster == "k8s")
    assert (k8s.control_down, k8s.control, k8s.quorum_lost, k8s.down) == (3, 6, True, True)


def test_failures_together_and_scenarios(topo):
    lab = model(topo)
    alone = impact_table(lab, ["ceph-1"])[0]
    assert "ceph" not in alone.down  # one monitor of three: quorum kept
    together, scenario = impact_table(
        lab, together=[["ceph-1", "ceph-2"]], scenarios=["two-data-vms"]
    )
    assert (together.failed, together.kind) == ("ceph-1 + ceph-2", "together")
    assert (scenario.failed, scenario.kind) == ("two-data-vms", "scenario")
    assert together.down == scenario.down == ("app-1", "app-2", "ceph", "rbd", "rbd-libvirt", "web")
    assert scenario.objects == ("ceph-1", "ceph-2")


def test_a_vm_failure_domain_takes_down_its_vms(topo):
    [row] = impact_table(model(topo), ["shelf"])
    assert row.down == ("app-1", "app-2", "ceph", "ceph-1", "ceph-2", "rbd", "rbd-libvirt", "web")


def test_the_default_table_ends_with_the_scenarios(topo):
    assert [r.failed for r in impact_table(model(topo))] == ["s1", "shelf", "two-data-vms"]


def test_the_command_line(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run(
        "impact",
        path,
        "--together",
        "ceph-1",
        "ceph-2",
        "--scenario",
        "two-data-vms",
        "--object",
        "etcd",
    )
    rows = [re.split(r"\s{2,}", line) for line in r.out.splitlines()[1:]]
    assert rows == [
        ["etcd", "cluster", "1 cluster", "etcd, k8s", "k8s 3/6 (=1/2)"],
        [
            "ceph-1 + ceph-2",
            "together",
            "2 VMs, 1 container, 1 cluster, 2 storage objects",
            "ceph",
            "ceph 2/3",
        ],
        [
            "two-data-vms",
            "scenario",
            "2 VMs, 1 container, 1 cluster, 2 storage objects",
            "ceph",
            "ceph 2/3",
        ],
    ]
    data = json.loads(run("impact", path, "--scenario", "two-data-vms", "--format", "json").out)
    assert data["format_version"] == "1.1"
    assert data["impacts"][0]["objects"] == ["ceph-1", "ceph-2"]


def test_unknown_ids_are_usage_errors(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run("impact", path, "--together", "ceph-1", "ceph-9")
    assert r.code == 2
    assert r.err == "topodoc impact: error: --together: no object 'ceph-9' in topo\n"
    r = run("impact", path, "--scenario", "three")
    assert r.err == "topodoc impact: error: --scenario: no scenario 'three' in topo\n"


def test_a_scenario_naming_an_unknown_object_is_an_error(topo, run):
    path = topo({"lab.yaml": LAB.replace("fail: [ceph-1, ceph-2]", "fail: [ceph-1, ceph-4]")})
    r = run("validate", path)
    assert r.code == 1
    assert r.problem("unknown-ref")["message"] == (
        "scenario two-data-vms: fail names 'ceph-4', which is not defined; did you mean 'ceph-3'?"
    )


def test_a_vm_failure_domain_that_does_not_exist(topo, run):
    r = run(
        "validate",
        topo(
            {"lab.yaml": LAB.replace("failure_domains: [shelf]}", "failure_domains: [shelve]}", 1)}
        ),
    )
    assert r.code == 1
    assert r.problem("unknown-ref")["message"] == (
        "ceph-1: in_domain names 'shelve', which is not defined; did you mean 'shelf'?"
    )


def test_a_quorum_sharing_a_vm_failure_domain_is_warned(topo, run):
    r = run(
        "validate",
        topo(
            {
                "lab.yaml": LAB.replace(
                    "        silence: [{rule: quorum-failure-domain, reason: one server}]\n"
                    "      - id: k8s",
                    "      - id: k8s",
                    1,
                )
            }
        ),
    )
    assert [p["message"] for p in r.problems if p["rule"] == "quorum-failure-domain"] == [
        "ceph: 2 of 3 quorum members (mon) share failure domain 'shelf': losing it loses quorum",
        "ceph: 3 of 3 quorum members (mon) share host 's1': losing it loses quorum",
    ]  # problems at one place are sorted by their message
