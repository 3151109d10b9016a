"""The reference card of one object (``topodoc-object``): its fields, then, cross-linked, what
runs on it down to nested VMs, its services, clusters, dependencies and networks."""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes

from topodoc.model.facts import cpu_text, disk_text, os_text
from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    FailureDomain,
    Host,
    Machine,
    Network,
    Obj,
    Service,
    Site,
    Storage,
)
from topodoc.model.sizes import format_size
from topodoc.tables.table import table_columns

from .context import Context
from .driftnodes import object_drift
from .markup import Cell, bullets, fields, joined, para, table
from .nodes import Placeholder

Fields = list[tuple[str, Cell | list[Cell]]]
#: What a machine's card shows of the capacity table: its guests' load against what it has.
CAPACITY = ("guests", "cpus", "vcpus", "cpu_ratio", "cpu_limit", "memory", "memory_allocated",
            "memory_ratio", "memory_limit", "unsized", "over")
Section = tuple[str, nodes.Node]


def object_card(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    obj = ctx.model.objects[node["object"]]  # the directive checked it is there
    card = nodes.container(ids=node["ids"], classes=["topodoc-object", *node["classes"]])
    if obj.description:
        card += para(obj.description)
    card += fields(_common_fields(ctx, obj) + _kind_fields(ctx, obj))
    for title, body in _sections(ctx, obj):
        card += nodes.rubric(title, title)
        card += body
    return [card]


def _refs(ctx: Context, ids: tuple[str, ...] | list[str]) -> list[Cell]:
    return [ctx.ref(i) for i in ids]


def _size(value: int | None) -> str:
    return format_size(value) if value else ""


def _common_fields(ctx: Context, obj: Obj) -> Fields:
    fields: Fields = [("Kind", obj.kind.replace("_", " ")), ("ID", nodes.literal(obj.id, obj.id))]
    if obj.name:
        fields.append(("Name", obj.name))
    if obj.label:
        fields.append(("Label", nodes.literal(obj.label, obj.label)))
    if obj.tags:
        fields.append(("Tags", list(obj.tags)))
    fields.append(("Defined in", nodes.literal("", ctx.where(obj.loc))))
    return fields


def _disks(machine: Host | VM) -> str:
    return ", ".join(disk_text(d) for d in machine.disks)


def _host_fields(ctx: Context, host: Host) -> Fields:
    fields: Fields = [
        ("Hardware", " ".join(filter(None, (host.vendor, host.model)))),
        ("CPU", cpu_text(host.cpu) if host.cpu else ""), ("Memory", _size(host.memory)),
        ("Disks", _disks(host)),
        ("OS", os_text(host)),
        ("Nested virtualization", "yes" if host.nested_virt else "no"),
    ]
    if host.bmc:
        network = host.bmc.get("network")
        fields.append(("BMC", [" ".join(filter(None, (host.bmc.get("type"),
                                                      host.bmc.get("address")))),
                               *([ctx.ref(network)] if network else [])]))
    if host.site:
        fields.append(("Site", ctx.ref(host.site)))
    if host.failure_domains:
        fields.append(("Failure domains", _refs(ctx, host.failure_domains)))
    return [f for f in fields if f[1]]


def _vm_fields(ctx: Context, vm: VM) -> Fields:
    chain = ctx.model.placement_chain(vm.id)
    fields: Fields = [
        ("Runs on", ctx.ref(vm.runs_on)),
        ("Placement", nodes.inline("", "", *joined(_refs(ctx, chain), " → "))),
        ("Platform", vm.platform),
        ("Managed by", ctx.ref(vm.managed_by) if vm.managed_by else ""),
        ("vCPU", str(vm.vcpu or "")), ("Memory", _size(vm.memory)), ("Disks", _disks(vm)),
        ("Flavor", vm.flavor or ""), ("State", vm.state or ""),
        ("Autostart", "" if vm.autostart is None else "yes" if vm.autostart else "no"),
        ("Nested virtualization", "yes" if vm.nested_virt else ""), ("OS", os_text(vm)),
    ]
    return [f for f in fields if f[1]]


def _container_fields(ctx: Context, container: Container) -> Fields:
    fields: Fields = [("Runs on", ctx.ref(container.runs_on)),
                      ("Runtime", container.runtime or ""), ("Image", container.image or "")]
    return [f for f in fields if f[1]]


def _cluster_fields(ctx: Context, cluster: Cluster) -> Fields:
    fields: Fields = [("Type", cluster.type), ("Version", cluster.version or "")]
    if cluster.etcd_mode:
        fields.append(("etcd", [cluster.etcd_mode,
                                *([ctx.ref(cluster.etcd_cluster)] if cluster.etcd_cluster
                                  else [])]))
    return [f for f in fields if f[1]]


def _service_fields(ctx: Context, service: Service) -> Fields:
    fields: Fields = [("Type", service.type or ""), ("Version", service.version or "")]
    if service.url:
        fields.append(("URL", nodes.reference(service.url, service.url, refuri=service.url)))
    return [f for f in fields if f[1]]


def _network_fields(ctx: Context, network: Network) -> Fields:
    fields: Fields = [("Type", network.type), ("Subnet", network.subnet or ""),
                      ("Gateway", network.gateway or ""),
                      ("VLAN", "" if network.vlan is None else str(network.vlan)),
                      ("Bridge", network.bridge or ""),
                      ("Parent", ctx.ref(network.parent) if network.parent else "")]
    return [f for f in fields if f[1]]


def _storage_fields(ctx: Context, storage: Storage) -> Fields:
    fields: Fields = [("Type", storage.type), ("Provided by", ctx.ref(storage.provided_by)),
                      ("Size", _size(storage.size)),
                      ("Replicas", "" if storage.replicas is None else str(storage.replicas))]
    return [f for f in fields if f[1]]


def _site_fields(ctx: Context, site: Site) -> Fields:
    return [("Location", site.location)] if site.location else []


def _domain_fields(ctx: Context, domain: FailureDomain) -> Fields:
    fields: Fields = [("Type", domain.type),
                      ("Site", ctx.ref(domain.site) if domain.site else ""),
                      ("Parent", ctx.ref(domain.parent) if domain.parent else "")]
    return [f for f in fields if f[1]]


def _kind_fields(ctx: Context, obj: AnyObj) -> Fields:
    """The fields of ``obj``'s kind."""
    if isinstance(obj, Host):
        return _host_fields(ctx, obj)
    if isinstance(obj, VM):
        return _vm_fields(ctx, obj)
    if isinstance(obj, Container):
        return _container_fields(ctx, obj)
    if isinstance(obj, Cluster):
        return _cluster_fields(ctx, obj)
    if isinstance(obj, Service):
        return _service_fields(ctx, obj)
    if isinstance(obj, Network):
        return _network_fields(ctx, obj)
    if isinstance(obj, Storage):
        return _storage_fields(ctx, obj)
    if isinstance(obj, Site):
        return _site_fields(ctx, obj)
    return _domain_fields(ctx, obj)


def _guest_summary(obj: VM | Container) -> str:
    if isinstance(obj, VM):
        parts = ["VM", obj.platform, f"{obj.vcpu} vCPU" if obj.vcpu else "", _size(obj.memory)]
        if obj.state and obj.state != "running":
            parts.append(obj.state)
    else:
        parts = ["container", obj.runtime or ""]
    return ", ".join(p for p in parts if p)


def placement_tree(ctx: Context, machine: str, seen: frozenset[str] = frozenset()
                   ) -> nodes.bullet_list | None:
    """Everything placed on ``machine``, nested down to the last level of VMs."""
    guests = [g for c in ctx.model.children.get(machine, ())  # VMs and containers
              if c not in seen and isinstance(g := ctx.model.objects[c], VM | Container)]
    if not guests:
        return None
    items = []
    for obj in guests:
        child = obj.id
        item: list[nodes.Node] = [ctx.ref(child), nodes.Text(f" ({_guest_summary(obj)})")]
        services = ctx.model.services_on.get(child, ())
        if services:
            item += [nodes.Text("; services: "), *joined(_refs(ctx, services))]
        nested = placement_tree(ctx, child, seen | {machine, child})
        items.append(item + ([nested] if nested else []))
    return bullets(items)


def _roles(cluster: Cluster, machine: str) -> str:
    return ", ".join(r for m in cluster.members if m.machine == machine for r in m.roles)


def _list(ctx: Context, ids: list[str] | tuple[str, ...]) -> nodes.bullet_list:
    return bullets([[ctx.ref(i), nodes.Text(f" — {obj.title}")]
                    if (obj := ctx.model.get(i)) and obj.title != i else ctx.ref(i)
                    for i in ids])


def _sections(ctx: Context, obj: AnyObj) -> Iterator[Section]:
    model, lab = ctx.model, ctx.lab
    if isinstance(obj, Machine):
        tree = placement_tree(ctx, obj.id)
        if tree is not None:
            yield "Runs on it", tree
        if services := model.services_on.get(obj.id):
            yield "Services on it", _list(ctx, services)
        if clusters := model.clusters_of.get(obj.id):
            yield "Clusters", table(("Cluster", "Type", "Roles"), [
                (ctx.ref(c.id), c.type, _roles(c, obj.id))
                for c in (model.objects[i] for i in clusters) if isinstance(c, Cluster)])
        if (row := lab.rows_by("capacity", CAPACITY, "machine").get(obj.id)) is not None:
            headers = {c.key: c.header for c in table_columns("capacity")}
            yield "Capacity", table([headers[k] for k in CAPACITY], [row])
        if obj.nics:
            yield "Networks and addresses", table(("Interface", "Network", "Address", "Speed"), [
                (n.name or "", ctx.ref(n.network) if n.network else "", n.address or "",
                 n.speed or "") for n in obj.nics])
    if isinstance(obj, Cluster) and obj.members:
        yield "Members", table(("Machine", "Roles", "Physical host"), [
            (ctx.ref(m.machine), ", ".join(m.roles),
             ctx.ref(host) if (host := model.physical_host(m.machine)) else "")
            for m in obj.members])
    if isinstance(obj, Service) and obj.runs_on:
        yield "Runs on", _list(ctx, obj.runs_on)
    if depends := getattr(obj, "depends_on", ()):
        yield "Depends on", _list(ctx, depends)
    if dependents := lab.referring(obj.id, "depends_on", "etcd"):
        yield "Depended on by", _list(ctx, dependents)
    if isinstance(obj, Storage):
        if obj.backing:
            yield "Backed by", _list(ctx, obj.backing)
        if obj.used_by:
            yield "Used by", _list(ctx, obj.used_by)
    if provides := lab.referring(obj.id, "provided_by"):
        yield "Provides storage", _list(ctx, provides)
    if backs := lab.referring(obj.id, "backing"):
        yield "Backs", _list(ctx, backs)
    if not isinstance(obj, Storage) and (uses := lab.referring(obj.id, "used_by")):
        yield "Uses storage", _list(ctx, uses)
    if disks := lab.referring(obj.id, "uses"):
        yield "Disks of", _list(ctx, disks)
    if managed := lab.referring(obj.id, "managed_by"):
        yield "Manages", _list(ctx, managed)
    if isinstance(obj, Network):
        attached = [(m, n) for m in model.of_kind("host") + model.of_kind("vm")
                    + model.of_kind("container") for n in m.nics if n.network == obj.id]
        if attached:
            yield "Attached machines", table(("Machine", "Interface", "Address"), [
                (ctx.ref(m.id), n.name or "", n.address or "") for m, n in attached])
        if bmcs := [h for h in model.of_kind("host") if h.bmc.get("network") == obj.id]:
            yield "BMCs", table(("Host", "BMC", "Address"), [
                (ctx.ref(h.id), h.bmc.get("type", ""), h.bmc.get("address", "")) for h in bmcs])
        if subnets := lab.referring(obj.id, "parent"):
            yield "Networks inside it", _list(ctx, subnets)
    if isinstance(obj, Site | FailureDomain):
        if inside := lab.referring(obj.id, "in_domain", "parent"):
            yield "In it", _list(ctx, inside)
    if (drift := object_drift(ctx, obj.id)) is not None:
        yield "Last drift check", drift
