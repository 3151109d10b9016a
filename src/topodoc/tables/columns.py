"""The tables' columns (key, header, what each holds, how it is worked out) and their rows.

A table is a list of items (an object, or a tuple when a row is about a pair: a cluster and a
member, a NIC) and a getter per column. A cell is worked out only when it is asked for: a
filtered table reads the filtered columns of every item and the shown columns of the rows
it keeps. A value is text, a number, a tuple of texts (shown joined by ``, ``; a filter
matches any one of them) or None (empty). Every table can also be filtered by ``kind`` and
``tag`` (the tags of the object the row is about).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

from topodoc.model.devices import passed_disks
from topodoc.model.facts import (
    cpu_text,
    device_text,
    disk_text,
    history_text,
    os_text,
    passthrough_text,
    pinning_text,
    roles_text,
    runtime_text,
)
from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    Host,
    Machine,
    Member,
    Model,
    Network,
)
from topodoc.model.roles import quorum_voters
from topodoc.model.sizes import exceeds, format_size, scaled, total
from topodoc.reading.rules import DEFAULT_CPU_OVERCOMMIT, DEFAULT_MEMORY_OVERCOMMIT

Value = str | int | tuple[str, ...] | None
Getter = Callable[[Model, Any], Value]


@dataclass(frozen=True)
class Column:
    """A column: the key to ask for it by, its short header, and what it holds."""

    key: str
    header: str
    doc: str = ""
    get: Getter = field(kw_only=True, repr=False, compare=False)  # (model, item) -> value


@dataclass(frozen=True)
class Spec:
    """A table: its columns, those shown when none are asked for, its items in order, and
    the ``kind``/``tag`` filter getters; ``order`` sorts its rows when it has one."""

    columns: tuple[Column, ...]
    default: tuple[str, ...]
    items: Callable[[Model], Sequence[Any]]
    kind: Getter
    tag: Getter
    order: Callable[[Any], Any] | None = None

    def getters(self) -> dict[str, Getter]:
        """Column key (and ``kind``, ``tag``) -> its getter; a column wins over a filter key."""
        return {"kind": self.kind, "tag": self.tag} | {c.key: c.get for c in self.columns}


def _attr(name: str) -> Getter:
    get = attrgetter(name)
    return lambda model, item: get(item)


_kind = _attr("kind")
_tags = _attr("tags")


def _id_name(id_doc: str = "", name_doc: str = "") -> tuple[Column, ...]:
    """The id and name columns of a table of objects."""
    return (
        Column("id", "ID", id_doc, get=_attr("id")),
        Column("name", "Name", name_doc, get=_attr("name")),
    )


def _described() -> tuple[Column, ...]:
    return (
        Column("status", "Status", "planned, active or retired", get=_attr("status")),
        Column("tags", "Tags", get=_tags),
        Column("description", "Description", get=_attr("description")),
    )


def _size(n: int | None) -> str | None:
    return format_size(n) if n else None


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def _addresses(model: Model, machine: Machine) -> tuple[str, ...]:
    return tuple(a for n in machine.nics for a in n.addresses)


def _physical_host(model: Model, obj: Any) -> Value:
    return model.physical_host(obj.id)


def _hosts_under(model: Model, ids: tuple[str, ...]) -> tuple[str, ...]:
    """The physical hosts under ``ids``: machines, or clusters through their members."""
    out: list[str] = []
    for obj_id in ids:
        obj = model.get(obj_id)
        machines = obj.machines() if isinstance(obj, Cluster) else (obj_id,)
        out += [h for m in machines if (h := model.physical_host(m))]
    return tuple(dict.fromkeys(out))


def _placed(model: Model, *kinds: str) -> list[Any]:
    """Objects of ``kinds`` placed on machines: host by host in placement order, then the rest."""
    order = [i for h in model.of_kind("host") for i in model.descendants(h.id)]
    order += sorted({o.id for k in kinds for o in model.of_kind(k)} - set(order))
    return [model.objects[i] for i in order if model.objects[i].kind in kinds]


def _guests(model: Model, machine_id: str) -> list[VM]:
    """The VMs placed directly on ``machine_id``."""
    return [
        vm for c in model.children.get(machine_id, ()) if isinstance(vm := model.objects[c], VM)
    ]


def _of_kind(kind: str) -> Callable[[Model], Sequence[Any]]:
    return lambda model: model.of_kind(kind)


# -- hosts ----------------------------------------------------------------------------------


def _placed_count(kind: str) -> Getter:
    return lambda model, host: sum(
        model.objects[i].kind == kind for i in model.descendants(host.id)
    )


HOSTS = Spec(
    (
        *_id_name("the host's id", "display name"),
        Column("site", "Site", get=_attr("site")),
        Column("failure_domains", "Failure domains", get=_attr("failure_domains")),
        Column("vendor", "Vendor", get=_attr("vendor")),
        Column("model", "Model", get=_attr("model")),
        Column("serial", "Serial", get=_attr("serial")),
        Column(
            "cpu",
            "CPU",
            "CPU model, sockets x cores x threads = logical CPUs",
            get=lambda model, h: cpu_text(h.cpu) if h.cpu else None,
        ),
        Column(
            "cpus", "CPUs", "logical CPUs", get=lambda model, h: h.cpu.logical if h.cpu else None
        ),
        Column("memory", "Memory", "exact size", get=lambda model, h: _size(h.memory)),
        Column(
            "disks",
            "Disks",
            "each disk: name, exact size, type",
            get=lambda model, h: tuple(disk_text(d) for d in h.disks),
        ),
        Column(
            "disk_total",
            "Disk total",
            "the disks' sizes added up, but for those on a device passed through to a VM that runs",
            get=lambda model, h: _size(
                total(d.size for d in h.disks if d.name not in passed_disks(model, h))
            ),
        ),
        Column(
            "devices",
            "Devices",
            "PCI devices VMs can be given, with their VFs and vGPUs",
            get=lambda model, h: tuple(device_text(d) for d in h.devices),
        ),
        Column("addresses", "Addresses", "NIC addresses", get=_addresses),
        Column("bmc", "BMC", "BMC address", get=lambda model, h: h.bmc.get("address")),
        Column("os", "OS", get=lambda model, h: os_text(h) or None),
        Column("nested_virt", "Nested virt", "yes or no", get=lambda model, h: _yes(h.nested_virt)),
        Column("vms", "VMs", "VMs placed on it, at any depth", get=_placed_count("vm")),
        Column(
            "containers",
            "Containers",
            "containers placed on it, at any depth",
            get=_placed_count("container"),
        ),
        *_described(),
    ),
    ("id", "name", "model", "cpus", "memory", "disks", "addresses"),
    _of_kind("host"),
    _kind,
    _tags,
)


# -- VMs and containers ---------------------------------------------------------------------


def _vm_only(get: Callable[[Any], Value], otherwise: Value = None) -> Getter:
    return lambda model, obj: get(obj) if isinstance(obj, VM) else otherwise


VMS = Spec(
    (
        *_id_name(),
        Column("kind", "Kind", "vm or container", get=_kind),
        Column(
            "host", "Host", "the physical host at the bottom of its placement", get=_physical_host
        ),
        Column("runs_on", "Runs on", "the machine it runs on directly", get=_attr("runs_on")),
        Column(
            "level",
            "Level",
            "1 on a host, 2 in a VM on a host, ...",
            get=lambda model, obj: len(model.placement_chain(obj.id)) - 1,
        ),
        Column(
            "platform",
            "Platform",
            "libvirt, ovirt, openstack; a container's runtime",
            get=lambda model, obj: obj.platform if isinstance(obj, VM) else obj.runtime,
        ),
        Column("managed_by", "Managed by", get=_vm_only(attrgetter("managed_by"))),
        Column("vcpu", "vCPU", get=_vm_only(attrgetter("vcpu"))),
        Column("memory", "Memory", "exact size", get=_vm_only(lambda vm: _size(vm.memory))),
        Column(
            "disks", "Disks", get=_vm_only(lambda vm: tuple(disk_text(d) for d in vm.disks), ())
        ),
        Column(
            "passthrough",
            "Passthrough",
            "host devices given to it: HOST:DEVICE [VF n | n vGPU slices]",
            get=_vm_only(
                lambda vm: tuple(passthrough_text(vm.runs_on, p) for p in vm.passthrough), ()
            ),
        ),
        Column("vcpupin", "vCPU pinning", "vCPU->host CPUs", get=_vm_only(pinning_text)),
        Column("numa_node", "NUMA node", get=_vm_only(attrgetter("numa_node"))),
        Column("cpu_mode", "CPU mode", get=_vm_only(attrgetter("cpu_mode"))),
        Column("firmware", "Firmware", "bios or uefi", get=_vm_only(attrgetter("firmware"))),
        Column("machine_type", "Machine type", get=_vm_only(attrgetter("machine_type"))),
        Column("flavor", "Flavor", get=_vm_only(attrgetter("flavor"))),
        Column("state", "State", get=_vm_only(attrgetter("state"))),
        Column("autostart", "Autostart", get=_vm_only(lambda vm: _yes(vm.autostart))),
        Column("nested_virt", "Nested virt", get=_vm_only(lambda vm: _yes(vm.nested_virt))),
        Column("os", "OS", get=_vm_only(lambda vm: os_text(vm) or None)),
        Column(
            "image",
            "Image",
            "a container's image",
            get=lambda model, obj: None if isinstance(obj, VM) else obj.image,
        ),
        Column("addresses", "Addresses", get=_addresses),
        Column(
            "networks",
            "Networks",
            get=lambda model, obj: tuple(dict.fromkeys(n.network for n in obj.nics if n.network)),
        ),
        Column(
            "clusters",
            "Clusters",
            "clusters it is a member of",
            get=lambda model, obj: model.clusters_of.get(obj.id, ()),
        ),
        *_described(),
    ),
    ("id", "name", "host", "runs_on", "platform", "vcpu", "memory", "addresses"),
    lambda model: _placed(model, "vm", "container"),
    _kind,
    _tags,
)


# -- clusters and their members -------------------------------------------------------------


def _quorum(model: Model, cluster: Cluster) -> str | None:
    voters = quorum_voters(model, cluster)
    return f"{len(voters)} voters, tolerates {(len(voters) - 1) // 2} down" if voters else None


def _etcd(model: Model, cluster: Cluster) -> str | None:
    etcd = cluster.etcd_mode or ""
    if cluster.etcd_cluster:
        etcd = f"{etcd} ({cluster.etcd_cluster})".strip()
    return etcd or None


def _machines(model: Model, cluster: Cluster) -> tuple[str, ...]:
    return tuple(dict.fromkeys(cluster.machines()))


CLUSTERS = Spec(
    (
        *_id_name(),
        Column("type", "Type", get=_attr("type")),
        Column("version", "Version", get=_attr("version")),
        Column(
            "members", "Members", "how many machines", get=lambda model, c: len(_machines(model, c))
        ),
        Column(
            "roles",
            "Roles",
            "how many members have each role",
            get=lambda model, c: roles_text([m.roles for m in c.members]),
        ),
        Column("machines", "Machines", "the member machines' ids", get=_machines),
        Column(
            "hosts",
            "Hosts",
            "the physical hosts under its members",
            get=lambda model, c: _hosts_under(model, _machines(model, c)),
        ),
        Column("quorum", "Quorum", "voting members and how many may be down", get=_quorum),
        Column("etcd", "etcd", "Kubernetes: stacked, or external with its etcd cluster", get=_etcd),
        Column("api_endpoint", "API endpoint", get=_attr("api_endpoint")),
        Column(
            "runtime",
            "Runtime",
            "container runtime and version",
            get=lambda model, c: runtime_text(c) or None,
        ),
        Column(
            "history",
            "History",
            "versions reached, with dates",
            get=lambda model, c: history_text(c),
        ),
        Column("depends_on", "Depends on", get=_attr("depends_on")),
        *_described(),
    ),
    ("id", "name", "type", "version", "members", "roles", "hosts"),
    _of_kind("cluster"),
    _kind,
    _tags,
)


def _member_machine(model: Model, pair: tuple[Cluster, Member]) -> AnyObj | None:
    return model.get(pair[1].machine)


MEMBERS = Spec(
    (
        Column("cluster", "Cluster", get=lambda model, pair: pair[0].id),
        Column("type", "Type", "the cluster's type", get=lambda model, pair: pair[0].type),
        Column("machine", "Machine", get=lambda model, pair: pair[1].machine),
        Column(
            "kind",
            "Kind",
            "the machine's kind",
            get=lambda model, pair: getattr(_member_machine(model, pair), "kind", None),
        ),
        Column("roles", "Roles", get=lambda model, pair: pair[1].roles),
        Column(
            "host",
            "Host",
            "the physical host under the machine",
            get=lambda model, pair: model.physical_host(pair[1].machine),
        ),
        Column(
            "addresses",
            "Addresses",
            "the machine's addresses",
            get=lambda model, pair: (
                _addresses(model, m)
                if isinstance(m := _member_machine(model, pair), Machine)
                else ()
            ),
        ),
        Column(
            "status",
            "Status",
            "the machine's status",
            get=lambda model, pair: getattr(_member_machine(model, pair), "status", None),
        ),
    ),
    ("cluster", "machine", "kind", "roles", "host"),
    lambda model: [(c, m) for c in model.of_kind("cluster") for m in c.members],
    lambda model, pair: getattr(_member_machine(model, pair), "kind", None),
    lambda model, pair: pair[0].tags,
)


# -- networks and addresses -----------------------------------------------------------------

#: (machine, NIC name, address, MAC, network)
Attachment = tuple[Host | VM | Container, str | None, str | None, str | None, str | None]


def _attachments(model: Model) -> list[Attachment]:
    """Every address of every NIC of every machine (a NIC without one once), and every host's
    BMC (NIC name ``bmc``)."""
    out: list[Attachment] = []
    machines: tuple[Host | VM | Container, ...] = (
        *model.of_kind("host"),
        *model.of_kind("vm"),
        *model.of_kind("container"),
    )
    for machine in machines:
        out += [
            (machine, nic.name, address, nic.mac, nic.network)
            for nic in machine.nics
            for address in nic.addresses or (None,)
        ]
        if isinstance(machine, Host) and machine.bmc:
            out.append(
                (machine, "bmc", machine.bmc.get("address"), None, machine.bmc.get("network"))
            )
    return out


def _networks(model: Model) -> list[tuple[Network, int]]:
    """Each network and how many machines attach to it."""
    attached: dict[str, set[str]] = {}
    for machine, *_, network in _attachments(model):
        attached.setdefault(network or "", set()).add(machine.id)
    return [(net, len(attached.get(net.id, ()))) for net in model.of_kind("network")]


def _net(name: str) -> Getter:
    return lambda model, pair: getattr(pair[0], name)


NETWORKS = Spec(
    (
        Column("id", "ID", get=_net("id")),
        Column("name", "Name", get=_net("name")),
        Column("type", "Type", get=_net("type")),
        Column("subnet", "Subnet", get=_net("subnet")),
        Column("gateway", "Gateway", get=_net("gateway")),
        Column("vlan", "VLAN", get=_net("vlan")),
        Column("bridge", "Bridge", get=_net("bridge")),
        Column("parent", "Parent", get=_net("parent")),
        Column("forward", "Forward", "libvirt forward mode", get=_net("forward")),
        Column(
            "domain",
            "Domain",
            "DNS domain",
            get=lambda model, pair: pair[0].dns.domain if pair[0].dns else None,
        ),
        Column(
            "dhcp",
            "DHCP",
            "DHCP ranges, START-END",
            get=lambda model, pair: tuple(f"{r.start}-{r.end}" for r in pair[0].dhcp),
        ),
        Column(
            "pools",
            "Pools",
            "address pools, NAME START-END",
            get=lambda model, pair: tuple(
                " ".join(p for p in (r.name or r.purpose, f"{r.start}-{r.end}") if p)
                for r in pair[0].pools
            ),
        ),
        Column(
            "machines",
            "Machines",
            "how many machines attach to it",
            get=lambda model, pair: pair[1],
        ),
        Column("status", "Status", "planned, active or retired", get=_net("status")),
        Column("tags", "Tags", get=_net("tags")),
        Column("description", "Description", get=_net("description")),
    ),
    ("id", "name", "type", "subnet", "gateway", "vlan", "machines"),
    _networks,
    lambda model, pair: pair[0].kind,
    lambda model, pair: pair[0].tags,
)


def _address_order(item: Attachment) -> tuple[str, tuple[int, int | str], str, str]:
    machine, nic, address, _, network = item
    try:
        ip: tuple[int, int | str] = (0, int(ipaddress.ip_address(str(address))))
    except ValueError:
        ip = (1, str(address or ""))
    return (str(network or ""), ip, machine.id, str(nic or ""))


def _subnet(model: Model, item: Attachment) -> Value:
    network = model.objects.get(item[4] or "")
    return network.subnet if isinstance(network, Network) else None


ADDRESSES = Spec(
    (
        Column("address", "Address", get=lambda model, item: item[2]),
        Column("network", "Network", get=lambda model, item: item[4]),
        Column("subnet", "Subnet", get=_subnet),
        Column("machine", "Machine", get=lambda model, item: item[0].id),
        Column("kind", "Kind", "the machine's kind", get=lambda model, item: item[0].kind),
        Column(
            "nic", "NIC", "interface name; bmc for a host's BMC", get=lambda model, item: item[1]
        ),
        Column("mac", "MAC", get=lambda model, item: item[3]),
        Column(
            "host",
            "Host",
            "the physical host under the machine",
            get=lambda model, item: model.physical_host(item[0].id),
        ),
        Column("status", "Status", "the machine's status", get=lambda model, item: item[0].status),
    ),
    ("address", "network", "machine", "kind", "nic", "host"),
    _attachments,
    lambda model, item: item[0].kind,
    lambda model, item: item[0].tags,
    _address_order,
)


# -- capacity -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Load:
    """A machine that has VMs: those placed directly on it that run (counted; sums worked out
    once: a row reads them in several columns) and the others (planned, retired, shut off,
    templates: listed apart, not counted)."""

    machine: Host | VM
    guests: tuple[VM, ...]
    idle: tuple[VM, ...] = ()

    @cached_property
    def cpus(self) -> int | None:
        machine = self.machine
        if isinstance(machine, Host):
            return machine.cpu.logical if machine.cpu else None
        return machine.vcpu

    @cached_property
    def vcpus(self) -> int:
        return sum(g.vcpu or 0 for g in self.guests)

    @cached_property
    def memory(self) -> int:
        return total(g.memory for g in self.guests)

    @property
    def cpu_limit(self) -> float:
        return self.machine.overcommit_cpu or DEFAULT_CPU_OVERCOMMIT

    @property
    def memory_limit(self) -> float:
        return self.machine.overcommit_memory or DEFAULT_MEMORY_OVERCOMMIT

    def over(self) -> tuple[str, ...]:
        over = []
        if self.cpus and self.vcpus > self.cpus * self.cpu_limit:
            over.append("cpu")
        memory = self.machine.memory
        if memory and exceeds(self.memory, scaled(memory, self.memory_limit)):
            over.append("memory")
        return tuple(over)


def _loads(model: Model) -> list[_Load]:
    """Hosts and VMs running VMs (a VM on a container, an error, is not counted)."""
    machines = [m for h in model.of_kind("host") for m in [h.id, *model.descendants(h.id)]]
    return [
        _Load(machine, tuple(g for g in guests if g.runs), tuple(g for g in guests if not g.runs))
        for m in machines
        if isinstance(machine := model.objects[m], Host | VM) and (guests := _guests(model, m))
    ]


def _ratio(used: int, total: int | None) -> str | None:
    return f"{used / total:.2f}" if total else None


CAPACITY = Spec(
    (
        Column(
            "machine",
            "Machine",
            "a host, or a VM that runs VMs",
            get=lambda model, load: load.machine.id,
        ),
        Column("kind", "Kind", get=lambda model, load: load.machine.kind),
        Column(
            "host",
            "Host",
            "the physical host under it",
            get=lambda model, load: model.physical_host(load.machine.id),
        ),
        Column(
            "guests",
            "Guests",
            "VMs placed directly on it that run (counted)",
            get=lambda model, load: len(load.guests),
        ),
        Column(
            "not_counted",
            "Not counted",
            "VMs on it that do not run, with why: planned, retired, shutoff, template",
            get=lambda model, load: tuple(f"{g.id} ({g.not_running})" for g in load.idle),
        ),
        Column(
            "cpus", "CPUs", "a host's logical CPUs, a VM's vCPUs", get=lambda model, load: load.cpus
        ),
        Column(
            "vcpus", "vCPU alloc", "the guests' vCPUs added up", get=lambda model, load: load.vcpus
        ),
        Column(
            "cpu_ratio",
            "CPU ratio",
            "vCPU allocated / CPUs",
            get=lambda model, load: _ratio(load.vcpus, load.cpus),
        ),
        Column(
            "cpu_limit",
            "CPU limit",
            "the allowed CPU overcommit ratio",
            get=lambda model, load: f"{load.cpu_limit:g}",
        ),
        Column(
            "memory",
            "Memory",
            "its memory, exact",
            get=lambda model, load: _size(load.machine.memory),
        ),
        Column(
            "memory_allocated",
            "Mem alloc",
            "the guests' memory added up, exact",
            get=lambda model, load: format_size(load.memory),
        ),
        Column(
            "memory_ratio",
            "Mem ratio",
            "memory allocated / memory",
            get=lambda model, load: _ratio(load.memory, load.machine.memory),
        ),
        Column(
            "memory_limit",
            "Mem limit",
            "the allowed memory overcommit ratio",
            get=lambda model, load: f"{load.memory_limit:g}",
        ),
        Column(
            "unsized",
            "Unsized",
            "guests without vcpu or memory, not counted",
            get=lambda model, load: sum(g.vcpu is None or g.memory is None for g in load.guests),
        ),
        Column(
            "over",
            "Over",
            "cpu and/or memory when past the allowed ratio",
            get=lambda model, load: load.over(),
        ),
        Column(
            "status", "Status", "the machine's status", get=lambda model, load: load.machine.status
        ),
    ),
    (
        "machine",
        "kind",
        "guests",
        "cpus",
        "vcpus",
        "cpu_ratio",
        "memory",
        "memory_allocated",
        "memory_ratio",
        "over",
    ),
    _loads,
    lambda model, load: load.machine.kind,
    lambda model, load: load.machine.tags,
)


# -- services and storage -------------------------------------------------------------------

SERVICES = Spec(
    (
        *_id_name(),
        Column("type", "Type", get=_attr("type")),
        Column("version", "Version", get=_attr("version")),
        Column("runs_on", "Runs on", "the machines it runs on", get=_attr("runs_on")),
        Column(
            "hosts",
            "Hosts",
            "the physical hosts under them",
            get=lambda model, s: _hosts_under(model, s.runs_on),
        ),
        Column("depends_on", "Depends on", get=_attr("depends_on")),
        Column("url", "URL", get=_attr("url")),
        *_described(),
    ),
    ("id", "name", "type", "version", "runs_on", "depends_on"),
    _of_kind("service"),
    _kind,
    _tags,
)


STORAGE = Spec(
    (
        *_id_name(),
        Column("type", "Type", get=_attr("type")),
        Column("provided_by", "Provided by", get=_attr("provided_by")),
        Column("size", "Size", "exact size", get=lambda model, s: _size(s.size)),
        Column("replicas", "Replicas", get=_attr("replicas")),
        Column(
            "min_replicas",
            "Min replicas",
            "copies needed to serve I/O (Ceph min_size)",
            get=_attr("min_replicas"),
        ),
        Column("backing", "Backing", get=_attr("backing")),
        Column("used_by", "Used by", get=_attr("used_by")),
        Column(
            "hosts",
            "Hosts",
            "the physical hosts under its provider",
            get=lambda model, s: _hosts_under(model, (s.provided_by,)),
        ),
        *_described(),
    ),
    ("id", "name", "type", "provided_by", "size", "replicas", "used_by"),
    _of_kind("storage"),
    _kind,
    _tags,
)


SPECS: dict[str, Spec] = {
    "hosts": HOSTS,
    "vms": VMS,
    "clusters": CLUSTERS,
    "members": MEMBERS,
    "networks": NETWORKS,
    "addresses": ADDRESSES,
    "capacity": CAPACITY,
    "services": SERVICES,
    "storage": STORAGE,
}
