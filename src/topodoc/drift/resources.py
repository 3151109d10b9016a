"""Normalised resources: the one shape both sides of a drift check are reduced to.

A collector turns what a live API returns into :class:`Resource` objects; the documented
side is derived from the topology model into the same shape. The analyzer only ever sees
these, never a client library object.

Units are normalised: sizes in bytes (int), counts as int, flags as bool, lists of strings
sorted. Keys are natural keys, ``KIND:NAME`` (``vm:z-k8s-m-1``,
``k8s-node:z-k8s/z-k8s-n-1``), stable across sources so layers join on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from topodoc.util.secrets import without_userinfo

#: The compared attributes of each resource kind, in report order. A collector fills what it
#: can see; the analyzer compares only attributes the documented side states.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    # a libvirt node (physical host or a first-level VM that is itself a hypervisor)
    "hypervisor": ("cpus", "memory"),
    # a domain (libvirt), a Nova server (OpenStack), joined on the same key
    "vm": (
        "hypervisor",
        "state",
        "vcpu_max",
        "vcpu",
        "memory",
        "memory_max",
        "autostart",
        "nested_virt",
        "cpu_mode",
        "vcpupin",
        "numa_node",
        "firmware",
        "machine_type",
        "passthrough",
        "disks",
        "interfaces",
        "flavor",
        "openstack_id",
    ),
    "libvirt-network": ("bridge", "forward", "dhcp", "domain", "vf_pool", "active"),
    "storage-pool": ("type", "active"),
    "os-hypervisor": ("state", "status", "vcpus", "memory"),
    "os-flavor": ("vcpus", "memory", "disk"),
    "os-network": ("status", "subnets"),
    "os-subnet": ("cidr", "network"),
    "k8s-node": (
        "roles",
        "ready",
        "kubelet_version",
        "container_runtime",
        "cpu",
        "memory",
        "addresses",
        "system_uuid",
    ),
    "k8s-etcd": ("servers", "hosts"),
    "etcd-member": ("peer_urls", "client_urls", "healthy"),
}

#: Which drift layer each kind is reported under, in report order.
LAYERS: dict[str, str] = {
    "hypervisor": "virtualization",
    "vm": "virtualization",
    "libvirt-network": "network",
    "storage-pool": "storage",
    "os-hypervisor": "openstack",
    "os-flavor": "openstack",
    "os-network": "openstack",
    "os-subnet": "openstack",
    "k8s-node": "kubernetes",
    "k8s-etcd": "kubernetes",
    "etcd-member": "etcd",
}

#: The source kinds, each with one collector.
SOURCE_KINDS = ("libvirt", "openstack", "kubernetes", "etcd")

#: Source statuses. Anything but "ok" makes that source's documented resources unverifiable.
SOURCE_STATUSES = ("ok", "unreachable", "refused", "forbidden", "timeout", "error", "skipped")


def server_url(url: str) -> str:
    """A server URL as both sides compare it (an etcd endpoint, an API server's
    ``--etcd-servers``): no user info, ``http://`` when it names no scheme, no trailing
    slash."""
    url = without_userinfo(url).rstrip("/")
    return url if "://" in url else f"http://{url}"


@dataclass(frozen=True, slots=True)
class Resource:
    """One observed or documented thing, reduced to its compared attributes."""

    key: str
    kind: str
    attrs: dict[str, Any]
    source: str
    parent: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "source": self.source,
            "parent": self.parent,
            "attrs": dict(sorted(self.attrs.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Resource:
        return cls(
            data["key"], data["kind"], dict(data["attrs"]), data["source"], data.get("parent")
        )


@dataclass(frozen=True)
class SourceSpec:
    """One live source to read, as the topology describes it."""

    id: str  # "libvirt:zcloud"
    kind: str  # libvirt | openstack | kubernetes | etcd
    target: str  # the topology object the source observes (host/VM id, cluster id)
    uri: str  # libvirt URI | clouds.yaml cloud name | kube context | etcd URLs, comma-joined
    #: clouds_yaml, region, kubeconfig, ca_cert, cert, key: paths and names, never secrets
    options: Mapping[str, str] = field(default_factory=dict, hash=False)
    timeout_s: float = 30.0


@dataclass(slots=True)
class SourceResult:
    """What one source (one libvirt URI, one cloud, one kube context, one etcd cluster) gave.

    ``id`` names the source as the topology does (``libvirt:zcloud``,
    ``openstack:zcloud-openstack``, ``kubernetes:z-k8s``, ``etcd:z-etcd``); every documented
    resource names the source id expected to observe it.
    """

    id: str
    kind: str  # one of SOURCE_KINDS
    uri: str  # where it was read from; never carries credentials
    status: str = "ok"  # one of SOURCE_STATUSES
    error: str | None = None  # a one-line, secret-free message when status != "ok"
    duration_s: float = 0.0
    api_calls: int = 0
    resources: list[Resource] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "uri": self.uri,
            "status": self.status,
            "error": self.error,
            "duration_s": round(self.duration_s, 3),
            "api_calls": self.api_calls,
            "resources": [r.to_json() for r in sorted(self.resources, key=lambda r: r.key)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceResult:
        return cls(
            data["id"],
            data["kind"],
            data["uri"],
            data["status"],
            data.get("error"),
            float(data.get("duration_s", 0.0)),
            int(data.get("api_calls", 0)),
            [Resource.from_json(r) for r in data.get("resources", [])],
        )
