"""The documented side: what a topology makes the drift checker expect, and from which source."""

from __future__ import annotations

from pathlib import Path

import pytest

from topodoc.drift.analyzer import analyze
from topodoc.drift.expected import Expected, expected_drift_entries, expected_resources
from topodoc.drift.ignore import IgnoreRules
from topodoc.drift.resources import Resource, SourceResult, SourceSpec
from topodoc.drift.severity import Severities
from topodoc.model.objects import Model
from topodoc.reading.load import load_topology

GiB = 2**30

#: A little of everything: a host stating its CPUs and one stating nothing, VMs stating
#: everything and nothing, a nested hypervisor (compute-1) running an OpenStack VM, a
#: Kubernetes cluster with external etcd, the etcd cluster, and expected_drift entries.
LAB = """\
version: 1
hosts:
  - id: h1
    hostname: h1.lab
    cpu: {sockets: 1, cores: 4, threads: 2}
    memory: 32GiB
    nested_virt: true
    expected_drift:
      - {pattern: cpus, reason: hyperthreading is off in the BIOS}
  - id: h2
vms:
  - id: plain
    runs_on: h1
    platform: libvirt
  - id: full
    runs_on: h1
    platform: libvirt
    vcpu: 2
    memory: 4GiB
    state: running
    autostart: true
    nested_virt: false
    flavor: m1.small
    expected_drift:
      - {reason: being rebuilt this week}
      - {pattern: memory, reason: memory ballooning}
  - id: compute-1
    hostname: compute-1.lab
    runs_on: h1
    platform: ovirt
    vcpu: 8
    nested_virt: true
  - id: inner
    runs_on: compute-1
    platform: openstack
    managed_by: cloud
    flavor: m1.small
    vcpu: 1
    memory: 2GiB
    state: shutoff
    autostart: true
  - id: unobserved
    runs_on: h2
    platform: libvirt
    vcpu: 1
clusters:
  - id: cloud
    type: openstack
    members:
      - {machine: compute-1, roles: [compute]}
  - id: k8s
    type: kubernetes
    etcd: {mode: external, cluster: etcd}
    members:
      - {machine: full, roles: [control-plane, etcd]}
      - {machine: h1, roles: [worker]}
      - {machine: plain, roles: [control-plane]}
      - {machine: plain, roles: [worker]}
    expected_drift:
      - {pattern: "k8s-node:k8s/plain.roles", reason: labels are being migrated}
  - id: etcd
    type: etcd
    members:
      - {machine: h1, roles: [member]}
      - {machine: h2, roles: [member]}
      - {machine: compute-1, roles: [member]}
"""

LIVE = """\
live:
  libvirt:
    - {hypervisor: h1, uri: "qemu+ssh://h1/system"}
    - {hypervisor: compute-1, uri: "qemu+ssh://compute-1/system"}
  openstack:
    - {cluster: cloud, cloud: lab}
  kubernetes:
    - {cluster: k8s, context: admin@k8s}
  etcd:
    - {cluster: etcd, endpoints: ["https://10.0.0.2:2379", "https://10.0.0.1:2379"]}
"""


def load(tmp_path: Path, text: str) -> Model:
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    loaded = load_topology(path)
    assert loaded.ok, [str(p) for p in loaded.errors]
    return loaded.model


@pytest.fixture
def model(tmp_path: Path) -> Model:
    return load(tmp_path, LAB + LIVE)


def by_key(expected: Expected) -> dict[str, Resource]:
    return {r.key: r for r in expected.resources}


def test_only_stated_attributes_are_expected(model: Model) -> None:
    res = by_key(expected_resources(model))
    # nothing stated but placement: only the hypervisor is compared
    assert res["vm:plain"].attrs == {"hypervisor": "h1"}
    # everything stated; flavor is not compared for a libvirt VM, nested_virt: false is stated
    assert res["vm:full"].attrs == {
        "hypervisor": "h1",
        "state": "running",
        "vcpu": 2,
        "memory": 4 * GiB,
        "autostart": True,
        "nested_virt": False,
    }
    # nested_virt left out of the topology is not expected to be off
    assert "nested_virt" not in res["vm:plain"].attrs
    # a host's logical CPUs; its memory is never expected (kernels report less)
    assert res["hypervisor:h1"].attrs == {"cpus": 8}
    # a VM that is a hypervisor: its vCPUs
    assert res["hypervisor:compute-1"].attrs == {"cpus": 8}
    assert list(res) == sorted(res), "resources are sorted by key"


