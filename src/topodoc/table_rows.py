"""The tables' columns (key, header, what each holds) and rows, computed from the model.

A row maps column keys to values: text, a number, a tuple of texts (shown joined by ``, ``;
a filter matches any one of them) or None (empty). Every row also has ``kind`` and ``tag``
(the tags of the object it is about), for filters.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .facts import cpu_text, disk_text, roles_text
from .model import QUORUM_ROLES, Cluster, Machine, Model
from .rules import DEFAULT_CPU_OVERCOMMIT, DEFAULT_MEMORY_OVERCOMMIT
from .sizes import format_size

Value = str | int | tuple[str, ...] | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Column:
    """A column: the key to ask for it by, its short header, and what it holds."""

    key: str
    header: str
    doc: str = ""


@dataclass(frozen=True)
class Spec:
    """A table: its columns, those shown when none are asked for, and its rows in order."""

    columns: tuple[Column, ...]
    default: tuple[str, ...]
    rows: Callable[[Model], Iterator[Row]]


def _size(n: int | None) -> str | None:
    return format_size(n) if n else None


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def _addresses(machine: Machine) -> tuple[str, ...]:
    return tuple(n.address for n in machine.nics if n.address)


def _hosts_under(model: Model, ids: tuple[str, ...]) -> tuple[str, ...]:
    """The physical hosts under ``ids``: machines, or clusters through their members."""
    out: list[str] = []
    for obj_id in ids:
        obj = model.get(obj_id)
        machines = obj.machines() if isinstance(obj, Cluster) else (obj_id,)
        out += [h for m in machines if (h := model.physical_host(m))]
    return tuple(dict.fromkeys(out))


def _about(obj: Any) -> Row:
    return {"id": obj.id, "name": obj.name, "kind": obj.kind, "tag": obj.tags,
            "tags": obj.tags, "description": obj.description}


def _placed(model: Model, *kinds: str) -> list[Any]:
    """Objects of ``kinds`` placed on machines: host by host in placement order, then the rest."""
    order = [i for h in model.of_kind("host") for i in model.descendants(h.id)]
    order += sorted({o.id for k in kinds for o in model.of_kind(k)} - set(order))
    return [model.objects[i] for i in order if model.objects[i].kind in kinds]


def _guests(model: Model, machine_id: str) -> list[Any]:
    """The VMs placed directly on ``machine_id``."""
    return [model.objects[c] for c in model.children.get(machine_id, ())
            if model.objects[c].kind == "vm"]


# -- hosts ----------------------------------------------------------------------------------

def _host_rows(model: Model) -> Iterator[Row]:
    for host in model.of_kind("host"):
        placed = [model.objects[i].kind for i in model.descendants(host.id)]
        yield {**_about(host), "site": host.site, "failure_domains": host.failure_domains,
               "vendor": host.vendor, "model": host.model, "serial": host.serial,
               "cpu": cpu_text(host.cpu) if host.cpu else None,
               "cpus": host.cpu.logical if host.cpu else None, "memory": _size(host.memory),
               "disks": tuple(disk_text(d) for d in host.disks),
               "disk_total": _size(sum(d.size for d in host.disks)),
               "addresses": _addresses(host), "bmc": host.bmc.get("address"),
               "os": " ".join(v for v in host.os.values() if v) or None,
               "nested_virt": _yes(host.nested_virt), "vms": placed.count("vm"),
               "containers": placed.count("container")}


HOSTS = Spec((
    Column("id", "ID", "the host's id"), Column("name", "Name", "display name"),
    Column("site", "Site"), Column("failure_domains", "Failure domains"),
    Column("vendor", "Vendor"), Column("model", "Model"), Column("serial", "Serial"),
    Column("cpu", "CPU", "CPU model, sockets x cores x threads = logical CPUs"),
    Column("cpus", "CPUs", "logical CPUs"), Column("memory", "Memory", "exact size"),
    Column("disks", "Disks", "each disk: name, exact size, type"),
    Column("disk_total", "Disk total", "the disks' sizes added up"),
    Column("addresses", "Addresses", "NIC addresses"), Column("bmc", "BMC", "BMC address"),
    Column("os", "OS"), Column("nested_virt", "Nested virt", "yes or no"),
    Column("vms", "VMs", "VMs placed on it, at any depth"),
    Column("containers", "Containers", "containers placed on it, at any depth"),
    Column("tags", "Tags"), Column("description", "Description"),
), ("id", "name", "model", "cpus", "memory", "disks", "addresses"), _host_rows)


# -- VMs and containers ---------------------------------------------------------------------

def _vm_rows(model: Model) -> Iterator[Row]:
    for obj in _placed(model, "vm", "container"):
        is_vm = obj.kind == "vm"
        yield {**_about(obj), "host": model.physical_host(obj.id), "runs_on": obj.runs_on,
               "level": len(model.placement_chain(obj.id)) - 1,
               "platform": obj.platform if is_vm else obj.runtime,
               "managed_by": obj.managed_by if is_vm else None,
               "vcpu": obj.vcpu if is_vm else None,
               "memory": _size(obj.memory) if is_vm else None,
               "disks": tuple(disk_text(d) for d in obj.disks) if is_vm else (),
               "flavor": obj.flavor if is_vm else None, "state": obj.state if is_vm else None,
               "autostart": _yes(obj.autostart) if is_vm else None,
               "nested_virt": _yes(obj.nested_virt) if is_vm else None,
               "os": (" ".join(v for v in obj.os.values() if v) or None) if is_vm else None,
               "image": None if is_vm else obj.image, "addresses": _addresses(obj),
               "networks": tuple(dict.fromkeys(n.network for n in obj.nics if n.network)),
               "clusters": model.clusters_of.get(obj.id, ())}


VMS = Spec((
    Column("id", "ID"), Column("name", "Name"), Column("kind", "Kind", "vm or container"),
    Column("host", "Host", "the physical host at the bottom of its placement"),
    Column("runs_on", "Runs on", "the machine it runs on directly"),
    Column("level", "Level", "1 on a host, 2 in a VM on a host, ..."),
    Column("platform", "Platform", "libvirt, ovirt, openstack; a container's runtime"),
    Column("managed_by", "Managed by"), Column("vcpu", "vCPU"),
    Column("memory", "Memory", "exact size"), Column("disks", "Disks"),
    Column("flavor", "Flavor"), Column("state", "State"), Column("autostart", "Autostart"),
    Column("nested_virt", "Nested virt"), Column("os", "OS"),
    Column("image", "Image", "a container's image"), Column("addresses", "Addresses"),
    Column("networks", "Networks"), Column("clusters", "Clusters", "clusters it is a member of"),
    Column("tags", "Tags"), Column("description", "Description"),
), ("id", "name", "host", "runs_on", "platform", "vcpu", "memory", "addresses"), _vm_rows)


# -- clusters and their members -------------------------------------------------------------

def _voters(model: Model, cluster: Cluster) -> tuple[str, ...]:
    if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
        etcd = model.get(cluster.etcd_cluster or "")
        return tuple(dict.fromkeys(etcd.machines())) if isinstance(etcd, Cluster) else ()
    roles = QUORUM_ROLES.get(cluster.type, ())
    return tuple(dict.fromkeys(cluster.machines(*roles))) if roles else ()


def _cluster_rows(model: Model) -> Iterator[Row]:
    for cluster in model.of_kind("cluster"):
        machines = tuple(dict.fromkeys(cluster.machines()))
        voters = _voters(model, cluster)
        etcd = cluster.etcd_mode or ""
        if cluster.etcd_cluster:
            etcd = f"{etcd} ({cluster.etcd_cluster})".strip()
        yield {**_about(cluster), "type": cluster.type, "version": cluster.version,
               "members": len(machines), "roles": roles_text([m.roles for m in cluster.members]),
               "machines": machines, "hosts": _hosts_under(model, machines),
               "quorum": f"{len(voters)} voters, tolerates {(len(voters) - 1) // 2} down"
               if voters else None,
               "etcd": etcd or None, "depends_on": cluster.depends_on}


CLUSTERS = Spec((
    Column("id", "ID"), Column("name", "Name"), Column("type", "Type"),
    Column("version", "Version"), Column("members", "Members", "how many machines"),
    Column("roles", "Roles", "how many members have each role"),
    Column("machines", "Machines", "the member machines' ids"),
    Column("hosts", "Hosts", "the physical hosts under its members"),
    Column("quorum", "Quorum", "voting members and how many may be down"),
    Column("etcd", "etcd", "Kubernetes: stacked, or external with its etcd cluster"),
    Column("depends_on", "Depends on"), Column("tags", "Tags"),
    Column("description", "Description"),
), ("id", "name", "type", "version", "members", "roles", "hosts"), _cluster_rows)


def _member_rows(model: Model) -> Iterator[Row]:
    for cluster in model.of_kind("cluster"):
        for member in cluster.members:
            machine = model.get(member.machine)
            yield {"kind": machine.kind if machine else None, "tag": cluster.tags,
                   "cluster": cluster.id, "type": cluster.type, "machine": member.machine,
                   "roles": member.roles, "host": model.physical_host(member.machine),
                   "addresses": _addresses(machine) if isinstance(machine, Machine) else ()}


MEMBERS = Spec((
    Column("cluster", "Cluster"), Column("type", "Type", "the cluster's type"),
    Column("machine", "Machine"), Column("kind", "Kind", "the machine's kind"),
    Column("roles", "Roles"), Column("host", "Host", "the physical host under the machine"),
    Column("addresses", "Addresses", "the machine's addresses"),
), ("cluster", "machine", "kind", "roles", "host"), _member_rows)


# -- networks and addresses -----------------------------------------------------------------

Attachment = tuple[Any, str | None, str | None, str | None, str | None]


def _attachments(model: Model) -> Iterator[Attachment]:
    """(machine, NIC name, address, MAC, network) for every NIC, and every host's BMC."""
    for kind in ("host", "vm", "container"):
        for machine in model.of_kind(kind):
            for nic in machine.nics:
                yield machine, nic.name, nic.address, nic.mac, nic.network
            if kind == "host" and machine.bmc:
                yield machine, "bmc", machine.bmc.get("address"), None, machine.bmc.get("network")


