"""Failure impact: the seed page's 1/3 and 1/6 claims, its hybrid design, and the seed lab."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from tests.support.paths import LAB
from topodoc.analysis.impact import impact_table
from topodoc.reading.load import load_topology


def servers(n: int) -> str:
    return "version: 1\nhosts:\n" + "".join(f"  - id: s{i}\n" for i in range(1, n + 1))


def members(*pairs: tuple[str, str]) -> str:
    return "".join(f"      - {{machine: {m}, roles: [{r}]}}\n" for m, r in pairs)


STACKED = (
    servers(3)
    + """\
clusters:
  - id: k
    type: kubernetes
    etcd: {mode: stacked}
    members:
"""
    + members(
        ("s1", "control-plane, etcd"), ("s2", "control-plane, etcd"), ("s3", "control-plane, etcd")
    )
)

SEPARATE = (
    servers(6)
    + """\
clusters:
  - id: k
    type: kubernetes
    etcd: {mode: external, cluster: e}
    members:
"""
    + members(("s1", "control-plane"), ("s2", "control-plane"), ("s3", "control-plane"))
    + """\
  - id: e
    type: etcd
    members:
"""
    + members(("s4", "member"), ("s5", "member"), ("s6", "member"))
)

#: The page's own design: one control-plane KVM VM per physical server, etcd on the physical
#: hosts, workers on the physical servers.
HYBRID = (
    servers(3)
    + """\
vms:
  - {id: cp1, runs_on: s1, platform: libvirt}
  - {id: cp2, runs_on: s2, platform: libvirt}
  - {id: cp3, runs_on: s3, platform: libvirt}
clusters:
  - id: k
    type: kubernetes
    etcd: {mode: external, cluster: e}
    members:
