"""The reference card of one object (``topodoc-object``): its fields, then, cross-linked, what
runs on it down to nested VMs, its services, clusters, dependencies and networks."""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes

from topodoc.model.devices import passed_disks
from topodoc.model.facts import (
    cpu_text,
    disk_text,
    history_text,
    os_text,
    passthrough_text,
    pinning_text,
    runtime_text,
)
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
from .i18n import _, kind_word
from .markup import Cell, bullets, fields, joined, para, table, url_cell
from .nodes import Placeholder

Fields = list[tuple[str, Cell | list[Cell]]]
#: What a machine's card shows of the capacity table: its guests' load against what it has.
CAPACITY = (
    "guests",
    "not_counted",
    "cpus",
    "vcpus",
    "cpu_ratio",
    "cpu_limit",
    "memory",
    "memory_allocated",
    "memory_ratio",
    "memory_limit",
    "unsized",
    "over",
)
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
    fields: Fields = [(_("Kind"), kind_word(obj.kind)), (_("ID"), nodes.literal(obj.id, obj.id))]
    if obj.name:
        fields.append((_("Name"), obj.name))
    if not obj.active:
        fields.append((_("Status"), obj.status))
    if obj.label:
        fields.append((_("Label"), nodes.literal(obj.label, obj.label)))
    if obj.tags:
        fields.append((_("Tags"), list(obj.tags)))
    fields.append((_("Defined in"), nodes.literal("", ctx.where(obj.loc))))
    return fields


def _disks(machine: Host | Obj, passed: set[str] | frozenset[str] = frozenset()) -> str:
    """Each disk as :func:`disk_text` says it; ``(passed through)`` when the host does not
    count it."""
    return ", ".join(
        " ".join(filter(None, (disk_text(d, _), _("(passed through)") if d.name in passed else "")))
        for d in getattr(machine, "disks", ())
    )


def _host_fields(ctx: Context, host: Host) -> Fields:
    fields: Fields = [
        (_("Hardware"), " ".join(filter(None, (host.vendor, host.model)))),
        (_("CPU"), cpu_text(host.cpu, _) if host.cpu else ""),
        (_("Memory"), _size(host.memory)),
        (_("Disks"), _disks(host, passed_disks(ctx.model, host))),
        (_("OS"), os_text(host)),
        (_("Nested virtualization"), _("yes") if host.nested_virt else _("no")),
    ]
    if host.bmc:
        network = host.bmc.get("network")
        fields.append(
            (
                _("BMC"),
                [
                    " ".join(filter(None, (host.bmc.get("type"), host.bmc.get("address")))),
                    *([ctx.ref(network)] if network else []),
                ],
            )
        )
    if host.site:
        fields.append((_("Site"), ctx.ref(host.site)))
    if host.failure_domains:
        fields.append((_("Failure domains"), _refs(ctx, host.failure_domains)))
    return [f for f in fields if f[1]]


def _vm_fields(ctx: Context, vm: VM) -> Fields:
    chain = ctx.model.placement_chain(vm.id)
    fields: Fields = [
        (_("Runs on"), ctx.ref(vm.runs_on)),
        (_("Placement"), nodes.inline("", "", *joined(_refs(ctx, chain), " → "))),
        (_("Platform"), vm.platform),
        (_("Managed by"), ctx.ref(vm.managed_by) if vm.managed_by else ""),
        (_("vCPU"), str(vm.vcpu or "")),
        (_("vCPU pinning"), pinning_text(vm)),
        (_("NUMA node"), "" if vm.numa_node is None else str(vm.numa_node)),
        (_("CPU mode"), vm.cpu_mode or ""),
        (_("Firmware"), vm.firmware or ""),
        (_("Machine type"), vm.machine_type or ""),
        (_("Memory"), _size(vm.memory)),
        (_("Disks"), _disks(vm)),
        (_("Passthrough"), ", ".join(passthrough_text(vm.runs_on, p) for p in vm.passthrough)),
        (_("Flavor"), vm.flavor or ""),
        (_("State"), vm.state or ""),
        (_("Template"), _("yes") if vm.template else ""),
        (_("Autostart"), "" if vm.autostart is None else _("yes") if vm.autostart else _("no")),
        (_("Nested virtualization"), _("yes") if vm.nested_virt else ""),
        (_("OS"), os_text(vm)),
    ]
    return [f for f in fields if f[1]]