def _network_rows(model: Model) -> Iterator[Row]:
    attached: dict[str, set[str]] = {}
    for machine, *_, network in _attachments(model):
        attached.setdefault(network or "", set()).add(machine.id)
    for net in model.of_kind("network"):
        yield {**_about(net), "type": net.type, "subnet": net.subnet, "gateway": net.gateway,
               "vlan": net.vlan, "bridge": net.bridge, "parent": net.parent,
               "machines": len(attached.get(net.id, ()))}


NETWORKS = Spec((
    Column("id", "ID"), Column("name", "Name"), Column("type", "Type"),
    Column("subnet", "Subnet"), Column("gateway", "Gateway"), Column("vlan", "VLAN"),
    Column("bridge", "Bridge"), Column("parent", "Parent"),
    Column("machines", "Machines", "how many machines attach to it"), Column("tags", "Tags"),
    Column("description", "Description"),
), ("id", "name", "type", "subnet", "gateway", "vlan", "machines"), _network_rows)


def _address_key(row: Row) -> tuple:
    try:
        ip: tuple = (0, int(ipaddress.ip_address(str(row["address"]))))
    except ValueError:
        ip = (1, str(row["address"] or ""))
    return (str(row["network"] or ""), ip, row["machine"], str(row["nic"] or ""))