"""
    + members(
        ("cp1", "control-plane"),
        ("cp2", "control-plane"),
        ("cp3", "control-plane"),
        ("s1", "worker"),
        ("s2", "worker"),
        ("s3", "worker"),
    )
    + """\
    silence: [{rule: external-etcd-shared-host, reason: the page's hybrid design}]
  - id: e
    type: etcd
    members:
"""
    + members(("s1", "member"), ("s2", "member"), ("s3", "member"))
)


def k8s_impact(topo, text: str, failed: str):
    loaded = load_topology(topo({"a.yaml": text}))
    assert loaded.ok, loaded.problems
    [row] = impact_table(loaded.model, [failed])
    return next(c for c in row.clusters if c.cluster == "k"), row


@pytest.mark.parametrize("failed", ["s1", "s2", "s3"])
def test_stacked_on_three_servers_one_failure_hits_a_third(topo, failed):
    k, row = k8s_impact(topo, STACKED, failed)
    assert (k.control_down, k.control) == (2, 6)  # one control-plane node and one etcd member
    assert k.control_fraction == Fraction(1, 3)
    assert not k.quorum_lost and not k.down


@pytest.mark.parametrize("failed", ["s1", "s2", "s3", "s4", "s5", "s6"])
def test_separate_servers_one_failure_hits_a_sixth(topo, failed):
    k, row = k8s_impact(topo, SEPARATE, failed)
    assert (k.control_down, k.control) == (1, 6)
    assert k.control_fraction == Fraction(1, 6)
    assert not k.quorum_lost and not k.down


@pytest.mark.parametrize("failed", ["s1", "s2", "s3"])
def test_the_pages_hybrid_design_still_hits_a_third_per_physical_server(topo, failed):
    """Separating etcd onto physical hosts and the control plane into VMs on the same three
    servers does not reach 1/6: each server holds one control-plane VM and one etcd member."""
    k, row = k8s_impact(topo, HYBRID, failed)
    assert (k.control_down, k.control) == (2, 6)
    assert k.control_fraction == Fraction(1, 3)
    assert row.down == (f"cp{failed[1]}",)
    assert not k.quorum_lost


def test_the_hybrid_design_at_vm_level_is_a_sixth(topo):
    """Only the failure of one control-plane VM (not its server) gives the page's 1/6."""
    k, _ = k8s_impact(topo, HYBRID, "cp1")
    assert k.control_fraction == Fraction(1, 6)


def test_two_servers_lose_the_quorum(topo):
    text = STACKED + "    silence: [{rule: quorum-failure-domain, reason: test}]\n"
    text += "failure_domains: [{id: rack, type: rack}]\n"
    text = text.replace(
        "  - id: s1\n  - id: s2\n",
        "  - {id: s1, failure_domains: [rack]}\n  - {id: s2, failure_domains: [rack]}\n",
    )
    k, row = k8s_impact(topo, text, "rack")
    assert row.down == ("k", "s1", "s2")
    assert (k.control_down, k.control, k.quorum_lost, k.down) == (4, 6, True, True)


def test_impact_command_on_the_hybrid_design(topo, run):
    path = topo({"a.yaml": HYBRID})
    r = run("impact", path)
    assert r.code == 0
    assert r.out.splitlines() == [
        "FAILURE OF  KIND  DOWN WITH IT  QUORUM LOST  CONTROL PLANE LOST",
        "s1          host  1 VM          -            e 1/3; k 2/6 (=1/3)",
        "s2          host  1 VM          -            e 1/3; k 2/6 (=1/3)",
        "s3          host  1 VM          -            e 1/3; k 2/6 (=1/3)",
    ]
    r = run("impact", path, "--object", "cp2", "--object", "e", "--format", "json")
    data = json.loads(r.out)
    assert data["format_version"] == "1.1"
    assert [(i["failure"], i["kind"], i["down"]) for i in data["impacts"]] == [
        ("cp2", "vm", []),
        ("e", "cluster", ["k"]),
    ]
    assert data["impacts"][0]["clusters"] == [
        {
            "cluster": "k",
            "type": "kubernetes",
            "members_down": 1,
            "members": 6,
            "control_plane_down": 1,
            "control_plane": 6,
            "control_plane_fraction": "1/6",
            "quorum_lost": False,
            "down": False,
        }
    ]
    # the etcd cluster failing takes the Kubernetes cluster down with it
    assert [
        (c["cluster"], c["quorum_lost"], c["down"]) for c in data["impacts"][1]["clusters"]
    ] == [("e", True, True), ("k", True, True)]


def test_failure_spreads_through_services_storage_and_dependencies(topo):
    hosts = servers(2).replace("- id: s1", "- {id: s1, nested_virt: true}")
    loaded = load_topology(
        topo(
            {
                "a.yaml": hosts
                + """\
        vms:
          - {id: v1, runs_on: s1, platform: libvirt, nested_virt: true}
          - {id: v2, runs_on: v1, platform: openstack}
        containers:
          - {id: c1, runs_on: v2}
        services:
          - {id: one, runs_on: [c1]}
          - {id: both, runs_on: [s1, s2]}
          - {id: user, runs_on: [s2], depends_on: [one]}
        storage:
          - {id: pool, type: directory, provided_by: v1}
        """.replace("        ", "")
            }
        )
    )
    assert loaded.ok, loaded.problems
    [s1, s2] = impact_table(loaded.model)
    assert s1.down == ("c1", "one", "pool", "user", "v1", "v2")
    assert s2.down == ("user",)  # "both" survives on s1


def test_impact_refuses_an_invalid_topology(topo, run):
    r = run("impact", topo({"a.yaml": "version: 1\nvms: [{id: v, runs_on: x, platform: kvm}]\n"}))
    assert r.code == 1
    assert r.out == ""
    assert "topo/a.yaml:2:37: error: vms[0].platform: 'kvm' is not one of" in r.err
    assert "the topology has 1 error; fix them first" in r.err


def test_impact_unknown_object_is_a_usage_error(run):
    r = run("impact", LAB, "--object", "zcloud-4")
    assert r.code == 2
    assert r.err == f"topodoc impact: error: --object: no object 'zcloud-4' in {LAB}\n"


# --- the seed lab, counted by hand from topology/ ------------------------------------------------
#
# zcloud (the DL360) carries 11 first-level VMs: z-k8s-m-1 (kubernetes.yaml), ovirt-engine,
# os-ctl-1..3, os-compute-1..3 and kvm-k8s-1..3 (zcloud-virtualization.yaml); on the three
# compute VMs run 6 second-level VMs: os-k8s-m-1..3, os-k8s-n-1..2 and os-elastic-1
# (openstack.yaml). 17 VMs, and the Docker container dev. Services only on zcloud: kvm-nested,
# cockpit, stratis; terraform runs on dev: 4 (kvm and libvirt run on all three servers).
# Storage provided by zcloud: zcloud-stratis, zcloud-images. Clusters whose quorum is only on
# zcloud: zcloud-openstack (3 controllers), os-k8s (3 etcd), kvm-k8s (3 etcd), zcloud-ovirt
# (its engine).
# zcloud-2 and zcloud-3 each carry one VM, the z-k8s control-plane VM z-k8s-m-2 / -3.
# Control planes: z-k8s = 3 control-plane VMs + 3 external etcd members, one of each per
# server: 2/6 per server. z-ceph = mon+mgr, mon+mgr, mon: 2/5, 2/5, 1/5. z-etcd, z-gluster,
# z-kafka, z-rabbitmq: one of 3 per server. z-vitess: vtctld only on zcloud: 1/1.

ZCLOUD_VMS = [
    "kvm-k8s-1",
    "kvm-k8s-2",
    "kvm-k8s-3",
    "os-compute-1",
    "os-compute-2",
    "os-compute-3",
    "os-ctl-1",
    "os-ctl-2",
    "os-ctl-3",
    "os-elastic-1",
    "os-k8s-m-1",
    "os-k8s-m-2",
    "os-k8s-m-3",
    "os-k8s-n-1",
    "os-k8s-n-2",
    "ovirt-engine",
    "z-k8s-m-1",
]
THIRDS = "z-etcd 1/3; z-gluster 1/3; z-k8s 2/6 (=1/3); z-kafka 1/3; z-rabbitmq 1/3"
ALL = (
    "kvm-k8s 6/6 (=1); os-k8s 6/6 (=1); z-ceph 5/5 (=1); z-etcd 3/3 (=1); z-gluster 3/3 (=1); "
    "z-k8s 6/6 (=1); z-kafka 3/3 (=1); z-rabbitmq 3/3 (=1); z-vitess 1/1; "
    "zcloud-openstack 3/3 (=1); zcloud-ovirt 1/1"
)
EVERYTHING = "3 hosts, 19 VMs, 1 container, 6 services, 11 clusters, 7 storage objects"
QUORUM_ALL = (
    "kvm-k8s, os-k8s, z-ceph, z-etcd, z-gluster, z-k8s, z-kafka, z-rabbitmq, "
    "zcloud-openstack, zcloud-ovirt"
)


def test_seed_lab_impact_table_matches_the_hand_count(run):
    r = run("impact", LAB)
    assert r.code == 0
    rows = [re.split(r"\s{2,}", line) for line in r.out.splitlines()]
    assert rows == [
        ["FAILURE OF", "KIND", "DOWN WITH IT", "QUORUM LOST", "CONTROL PLANE LOST"],
        [
            "zcloud",
            "host",
            "17 VMs, 1 container, 4 services, 4 clusters, 2 storage objects",
            "kvm-k8s, os-k8s, zcloud-openstack, zcloud-ovirt",
            "kvm-k8s 6/6 (=1); os-k8s 6/6 (=1); z-ceph 2/5; " + THIRDS + "; z-vitess 1/1; "
            "zcloud-openstack 3/3 (=1); zcloud-ovirt 1/1",
        ],
        ["zcloud-2", "host", "1 VM", "-", "z-ceph 2/5; " + THIRDS],
        ["zcloud-3", "host", "1 VM", "-", "z-ceph 1/5; " + THIRDS],
        ["home-power", "failure_domain", EVERYTHING, QUORUM_ALL, ALL],
        ["home-rack", "failure_domain", EVERYTHING, QUORUM_ALL, ALL],
        ["home-lab", "site", EVERYTHING, QUORUM_ALL, ALL],
    ]


def test_seed_lab_impact_json_of_the_dl360(run):
    r = run("impact", LAB, "--object", "zcloud", "--format", "json")
    assert r.code == 0
    [row] = json.loads(r.out)["impacts"]
    assert row["down"] == sorted(
        ZCLOUD_VMS
        + ["dev"]
        + ["cockpit", "kvm-nested", "stratis", "terraform"]
        + ["kvm-k8s", "os-k8s", "zcloud-openstack", "zcloud-ovirt"]
        + ["zcloud-images", "zcloud-stratis"]
    )
    z_k8s = next(c for c in row["clusters"] if c["cluster"] == "z-k8s")
    assert z_k8s == {
        "cluster": "z-k8s",
        "type": "kubernetes",
        "members_down": 2,
        "members": 6,
        "control_plane_down": 2,
        "control_plane": 6,
        "control_plane_fraction": "1/3",
        "quorum_lost": False,
        "down": False,
    }
    lost = sorted(c["cluster"] for c in row["clusters"] if c["quorum_lost"])
    assert lost == ["kvm-k8s", "os-k8s", "zcloud-openstack", "zcloud-ovirt"]


def test_seed_lab_the_three_servers_each_take_a_third_of_z_k8s():
    model = load_topology(LAB).model
    for row in impact_table(model, ["zcloud", "zcloud-2", "zcloud-3"]):
        z_k8s = next(c for c in row.clusters if c.cluster == "z-k8s")
        assert z_k8s.control_fraction == Fraction(1, 3), row.failed


def test_seed_lab_objects(run):
    r = run("impact", LAB, "--object", "os-compute-1", "--object", "z-etcd", "--object", "lab-net")
    rows = [re.split(r"\s{2,}", line) for line in r.out.splitlines()[1:]]
    assert rows == [
        # os-k8s-m-1 and os-k8s-n-1 run on os-compute-1; os-k8s-m-1 is 2 of os-k8s's 6
        ["os-compute-1", "vm", "2 VMs", "-", "os-k8s 2/6 (=1/3)"],
        # z-k8s uses z-etcd; z-vitess and zcloud-openstack depend on it, os-k8s and terraform
        # on zcloud-openstack; the external etcd members are 3 of z-k8s's 6 control-plane
        # instances, lost with their cluster
        ["z-etcd", "cluster", "1 service, 4 clusters", "z-etcd, z-k8s", "z-k8s 3/6 (=1/2)"],
        ["lab-net", "network", "nothing else", "-", "-"],
    ]