def test_objects_without_a_source_are_not_expected(model: Model) -> None:
    res = by_key(expected_resources(model))
    assert "vm:unobserved" not in res  # h2 has no libvirt source
    assert "hypervisor:h2" not in res
    # but h2 is an etcd member, observed by the etcd source
    assert "etcd-member:etcd/h2" in res


def test_vm_keys_and_sources_follow_platform_and_nesting(model: Model) -> None:
    res = by_key(expected_resources(model))
    # first level, on the host's libvirt, child of its hypervisor
    assert (res["vm:compute-1"].source, res["vm:compute-1"].parent) == (
        "libvirt:h1",
        "hypervisor:h1",
    )
    assert res["vm:compute-1"].attrs == {"hypervisor": "h1", "vcpu": 8, "nested_virt": True}
    # second level, managed by OpenStack: expected from the cloud, which names the
    # hypervisor by its hostname; the flavor is compared, autostart is not
    inner = res["vm:inner"]
    assert (inner.source, inner.parent) == ("openstack:cloud", "hypervisor:compute-1")
    assert inner.attrs == {
        "hypervisor": "compute-1.lab",
        "state": "shutoff",
        "vcpu": 1,
        "memory": 2 * GiB,
        "flavor": "m1.small",
    }
    assert res["os-hypervisor:cloud/compute-1.lab"].source == "openstack:cloud"
    assert res["os-hypervisor:cloud/compute-1.lab"].attrs == {}


def test_openstack_vm_falls_back_to_its_hypervisors_libvirt(tmp_path: Path) -> None:
    without_cloud = LIVE.replace("  openstack:\n    - {cluster: cloud, cloud: lab}\n", "")
    res = by_key(expected_resources(load(tmp_path, LAB + without_cloud)))
    inner = res["vm:inner"]
    # the nested libvirt keys the domain by its Nova name and reports the topology id
    assert (inner.source, inner.parent) == ("libvirt:compute-1", "hypervisor:compute-1")
    assert inner.attrs["hypervisor"] == "compute-1"
    assert inner.attrs["flavor"] == "m1.small"
    assert not any(k.startswith("os-hypervisor:") for k in res)


def test_the_sources_read_decide_who_expects_a_vm(model: Model) -> None:
    """``--only libvirt``: the OpenStack VM is expected from the nested libvirt, so the
    Nova instance that libvirt sees is not reported as unexpected."""
    libvirt_only = [s for s in model.live.sources if s.kind == "libvirt"]
    expected = expected_resources(model, libvirt_only)
    res = by_key(expected)
    assert res["vm:inner"].source == "libvirt:compute-1"
    assert {r.source for r in expected.resources} == {"libvirt:h1", "libvirt:compute-1"}
    seen = SourceResult(
        "libvirt:compute-1",
        "libvirt",
        "test:///x",
        resources=[
            Resource("hypervisor:compute-1", "hypervisor", {"cpus": 8}, "libvirt:compute-1"),
            Resource(
                "vm:inner",
                "vm",
                {
                    "hypervisor": "compute-1",
                    "state": "shutoff",
                    "vcpu": 1,
                    "memory": 2 * GiB,
                    "flavor": "m1.small",
                },
                "libvirt:compute-1",
            ),
        ],
    )
    findings = analyze(
        [r for r in expected.resources if r.source == "libvirt:compute-1"],
        [seen],
        IgnoreRules(),
        Severities(),
    ).findings
    assert {(f.key, f.state) for f in findings} == {
        ("hypervisor:compute-1", "ok"),
        ("vm:inner", "ok"),
    }


def test_kubernetes_nodes(model: Model) -> None:
    res = by_key(expected_resources(model))
    nodes = {k: r.attrs for k, r in res.items() if r.kind == "k8s-node"}
    assert nodes == {
        # the etcd role is not a node role; cpu from the VM's vCPUs
        "k8s-node:k8s/full": {"roles": ["control-plane"], "ready": True, "cpu": 2},
        # named by hostname; cpu from the host's logical CPUs
        "k8s-node:k8s/h1.lab": {"roles": ["worker"], "ready": True, "cpu": 8},
        # roles from every member entry of the machine; no cpu stated, none expected
        "k8s-node:k8s/plain": {"roles": ["control-plane", "worker"], "ready": True},
    }
    assert {res[k].source for k in nodes} == {"kubernetes:k8s"}