def _address_rows(model: Model) -> Iterator[Row]:
    subnets = {n.id: n.subnet for n in model.of_kind("network")}
    rows: list[Row] = [
        {"kind": machine.kind, "tag": machine.tags, "address": address, "network": network,
         "subnet": subnets.get(network or ""), "machine": machine.id, "nic": nic, "mac": mac,
         "host": model.physical_host(machine.id)}
        for machine, nic, address, mac, network in _attachments(model)]
    yield from sorted(rows, key=_address_key)


ADDRESSES = Spec((
    Column("address", "Address"), Column("network", "Network"), Column("subnet", "Subnet"),
    Column("machine", "Machine"), Column("kind", "Kind", "the machine's kind"),
    Column("nic", "NIC", "interface name; bmc for a host's BMC"), Column("mac", "MAC"),
    Column("host", "Host", "the physical host under the machine"),
), ("address", "network", "machine", "kind", "nic", "host"), _address_rows)


# -- capacity -------------------------------------------------------------------------------

def _ratio(used: int, total: int | None) -> str | None:
    return f"{used / total:.2f}" if total else None


def _capacity_rows(model: Model) -> Iterator[Row]:
    machines = [m for h in model.of_kind("host")
                for m in [h.id, *model.descendants(h.id)] if _guests(model, m)]
    for machine_id in machines:
        machine = model.objects[machine_id]
        guests = _guests(model, machine_id)
        cpus = (machine.cpu.logical if machine.cpu else None) if machine.kind == "host" \
            else machine.vcpu
        vcpus = sum(g.vcpu or 0 for g in guests)
        memory = sum(g.memory or 0 for g in guests)
        cpu_limit = machine.overcommit_cpu or DEFAULT_CPU_OVERCOMMIT
        memory_limit = machine.overcommit_memory or DEFAULT_MEMORY_OVERCOMMIT
        over = []
        if cpus and vcpus > cpus * cpu_limit:
            over.append("cpu")
        if machine.memory and memory > machine.memory * memory_limit:
            over.append("memory")
        yield {"kind": machine.kind, "tag": machine.tags, "machine": machine_id,
               "host": model.physical_host(machine_id), "guests": len(guests), "cpus": cpus,
               "vcpus": vcpus, "cpu_ratio": _ratio(vcpus, cpus), "cpu_limit": f"{cpu_limit:g}",
               "memory": _size(machine.memory), "memory_allocated": format_size(memory),
               "memory_ratio": _ratio(memory, machine.memory),
               "memory_limit": f"{memory_limit:g}",
               "unsized": sum(g.vcpu is None or g.memory is None for g in guests),
               "over": tuple(over)}


