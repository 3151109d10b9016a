"""The topology model: frozen, typed objects, indexed by id, with where each was written.

Every view of the lab (diagrams, tables, reference pages, exports, the drift checker's
expectations) is computed from a :class:`Model`; nothing downstream reads YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from topodoc.model.kinds import KINDS
from topodoc.model.problems import Location
from topodoc.model.selection import Selection

if TYPE_CHECKING:
    from topodoc.model.graph import Relations

#: Roles each cluster type knows; ``generic`` accepts any.
CLUSTER_ROLES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("control-plane", "worker", "etcd"),
    "etcd": ("member",),
    "openstack": ("controller", "compute", "network", "storage"),
    "ceph": ("mon", "mgr", "osd", "mds", "rgw"),
    "gluster": ("server", "client"),
    "ovirt": ("engine", "host"),
    "rabbitmq": ("node",),
    "kafka": ("broker", "controller", "zookeeper"),
    "vitess": ("vtgate", "vttablet", "vtctld", "topo"),
    "generic": (),
}
#: Other names of roles, read as the role they name (``master``: Kubernetes before 1.20).
ROLE_ALIASES: dict[str, dict[str, str]] = {"kubernetes": {"master": "control-plane"}}
#: The roles whose members vote: losing half of them loses the cluster's quorum.
QUORUM_ROLES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("etcd",),
    "etcd": ("member",),
    "openstack": ("controller",),
    "ceph": ("mon",),
    "gluster": ("server",),
    "ovirt": ("engine",),
    "rabbitmq": ("node",),
    "kafka": ("controller", "zookeeper"),
    "vitess": ("topo",),
    "generic": (),
}
#: The roles that make up a cluster's control plane (for the failure-impact fractions).
CONTROL_ROLES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("control-plane", "etcd"),
    "etcd": ("member",),
    "openstack": ("controller",),
    "ceph": ("mon", "mgr"),
    "gluster": ("server",),
    "ovirt": ("engine",),
    "rabbitmq": ("node",),
    "kafka": ("controller", "zookeeper"),
    "vitess": ("vtctld", "topo"),
    "generic": (),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    """Something written in a topology file: where it starts and where each field's value is."""

    loc: Location
    locs: Mapping[str, Location] = field(default_factory=dict, repr=False, compare=False)

    def at(self, name: str) -> Location:
        """Where field ``name`` is written (the object itself when it is not)."""
        return self.locs.get(name, self.loc)


@dataclass(frozen=True, slots=True, kw_only=True)
class Silence(Located):
    rule: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpectedDrift(Located):
    pattern: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Nic(Located):
    name: str | None = None
    type: str | None = None  # ethernet | bridge | bond | vlan | vf | other
    master: str | None = None  # the bridge or bond it is enslaved to
    network: str | None = None
    address: str | None = None  # the primary address
    aliases: tuple[str, ...] = ()  # further addresses on the same interface
    mac: str | None = None
    speed: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def addresses(self) -> tuple[str, ...]:
        return ((self.address,) if self.address else ()) + self.aliases


@dataclass(frozen=True, slots=True, kw_only=True)
class Disk(Located):
    size: int | None = None  # None: not known
    name: str | None = None
    type: str | None = None
    model: str | None = None
    pool: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Device(Located):
    """A PCI device of a host that VMs can be given: whole, by SR-IOV VF, or by vGPU slice."""

    name: str
    type: str | None = None
    pci: str | None = None  # address, 0000:03:00.0
    pci_id: str | None = None  # vendor:device, 10de:1eb8
    model: str | None = None
    disk: str | None = None  # the host disk on it
    vfs: int | None = None
    vgpus: int | None = None
    vgpu_type: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Passthrough(Located):
    """A host device given to a VM: the whole of it, one VF (``vf``) or vGPU slices."""

    device: str
    vf: int | None = None
    slices: int | None = None
    description: str = ""

    @property
    def part(self) -> str:
        """``VF 3``, ``2 vGPU slices``, or ``whole``."""
        if self.vf is not None:
            return f"VF {self.vf}"
        if self.slices:
            return f"{self.slices} vGPU slice{'s' if self.slices > 1 else ''}"
        return "whole"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cpu(Located):
    sockets: int | None = None
    cores: int | None = None  # per socket
    threads: int = 1  # per core
    count: int | None = None  # logical CPUs as written (``cpu: 48``)
    model: str | None = None

    @property
    def shape(self) -> int | None:
        """sockets x cores x threads, when sockets and cores are known."""
        return self.sockets * self.cores * self.threads if self.sockets and self.cores else None

    @property
    def logical(self) -> int | None:
        """Logical CPUs: the count as written, else worked out from the shape."""
        return self.count or self.shape


