"""One fixed lab scenario holding every finding state, shared by analyzer and report tests.

A plain module, not a conftest: tests import what they need from it."""

from __future__ import annotations

from dataclasses import dataclass

from topodoc.drift.ignore import IgnoreRules, parse_ignore_text
from topodoc.drift.resources import Resource, SourceResult
from topodoc.drift.severity import Severities

GiB = 2**30
LIBVIRT, NOVA = "libvirt:zcloud", "openstack:zcloud-openstack"
K8S, ETCD = "kubernetes:z-k8s", "etcd:z-etcd"

IGNORE_FILE = """\
# throwaway test VMs come and go
vm:z-tmp-*
"""


@dataclass
class Scenario:
    expected: list[Resource]
    sources: list[SourceResult]
    rules: IgnoreRules
    severities: Severities


def build_scenario() -> Scenario:
    vm = dict(
        state="running", vcpu=4, memory=16 * GiB, autostart=True, interfaces=["br0", "virbr0"]
    )
    expected = [
        Resource("hypervisor:zcloud", "hypervisor", {"cpus": 48, "memory": 256 * GiB}, LIBVIRT),
        # changed memory (libvirt) and flavor (Nova, joined on the key)
        Resource("vm:z-k8s-m-1", "vm", {**vm, "flavor": "m1.large"}, LIBVIRT, "hypervisor:zcloud"),
        # ok, except autostart: expected drift from the model
        Resource("vm:z-k8s-m-2", "vm", dict(vm), LIBVIRT, "hypervisor:zcloud"),
        # missing
        Resource("vm:z-k8s-n-3", "vm", {"state": "running"}, LIBVIRT, "hypervisor:zcloud"),
        Resource("storage-pool:images", "storage-pool", {"type": "dir", "active": True}, LIBVIRT),
        Resource(
            "os-hypervisor:zcloud", "os-hypervisor", {"state": "up", "status": "enabled"}, NOVA
        ),
        # unverifiable: the kube API is unreachable
        Resource(
            "k8s-node:z-k8s/z-k8s-m-1", "k8s-node", {"roles": ["control-plane"], "ready": True}, K8S
        ),
        Resource("etcd-member:z-etcd/z-etcd-1", "etcd-member", {"healthy": True}, ETCD),
        # missing, critical
        Resource("etcd-member:z-etcd/z-etcd-2", "etcd-member", {"healthy": True}, ETCD),
    ]
    sources = [
        SourceResult(
            LIBVIRT,
            "libvirt",
            "qemu+ssh://zcloud/system",
            duration_s=0.412,
            api_calls=9,
            resources=[
                Resource(
                    "hypervisor:zcloud", "hypervisor", {"cpus": 48, "memory": 256 * GiB}, LIBVIRT
                ),
                Resource(
                    "vm:z-k8s-m-1",
                    "vm",
                    {**vm, "memory": 8 * GiB, "interfaces": ["virbr0", "br0"]},
                    LIBVIRT,
                ),
                Resource("vm:z-k8s-m-2", "vm", {**vm, "autostart": False}, LIBVIRT),
                Resource("vm:z-test-1", "vm", {"state": "shutoff"}, LIBVIRT),  # unexpected
                Resource("vm:z-tmp-1", "vm", {"state": "running"}, LIBVIRT),  # unexpected, ignored
                Resource(
                    "storage-pool:images", "storage-pool", {"type": "dir", "active": True}, LIBVIRT
                ),
                # not reported: the topology documents no libvirt network
                Resource("libvirt-network:default", "libvirt-network", {"active": True}, LIBVIRT),
            ],
        ),
        SourceResult(
            NOVA,
            "openstack",
            "https://192.168.6.10:5000/v3",
            duration_s=1.25,
            api_calls=4,
            resources=[
                Resource("vm:z-k8s-m-1", "vm", {"flavor": "m1.xlarge", "state": "ACTIVE"}, NOVA),
                Resource(
                    "os-hypervisor:zcloud",
                    "os-hypervisor",
                    {"state": "up", "status": "enabled"},
                    NOVA,
                ),
            ],
        ),
        SourceResult(
            K8S,
            "kubernetes",
            "https://192.168.6.101:6443",
            status="unreachable",
            error="connection refused | port 6443",
            duration_s=3.0,
            api_calls=1,
        ),
        SourceResult(
            ETCD,
            "etcd",
            "http://192.168.6.201:2379",
            duration_s=0.05,
            api_calls=1,
            resources=[
                Resource("etcd-member:z-etcd/z-etcd-1", "etcd-member", {"healthy": True}, ETCD),
            ],
        ),
    ]
    rules = IgnoreRules(
        [
            *IgnoreRules.load(
                expected_drift=[
                    (
                        "vm:z-k8s-m-2.autostart",
                        "autostart off while its disk moves to the new pool",
                        "topology/lab.yaml:42:7",
                    )
                ]
            ).rules,
            *parse_ignore_text(IGNORE_FILE, ".topodocignore"),
        ]
    )
    return Scenario(expected, sources, rules, Severities())