CAPACITY = Spec((
    Column("machine", "Machine", "a host, or a VM that runs VMs"),
    Column("kind", "Kind"), Column("host", "Host", "the physical host under it"),
    Column("guests", "Guests", "VMs placed directly on it"),
    Column("cpus", "CPUs", "a host's logical CPUs, a VM's vCPUs"),
    Column("vcpus", "vCPU alloc", "the guests' vCPUs added up"),
    Column("cpu_ratio", "CPU ratio", "vCPU allocated / CPUs"),
    Column("cpu_limit", "CPU limit", "the allowed CPU overcommit ratio"),
    Column("memory", "Memory", "its memory, exact"),
    Column("memory_allocated", "Mem alloc", "the guests' memory added up, exact"),
    Column("memory_ratio", "Mem ratio", "memory allocated / memory"),
    Column("memory_limit", "Mem limit", "the allowed memory overcommit ratio"),
    Column("unsized", "Unsized", "guests without vcpu or memory, not counted"),
    Column("over", "Over", "cpu and/or memory when past the allowed ratio"),
), ("machine", "kind", "guests", "cpus", "vcpus", "cpu_ratio", "memory", "memory_allocated",
    "memory_ratio", "over"), _capacity_rows)


# -- services and storage -------------------------------------------------------------------

def _service_rows(model: Model) -> Iterator[Row]:
    for service in model.of_kind("service"):
        yield {**_about(service), "type": service.type, "version": service.version,
               "runs_on": service.runs_on, "hosts": _hosts_under(model, service.runs_on),
               "depends_on": service.depends_on, "url": service.url}


SERVICES = Spec((
    Column("id", "ID"), Column("name", "Name"), Column("type", "Type"),
    Column("version", "Version"), Column("runs_on", "Runs on", "the machines it runs on"),
    Column("hosts", "Hosts", "the physical hosts under them"),
    Column("depends_on", "Depends on"), Column("url", "URL"), Column("tags", "Tags"),
    Column("description", "Description"),
), ("id", "name", "type", "version", "runs_on", "depends_on"), _service_rows)


def _storage_rows(model: Model) -> Iterator[Row]:
    for item in model.of_kind("storage"):
        yield {**_about(item), "type": item.type, "provided_by": item.provided_by,
               "size": _size(item.size), "replicas": item.replicas, "backing": item.backing,
               "used_by": item.used_by, "hosts": _hosts_under(model, (item.provided_by,))}


STORAGE = Spec((
    Column("id", "ID"), Column("name", "Name"), Column("type", "Type"),
    Column("provided_by", "Provided by"), Column("size", "Size", "exact size"),
    Column("replicas", "Replicas"), Column("backing", "Backing"), Column("used_by", "Used by"),
    Column("hosts", "Hosts", "the physical hosts under its provider"), Column("tags", "Tags"),
    Column("description", "Description"),
), ("id", "name", "type", "provided_by", "size", "replicas", "used_by"), _storage_rows)


SPECS: dict[str, Spec] = {
    "hosts": HOSTS, "vms": VMS, "clusters": CLUSTERS, "members": MEMBERS,
    "networks": NETWORKS, "addresses": ADDRESSES, "capacity": CAPACITY,
    "services": SERVICES, "storage": STORAGE,
}