@dataclass(frozen=True, slots=True, kw_only=True)
class Osd(Located):
    id: int
    device: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Member(Located):
    machine: str
    roles: tuple[str, ...]
    osds: tuple[Osd, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pin(Located):
    """vCPU ``vcpu`` runs on host CPUs ``cpuset`` (``2-3``, ``0-7,^4``)."""

    vcpu: int
    cpuset: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Release(Located):
    """A version a cluster reached, and when."""

    version: str
    date: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Ceph(Located):
    fsid: str | None = None
    public_network: str | None = None
    cluster_network: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Obj(Located):
    """Fields every object has."""

    id: str
    name: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    label: str | None = None
    silence: tuple[Silence, ...] = ()
    expected_drift: tuple[ExpectedDrift, ...] = ()
    status: str = "active"  # planned | active | retired

    kind: ClassVar[str] = "object"

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True, kw_only=True)
class Site(Obj):
    kind: ClassVar[Literal["site"]] = "site"
    location: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FailureDomain(Obj):
    kind: ClassVar[Literal["failure_domain"]] = "failure_domain"
    type: str
    site: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Machine(Obj):
    """Common to hosts, VMs and containers: a hostname and network interfaces."""

    hostname: str | None = None
    nics: tuple[Nic, ...] = ()

    @property
    def node_name(self) -> str:
        """The name the machine has on the network and in Kubernetes."""
        return self.hostname or self.id

    def addresses_on(self, network: str) -> tuple[str, ...]:
        """Every address it has on ``network``."""
        return tuple(a for nic in self.nics if nic.network == network for a in nic.addresses)