def _container_fields(ctx: Context, container: Container) -> Fields:
    fields: Fields = [
        (_("Runs on"), ctx.ref(container.runs_on)),
        (_("Runtime"), container.runtime or ""),
        (_("Image"), container.image or ""),
    ]
    return [f for f in fields if f[1]]


def _cluster_fields(ctx: Context, cluster: Cluster) -> Fields:
    fields: Fields = [
        (_("Type"), cluster.type),
        (_("Version"), cluster.version or ""),
        (_("API endpoint"), cluster.api_endpoint or ""),
        (_("Container runtime"), runtime_text(cluster)),
        (_("History"), ", ".join(history_text(cluster))),
    ]
    if cluster.ceph:
        fields += [
            (_("fsid"), cluster.ceph.fsid or ""),
            (
                _("Public network"),
                ctx.ref(cluster.ceph.public_network) if cluster.ceph.public_network else "",
            ),
            (
                _("Cluster network"),
                ctx.ref(cluster.ceph.cluster_network) if cluster.ceph.cluster_network else "",
            ),
        ]
    if cluster.etcd_mode:
        fields.append(
            (
                "etcd",
                [
                    cluster.etcd_mode,
                    *([ctx.ref(cluster.etcd_cluster)] if cluster.etcd_cluster else []),
                ],
            )
        )
    return [f for f in fields if f[1]]


def _service_fields(ctx: Context, service: Service) -> Fields:
    fields: Fields = [(_("Type"), service.type or ""), (_("Version"), service.version or "")]
    if service.url:
        fields.append((_("URL"), url_cell(service.url)))
    return [f for f in fields if f[1]]


def _network_fields(ctx: Context, network: Network) -> Fields:
    dns = network.dns
    fields: Fields = [
        (_("Type"), network.type),
        (_("Forward"), network.forward or ""),
        (_("DNS domain"), dns.domain or "" if dns else ""),
        (_("DNS servers"), ", ".join(dns.servers) if dns else ""),
        (_("VF pool"), ", ".join(f"{v.host}:{v.device}" for v in network.vf_pool)),
        (_("Subnet"), network.subnet or ""),
        (_("Gateway"), network.gateway or ""),
        (_("VLAN"), "" if network.vlan is None else str(network.vlan)),
        (_("Bridge"), network.bridge or ""),
        (_("Parent"), ctx.ref(network.parent) if network.parent else ""),
    ]
    return [f for f in fields if f[1]]


def _storage_fields(ctx: Context, storage: Storage) -> Fields:
    fields: Fields = [
        (_("Type"), storage.type),
        (_("Provided by"), ctx.ref(storage.provided_by)),
        (_("Size"), _size(storage.size)),
        (_("Replicas"), "" if storage.replicas is None else str(storage.replicas)),
        (_("Min replicas"), "" if storage.min_replicas is None else str(storage.min_replicas)),
    ]
    return [f for f in fields if f[1]]


def _site_fields(ctx: Context, site: Site) -> Fields:
    return [(_("Location"), site.location)] if site.location else []


def _domain_fields(ctx: Context, domain: FailureDomain) -> Fields:
    fields: Fields = [
        (_("Type"), domain.type),
        (_("Site"), ctx.ref(domain.site) if domain.site else ""),
        (_("Parent"), ctx.ref(domain.parent) if domain.parent else ""),
    ]
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
        parts = [
            _("VM"),
            obj.platform,
            _("{n} vCPU").format(n=obj.vcpu) if obj.vcpu else "",
            _size(obj.memory),
        ]
        if obj.not_running:
            parts.append(_("{state}, not counted").format(state=obj.not_running))
        elif obj.state and obj.state != "running":
            parts.append(obj.state)
    else:
        parts = [_("container"), obj.runtime or ""]
    return ", ".join(p for p in parts if p)