def test_external_etcd_servers_are_expected_from_the_etcd_source(model: Model) -> None:
    res = by_key(expected_resources(model))
    assert res["k8s-etcd:k8s"].source == "kubernetes:k8s"
    assert res["k8s-etcd:k8s"].attrs == {
        "servers": ["https://10.0.0.1:2379", "https://10.0.0.2:2379"]
    }
    # an --etcd override changes where the checker reads etcd, not what is documented
    specs = [SourceSpec(s.id, s.kind, s.target, s.uri) for s in model.live.sources]
    specs = [
        SourceSpec(s.id, s.kind, s.target, "http://127.0.0.1:1") if s.kind == "etcd" else s
        for s in specs
    ]
    assert by_key(expected_resources(model, specs))["k8s-etcd:k8s"].attrs["servers"] == [
        "https://10.0.0.1:2379",
        "https://10.0.0.2:2379",
    ]


def test_no_etcd_servers_expected_for_external_etcd_without_a_source(tmp_path: Path) -> None:
    change = (
        '  etcd:\n    - {cluster: etcd, endpoints: ["https://10.0.0.2:2379", '
        '"https://10.0.0.1:2379"]}\n',
        "",
    )
    text = (LAB + LIVE).replace(*change)
    assert text != LAB + LIVE
    res = by_key(expected_resources(load(tmp_path, text)))
    assert "k8s-etcd:k8s" not in res
    assert any(k.startswith("k8s-node:") for k in res)


def test_stacked_etcd_is_expected_on_its_members(tmp_path: Path) -> None:
    stacked = (LAB + LIVE).replace("etcd: {mode: external, cluster: etcd}", "etcd: {mode: stacked}")
    # no member documents an address: documented (never "unexpected"), nothing compared
    assert by_key(expected_resources(load(tmp_path, stacked)))["k8s-etcd:k8s"].attrs == {}
    # kubespray: etcd on the control plane (no etcd role named), by their addresses
    addressed = (
        stacked.replace("[control-plane, etcd]", "[control-plane]")
        .replace("  - id: full\n", "  - id: full\n    nics: [{address: 10.0.0.5}]\n")
        .replace("  - id: plain\n", "  - id: plain\n    nics: [{address: 10.0.0.4}]\n")
    )
    res = by_key(expected_resources(load(tmp_path, addressed)))
    assert res["k8s-etcd:k8s"].attrs == {"hosts": ["10.0.0.4", "10.0.0.5"]}
    # the legacy role name is read as control-plane
    legacy = load(tmp_path, addressed.replace("[control-plane]", "[master]"))
    assert by_key(expected_resources(legacy))["k8s-etcd:k8s"].attrs == {
        "hosts": ["10.0.0.4", "10.0.0.5"]
    }
    assert by_key(expected_resources(legacy))["k8s-node:k8s/full"].attrs["roles"] == [
        "control-plane"
    ]


def test_etcd_members(model: Model) -> None:
    res = by_key(expected_resources(model))
    members = {k: (r.attrs, r.source) for k, r in res.items() if r.kind == "etcd-member"}
    assert members == {
        f"etcd-member:etcd/{name}": ({"healthy": True}, "etcd:etcd")
        for name in ("compute-1.lab", "h1.lab", "h2")
    }


def test_owners_name_the_model_object_behind_each_key(model: Model) -> None:
    expected = expected_resources(model)
    assert set(expected.owners) == {r.key for r in expected.resources}
    assert expected.owners["k8s-node:k8s/h1.lab"] == "h1"
    assert expected.owners["etcd-member:etcd/h1.lab"] == "h1"
    assert expected.owners["hypervisor:h1"] == "h1"
    assert expected.owners["os-hypervisor:cloud/compute-1.lab"] == "compute-1"
    assert expected.owners["vm:inner"] == "inner"
    assert expected.owners["k8s-etcd:k8s"] == "k8s"


