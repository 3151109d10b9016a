"""The topology model: frozen, typed objects, indexed by id, with where each was written.

Every view of the lab (diagrams, tables, reference pages, exports, the drift checker's
expectations) is computed from a :class:`Model`; nothing downstream reads YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Literal, overload

from topodoc.model.kinds import KINDS
from topodoc.model.problems import Location

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
#: The roles whose members vote: losing half of them loses the cluster's quorum.
QUORUM_ROLES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("etcd",), "etcd": ("member",), "openstack": ("controller",),
    "ceph": ("mon",), "gluster": ("server",), "ovirt": ("engine",), "rabbitmq": ("node",),
    "kafka": ("controller", "zookeeper"), "vitess": ("topo",), "generic": (),
}
#: The roles that make up a cluster's control plane (for the failure-impact fractions).
CONTROL_ROLES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("control-plane", "etcd"), "etcd": ("member",),
    "openstack": ("controller",), "ceph": ("mon", "mgr"), "gluster": ("server",),
    "ovirt": ("engine",), "rabbitmq": ("node",), "kafka": ("controller", "zookeeper"),
    "vitess": ("vtctld", "topo"), "generic": (),
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
    network: str | None = None
    address: str | None = None
    mac: str | None = None
    speed: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Disk(Located):
    size: int
    name: str | None = None
    type: str | None = None
    model: str | None = None
    pool: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cpu(Located):
    sockets: int
    cores: int
    threads: int = 1
    model: str | None = None

    @property
    def logical(self) -> int:
        return self.sockets * self.cores * self.threads


@dataclass(frozen=True, slots=True, kw_only=True)
class Member(Located):
    machine: str
    roles: tuple[str, ...]


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

    kind: ClassVar[str] = "object"

    @property
    def title(self) -> str:
        return self.name or self.id


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
    managed_by: str | None = None
    vcpu: int | None = None
    memory: int | None = None
    disks: tuple[Disk, ...] = ()
    nested_virt: bool = False
    autostart: bool | None = None
    state: str | None = None
    flavor: str | None = None
    os: Mapping[str, str] = field(default_factory=dict)
    overcommit_cpu: float | None = None
    overcommit_memory: float | None = None


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
    etcd_mode: str | None = None  # kubernetes: "stacked" or "external"
    etcd_cluster: str | None = None  # kubernetes with external etcd: the etcd cluster's id
    depends_on: tuple[str, ...] = ()

    def machines(self, *roles: str) -> tuple[str, ...]:
        """Member machines having any of ``roles`` (all members when none is given)."""
        return tuple(m.machine for m in self.members
                     if not roles or any(r in roles for r in m.roles))


@dataclass(frozen=True, slots=True, kw_only=True)
class Service(Obj):
    kind: ClassVar[Literal["service"]] = "service"
    runs_on: tuple[str, ...]
    type: str | None = None
    depends_on: tuple[str, ...] = ()
    version: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Network(Obj):
    kind: ClassVar[Literal["network"]] = "network"
    type: str
    subnet: str | None = None
    gateway: str | None = None
    vlan: int | None = None
    bridge: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Storage(Obj):
    kind: ClassVar[Literal["storage"]] = "storage"
    type: str
    provided_by: str
    size: int | None = None
    backing: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
    replicas: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class View(Located):
    """A named selection of the model for a diagram."""

    id: str
    title: str = ""
    description: str = ""
    layers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    root: str | None = None
    depth: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    direction: str = "TB"


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
            current = self.objects.get(current.runs_on) if isinstance(current, VM | Container) \
                else None
        return None

    def placement_chain(self, obj_id: str) -> list[str]:
        """``obj_id`` and every machine below it, down to the physical host."""
        chain: list[str] = []
        current = self.objects.get(obj_id)
        while current is not None and current.id not in chain:
            chain.append(current.id)
            current = self.objects.get(current.runs_on) if isinstance(current, VM | Container) \
                else None
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
    def services_on(self) -> Mapping[str, tuple[str, ...]]:
        """Machine id -> the services that run on it."""
        out: dict[str, list[str]] = {}
        for service in self.of_kind("service"):
            for machine in service.runs_on:
                out.setdefault(machine, []).append(service.id)
        return {k: tuple(v) for k, v in out.items()}