def placement_tree(
    ctx: Context, machine: str, seen: frozenset[str] = frozenset()
) -> nodes.bullet_list | None:
    """Everything placed on ``machine``, nested down to the last level of VMs."""
    guests = [
        g
        for c in ctx.model.children.get(machine, ())  # VMs and containers
        if c not in seen and isinstance(g := ctx.model.objects[c], VM | Container)
    ]
    if not guests:
        return None
    items = []
    for obj in guests:
        child = obj.id
        item: list[nodes.Node] = [ctx.ref(child), nodes.Text(f" ({_guest_summary(obj)})")]
        services = ctx.model.services_on.get(child, ())
        if services:
            item += [nodes.Text(_("; services: ")), *joined(_refs(ctx, services))]
        nested = placement_tree(ctx, child, seen | {machine, child})
        items.append(item + ([nested] if nested else []))
    return bullets(items)


def _given(ctx: Context, host: str, device: str) -> Cell:
    """The VMs given ``device`` (with the part each has, and those that do not run)."""
    parts: list[Cell] = []
    for vm, item in ctx.model.given.get((host, device), ()):
        note = ", ".join(
            p for p in ("" if item.part == "whole" else item.part, vm.not_running) if p
        )
        parts.append(nodes.inline("", "", ctx.ref(vm.id), nodes.Text(f" ({note})" if note else "")))
    return nodes.inline("", "", *joined(parts)) if parts else ""


def _fqdn(name: str, domain: str | None) -> str:
    """``name`` in ``domain`` unless it ends with a dot (absolute)."""
    return name.rstrip(".") if name.endswith(".") or not domain else f"{name}.{domain}"


def _roles(cluster: Cluster, machine: str) -> str:
    return ", ".join(r for m in cluster.members if m.machine == machine for r in m.roles)


def _list(ctx: Context, ids: list[str] | tuple[str, ...]) -> nodes.bullet_list:
    return bullets(
        [
            [ctx.ref(i), nodes.Text(f" — {obj.title}")]
            if (obj := ctx.model.get(i)) and obj.title != i
            else ctx.ref(i)
            for i in ids
        ]
    )