def test_expected_drift_becomes_ignore_rules_with_reasons(model: Model) -> None:
    expected = expected_resources(model)
    entries = expected_drift_entries(model, expected)
    by_pattern = {pattern: (reason, where) for pattern, reason, where in entries}
    # '*' (the default) accepts everything about the object, under every key it has
    assert by_pattern["vm:full"][0] == "being rebuilt this week"
    assert by_pattern["k8s-node:k8s/full"][0] == "being rebuilt this week"
    # an attribute relative to the object
    assert by_pattern["vm:full.memory"][0] == "memory ballooning"
    assert by_pattern["hypervisor:h1.cpus"][0] == "hyperthreading is off in the BIOS"
    # a full pattern stays as written
    assert by_pattern["k8s-node:k8s/plain.roles"][0] == "labels are being migrated"
    # where it was written: FILE:LINE:COL
    line = LAB.splitlines().index("      - {pattern: memory, reason: memory ballooning}") + 1
    assert by_pattern["vm:full.memory"][1].endswith(f"lab.yaml:{line}:9")

    rules = IgnoreRules.load(None, (), entries)
    rule = rules.ignores("hypervisor:h1", "cpus")
    assert rule is not None and rule.reason == "hyperthreading is off in the BIOS"
    assert rules.ignores("hypervisor:h1") is None  # the host itself is still checked
    assert rules.ignores("vm:full", "state") is not None  # '*' covers every attribute
    assert rules.ignores("vm:plain", "hypervisor") is None
    assert rules.ignores("k8s-node:k8s/plain", "roles").reason == "labels are being migrated"


def test_expected_drift_on_an_unchecked_object_gives_no_rule(tmp_path: Path) -> None:
    text = (LAB + LIVE).replace(
        "  - id: h2\n", "  - id: h2\n    expected_drift: [{reason: not checked at all}]\n"
    )
    model = load(tmp_path, text)
    entries = expected_drift_entries(model, expected_resources(model))
    # h2 is only an etcd member: its one key gets the rule, nothing else
    assert [p for p, reason, _ in entries if reason == "not checked at all"] == [
        "etcd-member:etcd/h2"
    ]


def test_machines_the_topology_does_not_define_are_expected_by_id(tmp_path: Path) -> None:
    """Dangling member and runs_on references (errors the rules report): the extension still
    files the last drift report's findings under objects, so this must not raise (KeyError)."""
    (tmp_path / "lab.yaml").write_text(
        """\
version: 1
vms: [{id: v1, runs_on: nowhere, platform: openstack, managed_by: os}]
clusters:
  - {id: os, type: openstack, members: [{machine: ghost, roles: [compute]}]}
  - {id: k, type: kubernetes, members: [{machine: ghost2, roles: [worker]}]}
live:
  openstack: [{cluster: os, cloud: c}]
  kubernetes: [{cluster: k, context: k}]
""",
        encoding="utf-8",
    )
    loaded = load_topology(tmp_path)
    assert {p.rule for p in loaded.errors} == {"unknown-ref"}
    expected = expected_resources(loaded.model)
    assert {r.key: r.attrs for r in expected.resources} == {
        "os-hypervisor:os/ghost": {},
        "vm:v1": {"hypervisor": "nowhere"},
        "k8s-node:k/ghost2": {"roles": ["worker"], "ready": True},
        "k8s-etcd:k": {},
    }  # stacked etcd, on members with no address: nothing to compare