@dataclass(frozen=True, slots=True, kw_only=True)
class Host(Machine):
    kind: ClassVar[Literal["host"]] = "host"
    site: str | None = None
    failure_domains: tuple[str, ...] = ()
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    cpu: Cpu | None = None
    memory: int | None = None
    disks: tuple[Disk, ...] = ()
    devices: tuple[Device, ...] = ()
    bmc: Mapping[str, str] = field(default_factory=dict)
    os: Mapping[str, str] = field(default_factory=dict)
    nested_virt: bool = False
    overcommit_cpu: float | None = None
    overcommit_memory: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VM(Machine):
    kind: ClassVar[Literal["vm"]] = "vm"
    runs_on: str
    platform: str
    failure_domains: tuple[str, ...] = ()
    managed_by: str | None = None
    vcpu: int | None = None
    vcpupin: tuple[Pin, ...] = ()
    numa_node: int | None = None
    cpu_mode: str | None = None
    firmware: str | None = None  # bios | uefi
    machine_type: str | None = None
    memory: int | None = None
    memory_max: int | None = None  # libvirt's maximum; memory is the current memory
    domain: str | None = None  # the libvirt domain name, when it is not the id
    disks: tuple[Disk, ...] = ()
    passthrough: tuple[Passthrough, ...] = ()
    nested_virt: bool = False
    autostart: bool | None = None
    state: str | None = None
    template: bool = False
    flavor: str | None = None
    os: Mapping[str, str] = field(default_factory=dict)
    overcommit_cpu: float | None = None
    overcommit_memory: float | None = None

    @property
    def runs(self) -> bool:
        """Whether it holds its machine's CPUs and memory: active, not a template, not shut
        off. Capacity counts only the VMs that run."""
        return not self.not_running

    @property
    def not_running(self) -> str:
        """Why it does not run (``planned``, ``retired``, ``template``, ``shutoff``), or ''."""
        if not self.active:
            return self.status
        return "template" if self.template else "shutoff" if self.state == "shutoff" else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Container(Machine):
    kind: ClassVar[Literal["container"]] = "container"
    runs_on: str
    runtime: str | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster(Obj):
    kind: ClassVar[Literal["cluster"]] = "cluster"
    type: str
    members: tuple[Member, ...] = ()
    version: str | None = None
    api_endpoint: str | None = None
    container_runtime: Mapping[str, str] = field(default_factory=dict)  # {name, version}
    history: tuple[Release, ...] = ()
    ceph: Ceph | None = None
    etcd_mode: str | None = None  # kubernetes: "stacked" or "external"
    etcd_cluster: str | None = None  # kubernetes with external etcd: the etcd cluster's id
    depends_on: tuple[str, ...] = ()

    def machines(self, *roles: str) -> tuple[str, ...]:
        """Member machines having any of ``roles`` (all members when none is given)."""
        return tuple(
            m.machine for m in self.members if not roles or any(r in roles for r in m.roles)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Service(Obj):
    kind: ClassVar[Literal["service"]] = "service"
    runs_on: tuple[str, ...]
    type: str | None = None
    depends_on: tuple[str, ...] = ()
    version: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Range(Located):
    """Addresses ``start`` to ``end``, both included: a DHCP range or a pool (MetalLB)."""

    start: str
    end: str
    name: str | None = None
    purpose: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsRecord(Located):
    """A name and what it resolves to: addresses, and the addresses of machines on the network
    (a cluster stands for its members)."""

    name: str
    addresses: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Dns(Located):
    domain: str | None = None
    servers: tuple[str, ...] = ()
    records: tuple[DnsRecord, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VfSource(Located):
    """A physical function whose VFs a ``forward: hostdev`` network hands out."""

    host: str
    device: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Network(Obj):
    kind: ClassVar[Literal["network"]] = "network"
    type: str
    subnet: str | None = None
    gateway: str | None = None
    vlan: int | None = None
    bridge: str | None = None
    parent: str | None = None
    forward: str | None = None  # libvirt: bridge | nat | route | open | isolated | hostdev
    vf_pool: tuple[VfSource, ...] = ()
    dns: Dns | None = None
    dhcp: tuple[Range, ...] = ()
    pools: tuple[Range, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Storage(Obj):
    kind: ClassVar[Literal["storage"]] = "storage"
    type: str
    provided_by: str
    size: int | None = None
    backing: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
    replicas: int | None = None
    min_replicas: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class View(Located):
    """A named selection of the model for a diagram; its title is the selection's."""

    id: str
    description: str = ""
    selection: Selection


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario(Located):
    """A named combination of failures for the impact analysis (``two of three data VMs``)."""

    id: str
    name: str = ""
    description: str = ""
    fail: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveSource(Located):
    """One way of observing the running lab, as the topology's ``live`` part declares it."""

    kind: str  # libvirt | openstack | kubernetes | etcd
    target: str  # the observed object's id: hypervisor, or cluster
    uri: str  # libvirt URI, clouds.yaml cloud, kubeconfig context, or etcd endpoints
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.target}"


@dataclass(frozen=True, slots=True)
class Live:
    sources: tuple[LiveSource, ...] = ()
    timeout_s: float = 30.0
    severity: tuple[str, ...] = ()


#: Any object of the model; ``obj.kind == "host"`` narrows it to a :class:`Host`.
AnyObj = Site | FailureDomain | Host | VM | Container | Cluster | Service | Network | Storage


@dataclass(frozen=True)
class Model:
    """The resolved topology: objects by id (sorted), views, the live part, and its digest."""

    objects: Mapping[str, AnyObj]
    views: Mapping[str, View]
    live: Live
    files: tuple[str, ...]
    digest: str
    #: Every file looked at, in reading order: what :func:`topodoc.reading.files.unchanged` checks.
    visited: tuple[str, ...] = ()
    scenarios: Mapping[str, Scenario] = field(default_factory=dict)

    def __iter__(self) -> Iterator[AnyObj]:
        return iter(self.objects.values())

    def get(self, obj_id: str) -> AnyObj | None:
        return self.objects.get(obj_id)

    @cached_property
    def by_kind(self) -> Mapping[str, tuple[AnyObj, ...]]:
        out: dict[str, list[AnyObj]] = {kind: [] for kind in KINDS}
        for obj in self.objects.values():
            out[obj.kind].append(obj)
        return {kind: tuple(items) for kind, items in out.items()}

    @overload
    def of_kind(self, kind: Literal["site"]) -> tuple[Site, ...]: ...
    @overload
    def of_kind(self, kind: Literal["failure_domain"]) -> tuple[FailureDomain, ...]: ...
    @overload
    def of_kind(self, kind: Literal["host"]) -> tuple[Host, ...]: ...
    @overload
    def of_kind(self, kind: Literal["vm"]) -> tuple[VM, ...]: ...
    @overload
    def of_kind(self, kind: Literal["container"]) -> tuple[Container, ...]: ...
    @overload
    def of_kind(self, kind: Literal["cluster"]) -> tuple[Cluster, ...]: ...
    @overload
    def of_kind(self, kind: Literal["service"]) -> tuple[Service, ...]: ...
    @overload
    def of_kind(self, kind: Literal["network"]) -> tuple[Network, ...]: ...
    @overload
    def of_kind(self, kind: Literal["storage"]) -> tuple[Storage, ...]: ...
    @overload
    def of_kind(self, kind: str) -> tuple[AnyObj, ...]: ...

    def of_kind(self, kind: str) -> tuple[AnyObj, ...]:
        """The objects of ``kind``, in id order (typed by kind for a literal one)."""
        return self.by_kind.get(kind, ())

    @cached_property
    def children(self) -> Mapping[str, tuple[str, ...]]:
        """What is placed directly on each machine (VMs and containers), sorted by id."""
        out: dict[str, list[str]] = {}
        for obj in self.objects.values():
            if isinstance(obj, VM | Container):
                out.setdefault(obj.runs_on, []).append(obj.id)
        return {k: tuple(v) for k, v in out.items()}

    def descendants(self, obj_id: str) -> list[str]:
        """Everything placed on ``obj_id``, at any depth, depth-first in id order."""
        out: list[str] = []
        stack = list(reversed(self.children.get(obj_id, ())))
        seen = {obj_id}
        while stack:
            child = stack.pop()
            if child in seen:
                continue
            seen.add(child)
            out.append(child)
            stack.extend(reversed(self.children.get(child, ())))
        return out

    def physical_host(self, obj_id: str) -> str | None:
        """The physical host at the bottom of ``obj_id``'s placement chain."""
        seen: set[str] = set()
        current = self.objects.get(obj_id)
        while current is not None and current.id not in seen:
            if isinstance(current, Host):
                return current.id
            seen.add(current.id)
            current = (
                self.objects.get(current.runs_on) if isinstance(current, VM | Container) else None
            )
        return None

    def placement_chain(self, obj_id: str, stop: Set[str] = frozenset()) -> list[str]:
        """``obj_id`` and every machine below it, down to the physical host (or to the first
        machine in ``stop``, left out)."""
        chain: list[str] = []
        seen: set[str] = set()  # a cycle ends the chain; a set keeps a deep chain linear
        current = self.objects.get(obj_id)
        while current is not None and current.id not in seen and current.id not in stop:
            chain.append(current.id)
            seen.add(current.id)
            parent = getattr(current, "runs_on", None)
            current = self.objects.get(parent) if isinstance(parent, str) else None
        return chain

    @cached_property
    def relations(self) -> Relations:
        """The objects' references, indexed once per model (diagram views follow them)."""
        from topodoc.model.graph import Relations  # graph builds on this module's classes

        return Relations.of(self)

    @cached_property
    def labels(self) -> Mapping[str, str]:
        """Sphinx label -> object id."""
        return {obj.label: obj.id for obj in self.objects.values() if obj.label}

    @cached_property
    def clusters_of(self) -> Mapping[str, tuple[str, ...]]:
        """Machine id -> the clusters it is a member of."""
        out: dict[str, list[str]] = {}
        for cluster in self.of_kind("cluster"):
            for machine in dict.fromkeys(cluster.machines()):
                out.setdefault(machine, []).append(cluster.id)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def given(self) -> Mapping[tuple[str, str], tuple[tuple[VM, Passthrough], ...]]:
        """(host id, device name) -> (VM, passthrough) for every VM given that device (or a
        part of it), running or not, in id order."""
        out: dict[tuple[str, str], list[tuple[VM, Passthrough]]] = {}
        for vm in self.of_kind("vm"):
            for item in vm.passthrough:
                out.setdefault((vm.runs_on, item.device), []).append((vm, item))
        return {k: tuple(v) for k, v in out.items()}

    def target_machines(self, target: str) -> tuple[str, ...]:
        """The machines an id stands for: a cluster's members, else itself."""
        obj = self.objects.get(target)
        return tuple(dict.fromkeys(obj.machines())) if isinstance(obj, Cluster) else (target,)

    def resolve(self, network: str, record: DnsRecord) -> tuple[str, ...]:
        """The addresses a DNS name of ``network`` resolves to: its own, then those its
        targets have on the network."""
        out = list(record.addresses)
        for target in record.targets:
            for machine in self.target_machines(target):
                found = self.objects.get(machine)
                out += found.addresses_on(network) if isinstance(found, Machine) else ()
        return tuple(dict.fromkeys(out))

    @cached_property
    def services_on(self) -> Mapping[str, tuple[str, ...]]:
        """Machine id -> the services that run on it."""
        out: dict[str, list[str]] = {}
        for service in self.of_kind("service"):
            for machine in service.runs_on:
                out.setdefault(machine, []).append(service.id)
        return {k: tuple(v) for k, v in out.items()}