def _sections(ctx: Context, obj: AnyObj) -> Iterator[Section]:
    model, lab = ctx.model, ctx.lab
    if isinstance(obj, Machine):
        tree = placement_tree(ctx, obj.id)
        if tree is not None:
            yield _("Runs on it"), tree
        if services := model.services_on.get(obj.id):
            yield _("Services on it"), _list(ctx, services)
        if clusters := model.clusters_of.get(obj.id):
            yield (
                _("Clusters"),
                table(
                    (_("Cluster"), _("Type"), _("Roles")),
                    [
                        (ctx.ref(c), cl.type, _roles(cl, obj.id))
                        for c in clusters
                        if isinstance(cl := model.get(c), Cluster)
                    ],
                ),
            )
        if (row := lab.rows_by("capacity", CAPACITY, "machine").get(obj.id)) is not None:
            headers = {c.key: c.header for c in table_columns("capacity")}
            yield _("Capacity"), table([_(headers[k]) for k in CAPACITY], [row.values])
        if devices := getattr(obj, "devices", ()):
            yield (
                _("Devices"),
                table(
                    (
                        _("Device"),
                        _("Type"),
                        "PCI",
                        _("Vendor:device"),
                        _("Model"),
                        _("VFs / vGPUs"),
                        _("Given to"),
                    ),
                    [
                        (
                            d.name,
                            d.type or "",
                            d.pci or "",
                            d.pci_id or "",
                            d.model or "",
                            " / ".join(str(n or "-") for n in (d.vfs, d.vgpus))
                            if d.vfs or d.vgpus
                            else "",
                            _given(ctx, obj.id, d.name),
                        )
                        for d in devices
                    ],
                ),
            )
        if obj.nics:
            yield (
                _("Networks and addresses"),
                table(
                    (
                        _("Interface"),
                        "Type",
                        "Enslaved to",
                        "Network",
                        "Address",
                        "Speed",
                        "Options",
                    ),
                    [
                        (
                            n.name or "",
                            n.type or "",
                            n.master or "",
                            ctx.ref(n.network) if n.network else "",
                            ", ".join(n.addresses),
                            n.speed or "",
                            ", ".join(f"{k}={v}" for k, v in n.options.items()),
                        )
                        for n in obj.nics
                    ],
                ),
            )
    if isinstance(obj, Cluster) and obj.members:
        osds = any(m.osds for m in obj.members)
        yield (
            _("Members"),
            table(
                (_("Machine"), "Roles", "Physical host", *(_("OSDs"),) * osds),
                [
                    (
                        ctx.ref(m.machine),
                        ", ".join(m.roles),
                        ctx.ref(host) if (host := model.physical_host(m.machine)) else "",
                        *(
                            ", ".join(
                                f"osd.{o.id}" + (f" ({o.device})" if o.device else "")
                                for o in m.osds
                            ),
                        )
                        * osds,
                    )
                    for m in obj.members
                ],
            ),
        )
    if obj.kind == "service" and obj.runs_on:
        yield _("Runs on"), _list(ctx, obj.runs_on)
    if depends := getattr(obj, "depends_on", ()):
        yield _("Depends on"), _list(ctx, depends)
    if dependents := lab.referring(obj.id, "depends_on", "etcd"):
        yield _("Depended on by"), _list(ctx, dependents)
    if obj.kind == "storage":
        if obj.backing:
            yield _("Backed by"), _list(ctx, obj.backing)
        if obj.used_by:
            yield _("Used by"), _list(ctx, obj.used_by)
    if provides := lab.referring(obj.id, "provided_by"):
        yield _("Provides storage"), _list(ctx, provides)
    if backs := lab.referring(obj.id, "backing"):
        yield _("Backs"), _list(ctx, backs)
    if obj.kind != "storage" and (uses := lab.referring(obj.id, "used_by")):
        yield _("Uses storage"), _list(ctx, uses)
    if disks := lab.referring(obj.id, "uses"):
        yield _("Disks of"), _list(ctx, disks)
    if managed := lab.referring(obj.id, "managed_by"):
        yield _("Manages"), _list(ctx, managed)
    if obj.kind == "network":
        attached = [
            (m, n)
            for m in model.of_kind("host") + model.of_kind("vm") + model.of_kind("container")
            for n in m.nics
            if n.network == obj.id
        ]
        if attached:
            yield (
                _("Attached machines"),
                table(
                    (_("Machine"), "Interface", "Address"),
                    [(ctx.ref(m.id), n.name or "", ", ".join(n.addresses)) for m, n in attached],
                ),
            )
        if bmcs := [h for h in model.of_kind("host") if h.bmc.get("network") == obj.id]:
            yield (
                _("BMCs"),
                table(
                    (_("Host"), _("BMC"), _("Address")),
                    [
                        (ctx.ref(h.id), h.bmc.get("type", ""), h.bmc.get("address", ""))
                        for h in bmcs
                    ],
                ),
            )
        if subnets := lab.referring(obj.id, "parent"):
            yield _("Networks inside it"), _list(ctx, subnets)
        if obj.dns and obj.dns.records:
            yield (
                _("DNS names"),
                table(
                    (_("Name"), "Resolves to", "Addresses"),
                    [
                        (
                            _fqdn(r.name, obj.dns.domain),
                            nodes.inline("", "", *joined(_refs(ctx, r.targets)))
                            if r.targets
                            else "",
                            ", ".join(model.resolve(obj.id, r)),
                        )
                        for r in obj.dns.records
                    ],
                ),
            )
        if obj.dhcp or obj.pools:
            yield (
                _("Address ranges"),
                table(
                    (_("Kind"), _("Name"), _("From"), _("To"), _("Purpose")),
                    [
                        (what, r.name or "", r.start, r.end, r.purpose or "")
                        for what, ranges in ((_("DHCP"), obj.dhcp), (_("pool"), obj.pools))
                        for r in ranges
                    ],
                ),
            )
    if obj.kind in ("site", "failure_domain"):
        if inside := lab.referring(obj.id, "in_domain", "parent"):
            yield _("In it"), _list(ctx, inside)
    if (drift := object_drift(ctx, obj.id)) is not None:
        yield _("Last drift check"), drift