FACTS = """\
version: 1
hosts:
  - id: h1
    cpu: {sockets: 1, cores: 8}
    devices:
      - {name: nvme0, type: nvme, pci: "05:00.0"}
      - {name: nvme1, type: nvme}
      - {name: gpu0, type: gpu, pci: "0000:84:00.0", vgpus: 4, vgpu_type: nvidia-231}
      - {name: gpu1, type: gpu, pci: "0000:85:00.0", vgpus: 4}
      - {name: ens2f0, type: nic, pci: "0000:87:00.0", vfs: 8}
  - id: h2
    devices: [{name: ens1f0, type: nic, vfs: 4}]
networks:
  - id: sriov-net
    type: subnet
    forward: hostdev
    vf_pool: [{host: h1, device: ens2f0}, {host: h2, device: ens1f0}]
  - id: nat-net
    type: subnet
    forward: nat
    dhcp: [{start: 10.0.0.10, end: 10.0.0.20}]
vms:
  - id: pinned
    runs_on: h1
    platform: libvirt
    vcpu: 2
    vcpupin: [{vcpu: 1, cpuset: "0-7,^4"}, {vcpu: 0, cpuset: "2"}]
    numa_node: 0
    firmware: uefi
    machine_type: q35
    cpu_mode: host-model
    passthrough: [{device: nvme0}, {device: ens2f0, vf: 3}, {device: gpu0, slices: 2}]
  - {id: unpinned, runs_on: h1, platform: libvirt, vcpupin: []}
  - {id: no-address, runs_on: h1, platform: libvirt, passthrough: [{device: nvme1}]}
  - {id: no-type, runs_on: h1, platform: libvirt, passthrough: [{device: gpu1, slices: 1}]}
  - id: tenant
    runs_on: h1
    platform: openstack
    firmware: uefi
    machine_type: q35
clusters:
  - id: k
    type: kubernetes
    container_runtime: {name: containerd, version: "1.7.13"}
    members: [{machine: h1, roles: [worker]}]
  - id: k2
    type: kubernetes
    container_runtime: {name: cri-o}
    members: [{machine: h2, roles: [worker]}]
  - id: k3
    type: kubernetes
    container_runtime: {name: other, version: "2.0"}
    members: [{machine: h1, roles: [worker]}]
live:
  libvirt:
    - {hypervisor: h1, uri: "qemu+ssh://h1/system"}
  kubernetes:
    - {cluster: k, context: k}
    - {cluster: k2, context: k2}
    - {cluster: k3, context: k3}
"""


def test_libvirt_facts_are_expected_as_stated(tmp_path: Path) -> None:
    res = by_key(expected_resources(load(tmp_path, FACTS)))
    assert res["vm:pinned"].attrs == {
        "hypervisor": "h1",
        "vcpu": 2,
        "vcpupin": ["0->2", "1->0-3,5-7"],  # cpusets as libvirt writes them
        "numa_node": 0,
        "cpu_mode": "host-model",
        "firmware": "uefi",
        "machine_type": "q35",
        "passthrough": [
            "0000:05:00.0",  # the whole device, its address as the collector writes it
            "0000:84:00.0 vGPU nvidia-231",  # one per slice
            "0000:84:00.0 vGPU nvidia-231",
            "0000:87:00.0 VF 3",
        ],
    }
    # no pinning, stated: none expected; nothing else stated, nothing else expected
    assert res["vm:unpinned"].attrs == {"hypervisor": "h1", "vcpupin": []}
    # a device without a PCI address, vGPU slices of a device without a type: not comparable
    assert res["vm:no-address"].attrs == {"hypervisor": "h1"}
    assert res["vm:no-type"].attrs == {"hypervisor": "h1"}
    # Nova does not report libvirt's facts: not expected of an OpenStack VM
    assert res["vm:tenant"].attrs == {"hypervisor": "h1"}


def test_only_a_hostdev_network_is_tied_to_a_hypervisor(tmp_path: Path) -> None:
    expected = expected_resources(load(tmp_path, FACTS))
    networks = {r.key: r for r in expected.resources if r.kind == "libvirt-network"}
    # h2 has no libvirt source; nat-net names no hypervisor at all
    assert list(networks) == ["libvirt-network:h1/sriov-net"]
    network = networks["libvirt-network:h1/sriov-net"]
    assert network.attrs == {"forward": "hostdev", "vf_pool": ["ens2f0"]}
    assert (network.source, network.parent) == ("libvirt:h1", "hypervisor:h1")
    assert expected.owners["libvirt-network:h1/sriov-net"] == "sriov-net"


def test_container_runtime_is_expected_on_every_node(tmp_path: Path) -> None:
    res = by_key(expected_resources(load(tmp_path, FACTS)))
    assert res["k8s-node:k/h1"].attrs["container_runtime"] == "containerd://1.7.13"
    assert res["k8s-node:k2/h2"].attrs["container_runtime"] == "cri-o"  # the name alone
    assert "container_runtime" not in res["k8s-node:k3/h1"].attrs  # 'other' names none
