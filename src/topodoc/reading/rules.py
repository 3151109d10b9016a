"""Semantic rules over the model and its graph, each with an id and a severity.

A rule returns :class:`~topodoc.model.problems.Problem` objects located at the YAML node they are
about. An object silences one rule for itself with ``silence: [{rule: ID, reason: ...}]``.
"""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterator
from itertools import chain

from topodoc.model.facts import cpuset
from topodoc.model.graph import Written, references, undrawn_references
from topodoc.model.kinds import MACHINE_KINDS
from topodoc.model.objects import (
    CLUSTER_ROLES,
    QUORUM_ROLES,
    VM,
    Cluster,
    Container,
    Host,
    Located,
    Machine,
    Model,
    Range,
    Scenario,
    View,
)
from topodoc.model.problems import Location, Problem, Silenced
from topodoc.model.sizes import exceeds, format_size, scaled, total
from topodoc.util.suggest import did_you_mean

#: Rule id -> (severity, what it checks). Severity "error" fails validation.
RULES: dict[str, tuple[str, str]] = {
    "duplicate-id": ("error", "every object id is unique across all files"),
    "duplicate-label": ("error", "every Sphinx label names one object"),
    "unknown-ref": ("error", "a reference names an object that exists"),
    "ref-kind": ("error", "a reference names an object of a kind that fits the field"),
    "placement-cycle": ("error", "runs_on never loops back to itself"),
    "nested-virt": (
        "error",
        "a VM that hosts VMs has nested virtualization on itself and on every level below it",
    ),
    "capacity-cpu": (
        "warning",
        "guest vCPUs stay within the machine's CPUs times its overcommit ratio (default 4.0)",
    ),
    "capacity-memory": (
        "error",
        "guest memory stays within the machine's memory (warning past "
        "an allowed overcommit ratio, error past physical memory when none is "
        "allowed, the default)",
    ),
    "cpu-count": ("error", "a CPU count written with sockets and cores is their product"),
    "passthrough": (
        "error",
        "a VM is given a device of the host it runs on (device names are "
        "unique per host), and only a part the device has: a VF below its vfs, "
        "vGPU slices of a device split into vgpus",
    ),
    "device-shared": (
        "error",
        "a passed-through device belongs to one guest at a time: among "
        "the VMs that run, a whole device or one VF goes to one VM, and vGPU "
        "slices stay within the device's",
    ),
    "vcpu-pinning": ("error", "a VM pins each of its vCPUs once, to CPUs its host has"),
    "ceph": (
        "error",
        "the Ceph facts sit where they belong: OSDs on members with the osd role, "
        "each OSD id once, fsid and networks on a ceph cluster; a pool's min_replicas at "
        "most its replicas",
    ),
    "cluster-role": ("error", "members use the roles their cluster type knows"),
    "etcd-quorum": ("warning", "an etcd quorum has an odd number of members, at least 3"),
    "external-etcd": (
        "error",
        "a Kubernetes cluster with external etcd names an etcd cluster "
        "and has no etcd member on a control-plane machine",
    ),
    "external-etcd-shared-host": (
        "warning",
        "external etcd members do not share a physical host with the control plane they serve",
    ),
    "quorum-failure-domain": (
        "warning",
        "no single host or failure domain holds half or more of a quorum's members",
    ),
    "address-invalid": ("error", "addresses and subnets are valid IP notation"),
    "address-subnet": ("error", "an address lies inside its network's subnet"),
    "address-duplicate": ("error", "an address is used once per network"),
    "address-pool": (
        "warning",
        "a fixed address lies outside its network's DHCP ranges and address pools",
    ),
    "nic-master": ("error", "an interface is enslaved to a bridge or bond of the same machine"),
    "dns-record": (
        "warning",
        "every machine a DNS name resolves to has an address on the name's network",
    ),
    "planned-dependency": (
        "warning",
        "an active object does not run on, depend on, use or "
        "count as a member an object that is only planned",
    ),
    "silence-unknown-rule": ("error", "a silence names a rule that exists"),
    "silence-unused": ("warning", "a silence still silences something"),
}
SILENCEABLE = set(RULES) - {"duplicate-id", "silence-unknown-rule", "silence-unused"}

#: Which kinds each reference relation may point at (None: any kind).
REF_KINDS: dict[str, tuple[str, ...] | None] = {
    "in_domain": ("site", "failure_domain"),
    "parent": ("failure_domain", "site", "network"),
    "runs_on": ("host", "vm", "container", "cluster"),
    "managed_by": ("cluster",),
    "attached": ("network",),
    "uses": ("storage",),
    "member": MACHINE_KINDS,
    "etcd": ("cluster",),
    "depends_on": None,
    "provided_by": MACHINE_KINDS + ("cluster",),
    "backing": ("storage",),
    "used_by": None,
    "resolves": MACHINE_KINDS + ("cluster",),
    "vf_pool": ("host",),
    "ceph_network": ("network",),
}
DEFAULT_CPU_OVERCOMMIT = 4.0
DEFAULT_MEMORY_OVERCOMMIT = 1.0


def _p(rule: str, message: str, loc: Location, obj: str | None) -> Problem:
    return Problem(rule, RULES[rule][0], message, loc, obj)


def check_references(model: Model, declared: set[str]) -> Iterator[Problem]:
    ids = sorted(set(model.objects) | declared)  # objects with schema errors too
    for obj in model:
        for source_id, relation, target, written in chain(references(obj), undrawn_references(obj)):
            if relation == "runs_on" and obj.kind in ("vm", "container"):
                allowed: tuple[str, ...] | None = ("host", "vm")
            else:
                allowed = REF_KINDS[relation]
            found = model.get(target)
            if found is None:
                if target in declared:
                    continue  # declared by an object with schema errors, reported there
                hint = did_you_mean(target, ids)
                yield _p(
                    "unknown-ref",
                    f"{obj.id}: {relation} names {target!r}, which is not defined{hint}",
                    written.loc,
                    source_id,
                )
            elif allowed is not None and found.kind not in allowed:
                yield _p(
                    "ref-kind",
                    f"{obj.id}: {relation} must name a "
                    f"{' or '.join(allowed)}, but {target!r} is a {found.kind}",
                    written.loc,
                    source_id,
                )
    # (what, where it is written, what holds the ids, the fields naming them)
    named: list[tuple[str, View | Scenario, object, tuple[str, ...]]] = [
        ("view", view, view.selection, ("root", "include", "exclude"))
        for view in model.views.values()
    ]
    named += [("scenario", s, s, ("fail",)) for s in model.scenarios.values()]
    for what, item, holder, fields in named:
        for name in fields:
            values = getattr(holder, name) or ()
            for index, target in enumerate([values] if isinstance(values, str) else values):
                if target and target not in model.objects and target not in declared:
                    hint = did_you_mean(target, ids)
                    loc = item.locs.get(f"{name}[{index}]", item.at(name))
                    yield _p(
                        "unknown-ref",
                        f"{what} {item.id}: {name} names {target!r}, which is not defined{hint}",
                        loc,
                        None,
                    )
    for source in model.live.sources:
        found = model.get(source.target)
        field = "hypervisor" if source.kind == "libvirt" else "cluster"
        if found is None:
            if source.target in declared:
                continue  # declared by an object with schema errors, reported there
            yield _p(
                "unknown-ref",
                f"live.{source.kind}: {field} {source.target!r} is not defined",
                source.at(field),
                None,
            )
        elif source.kind == "libvirt" and found.kind not in ("host", "vm"):
            yield _p(
                "ref-kind",
                f"live.libvirt: {source.target!r} is a {found.kind}, not a host or vm",
                source.at(field),
                None,
            )
        elif source.kind != "libvirt" and (
            not isinstance(found, Cluster) or found.type != source.kind
        ):
            yield _p(
                "ref-kind",
                f"live.{source.kind}: {source.target!r} is not a {source.kind} cluster",
                source.at(field),
                None,
            )


def check_labels(model: Model) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for obj in model:
        if obj.label:
            key = obj.label.lower()
            if key in seen:
                yield _p(
                    "duplicate-label",
                    f"label {obj.label!r} is already used by {seen[key]!r}",
                    obj.at("label"),
                    obj.id,
                )
            else:
                seen[key] = obj.id


def check_placement(model: Model) -> Iterator[Problem]:
    for cycle in sorted(sorted(c) for c in placement_cycles(model)):
        first = cycle[0]
        path = " -> ".join(model.placement_chain(first)[: len(cycle)] + [first])
        yield _p(
            "placement-cycle", f"placement cycle: {path}", model.objects[first].at("runs_on"), first
        )


def placement_cycles(model: Model) -> list[list[str]]:
    """Every cycle of ``runs_on`` (guest -> machine), each in walking order.

    A guest has one machine, so placement is a function: walking up from each object, in
    one pass over all of them, either ends or comes back to an object of the same walk."""
    machine = {obj.id: obj.runs_on for obj in model if isinstance(obj, VM | Container)}
    walk_of: dict[str, str] = {}  # object id -> the object whose walk reached it first
    cycles = []
    for start in machine:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in walk_of:
            walk_of[node] = start
            path.append(node)
            node = machine.get(node)
        if node is not None and walk_of[node] == start:  # back into this walk: a cycle
            cycles.append(path[path.index(node) :])
    return cycles


def check_nested_virt(model: Model) -> Iterator[Problem]:
    checked: set[str] = set()  # levels already walked, and with them all below: linear
    for vm in model.of_kind("vm"):
        if not any(isinstance(model.objects[c], VM) for c in model.children.get(vm.id, ())):
            continue
        for level in model.placement_chain(vm.id, stop=checked):
            checked.add(level)
            obj = model.objects[level]
            if obj.kind in ("vm", "host") and not obj.nested_virt:
                guests = [
                    c for c in model.children.get(vm.id, ()) if isinstance(model.objects[c], VM)
                ]
                what = "it" if level == vm.id else f"{vm.id}, which runs on it,"
                yield _p(
                    "nested-virt",
                    f"{level}: nested_virt is off, but {what} hosts VMs "
                    f"({', '.join(guests[:3])}{', ...' if len(guests) > 3 else ''}); set "
                    f"nested_virt: true",
                    obj.at("nested_virt"),
                    level,
                )


def check_capacity(model: Model) -> Iterator[Problem]:
    """Only the guests that run count: not planned, retired or shut-off VMs, nor templates."""
    for machine in model.of_kind("host") + model.of_kind("vm"):
        guests = [
            guest
            for c in model.children.get(machine.id, ())
            if (guest := model.objects[c]).kind == "vm" and guest.runs
        ]
        if not guests:
            continue
        cpus = (
            machine.cpu.logical
            if isinstance(machine, Host) and machine.cpu
            else (machine.vcpu if isinstance(machine, VM) else None)
        )
        vcpu = sum(g.vcpu or 0 for g in guests)
        ratio = machine.overcommit_cpu or DEFAULT_CPU_OVERCOMMIT
        if cpus and vcpu > cpus * ratio:
            yield _p(
                "capacity-cpu",
                f"{machine.id}: guests have {vcpu} vCPUs, over {cpus} CPUs "
                f"x overcommit {ratio:g} = {cpus * ratio:g}",
                machine.loc,
                machine.id,
            )
        if machine.memory:
            used = total(g.memory for g in guests)
            ratio = machine.overcommit_memory or DEFAULT_MEMORY_OVERCOMMIT
            if exceeds(used, limit := scaled(machine.memory, ratio)):
                rule_sev = "error" if ratio == 1.0 else "warning"
                what = "physical memory" if ratio == 1.0 else f"memory x overcommit {ratio:g}"
                yield Problem(
                    "capacity-memory",
                    rule_sev,
                    f"{machine.id}: guests have "
                    f"{format_size(used)} of memory, over its {what} "
                    f"({format_size(limit)})",
                    machine.at("memory"),
                    machine.id,
                )


def check_cpu(model: Model) -> Iterator[Problem]:
    for host in model.of_kind("host"):
        cpu = host.cpu
        if cpu and cpu.count and cpu.shape and cpu.count != cpu.shape:
            yield _p(
                "cpu-count",
                f"{host.id}: cpu count is {cpu.count}, but {cpu.sockets} "
                f"sockets x {cpu.cores} cores x {cpu.threads} threads = {cpu.shape}",
                cpu.at("count"),
                host.id,
            )


def check_passthrough(model: Model) -> Iterator[Problem]:
    for host in model.of_kind("host"):
        names: dict[str, object] = {}
        for dev in host.devices:
            if dev.name in names:
                yield _p(
                    "passthrough",
                    f"{host.id}: device name {dev.name!r} is used twice",
                    dev.at("name"),
                    host.id,
                )
            names.setdefault(dev.name, dev)
    for vm in model.of_kind("vm"):
        if not vm.passthrough:
            continue
        machine = model.get(vm.runs_on)
        devices = {d.name: d for d in (machine.devices if isinstance(machine, Host) else ())}
        for item in vm.passthrough:
            device = devices.get(item.device)
            if machine is None:
                continue  # reported by the reference rules
            if device is None:
                hint = did_you_mean(item.device, devices)
                yield _p(
                    "passthrough",
                    f"{vm.id}: {vm.runs_on} has no device {item.device!r}{hint}",
                    item.at("device"),
                    vm.id,
                )
            elif item.vf is not None and (device.vfs is None or item.vf >= device.vfs):
                has = (
                    f"has {device.vfs} VFs (0-{device.vfs - 1})"
                    if device.vfs
                    else "has no SR-IOV VFs (set vfs)"
                )
                yield _p(
                    "passthrough",
                    f"{vm.id}: VF {item.vf} of {vm.runs_on}:{device.name}, which {has}",
                    item.at("vf"),
                    vm.id,
                )
            elif item.slices and not device.vgpus:
                yield _p(
                    "passthrough",
                    f"{vm.id}: vGPU slices of {vm.runs_on}:{device.name}, "
                    "which is not split into vGPUs (set vgpus)",
                    item.at("slices"),
                    vm.id,
                )
    for net in model.of_kind("network"):
        for source in net.vf_pool:
            owner = model.get(source.host)
            device = next(
                (
                    d
                    for d in (owner.devices if isinstance(owner, Host) else ())
                    if d.name == source.device
                ),
                None,
            )
            if owner is not None and (device is None or not device.vfs):
                yield _p(
                    "passthrough",
                    f"{net.id}: vf_pool names {source.host}:"
                    f"{source.device}, which is not a device with SR-IOV VFs (vfs)",
                    source.at("device"),
                    net.id,
                )


def check_device_sharing(model: Model) -> Iterator[Problem]:
    for (host_id, name), holders in model.given.items():
        host = model.get(host_id)
        device = next((d for d in getattr(host, "devices", ()) if d.name == name), None)
        running = [(vm, item) for vm, item in holders if vm.runs]
        if device is None or not running:
            continue
        what = f"{host_id}:{name}"
        whole = [vm.id for vm, item in running if item.part == "whole"]
        by_vf: dict[int, list[str]] = defaultdict(list)
        for vm, item in running:
            if item.vf is not None:
                by_vf[item.vf].append(vm.id)
        slices = sum(item.slices or 0 for _, item in running)
        one_at_a_time = ": a device belongs to one guest at a time"
        if whole and len(running) > 1:
            others = [vm.id for vm, _ in running if vm.id != whole[0]]
            clash = f"is given whole to {whole[0]} and also to {', '.join(others)}{one_at_a_time}"
        elif shared := next(((vf, vms) for vf, vms in sorted(by_vf.items()) if len(vms) > 1), None):
            clash = f"VF {shared[0]} is given to {', '.join(shared[1])}{one_at_a_time}"
        elif device.vgpus and slices > device.vgpus:
            clash = (
                f"is split into {device.vgpus} vGPU slices, but the VMs that run are given {slices}"
            )
        else:
            continue
        last = running[-1]
        yield _p("device-shared", f"{what} {clash}", last[1].loc, last[0].id)


def check_vm_settings(model: Model) -> Iterator[Problem]:
    for vm in model.of_kind("vm"):
        if not vm.vcpupin:
            continue
        host = model.get(vm.runs_on)
        cpus = (
            host.cpu.logical
            if isinstance(host, Host) and host.cpu
            else host.vcpu
            if isinstance(host, VM)
            else None
        )
        pinned: set[int] = set()
        for pin in vm.vcpupin:
            if vm.vcpu is not None and pin.vcpu >= vm.vcpu:
                yield _p(
                    "vcpu-pinning",
                    f"{vm.id}: pins vCPU {pin.vcpu}, but it has {vm.vcpu} (0-{vm.vcpu - 1})",
                    pin.at("vcpu"),
                    vm.id,
                )
            elif pin.vcpu in pinned:
                yield _p(
                    "vcpu-pinning",
                    f"{vm.id}: vCPU {pin.vcpu} is pinned twice",
                    pin.at("vcpu"),
                    vm.id,
                )
            pinned.add(pin.vcpu)
            beyond = sorted(c for c in cpuset(pin.cpuset) if cpus and c >= cpus)
            if beyond and cpus:
                yield _p(
                    "vcpu-pinning",
                    f"{vm.id}: vCPU {pin.vcpu} is pinned to CPU "
                    f"{beyond[0]}, but {vm.runs_on} has {cpus} (0-{cpus - 1})",
                    pin.at("cpuset"),
                    vm.id,
                )


def check_ceph(model: Model) -> Iterator[Problem]:
    for cluster in model.of_kind("cluster"):
        if cluster.ceph and cluster.type != "ceph":
            yield _p(
                "ceph",
                f"{cluster.id}: ceph settings on a {cluster.type} cluster",
                cluster.at("ceph"),
                cluster.id,
            )
        seen: dict[int, str] = {}
        for member in cluster.members:
            if member.osds and "osd" not in member.roles:
                yield _p(
                    "ceph",
                    f"{cluster.id}: {member.machine} lists OSDs but has no osd role",
                    member.at("osds"),
                    cluster.id,
                )
            for osd in member.osds:
                if osd.id in seen:
                    yield _p(
                        "ceph",
                        f"{cluster.id}: osd.{osd.id} is listed on {seen[osd.id]} "
                        f"and on {member.machine}",
                        osd.at("id"),
                        cluster.id,
                    )
                seen.setdefault(osd.id, member.machine)
    for storage in model.of_kind("storage"):
        if storage.min_replicas and storage.replicas and storage.min_replicas > storage.replicas:
            yield _p(
                "ceph",
                f"{storage.id}: min_replicas {storage.min_replicas} is more than "
                f"its replicas ({storage.replicas}): no I/O would ever be served",
                storage.at("min_replicas"),
                storage.id,
            )


#: Relations along which an object needs what it names (``used_by`` points the other way;
#: ``in_domain`` and ``parent`` place, they do not need).
NEEDS = (
    "runs_on",
    "member",
    "depends_on",
    "etcd",
    "managed_by",
    "uses",
    "provided_by",
    "backing",
    "attached",
)


def check_planned(model: Model) -> Iterator[Problem]:
    planned = {obj.id for obj in model if obj.status == "planned"}
    if not planned:
        return
    for obj in model:
        if not obj.active:
            continue
        for source, relation, target, written in references(obj):
            if target in planned and relation in NEEDS:
                yield _p(
                    "planned-dependency",
                    f"{obj.id} is active, but {relation} names {target!r}, which is only planned",
                    written.loc,
                    source,
                )


def check_clusters(model: Model) -> Iterator[Problem]:
    for cluster in model.of_kind("cluster"):
        known = CLUSTER_ROLES[cluster.type]
        for member in cluster.members:
            for index, role in enumerate(member.roles):
                if known and role not in known:
                    hint = did_you_mean(role, known)
                    yield _p(
                        "cluster-role",
                        f"{cluster.id}: role {role!r} is not a "
                        f"{cluster.type} role ({', '.join(known)}){hint}",
                        member.locs.get(f"roles[{index}]", member.at("roles")),
                        cluster.id,
                    )
        etcd_members = (
            cluster.machines("member")
            if cluster.type == "etcd"
            else cluster.machines("etcd")
            if cluster.type == "kubernetes" and cluster.etcd_mode != "external"
            else ()
        )
        count = len(set(etcd_members))
        if count and (count < 3 or count % 2 == 0):
            why = (
                "an even count adds no fault tolerance over one member fewer"
                if count >= 3
                else f"{count} member{'s' if count > 1 else ''} cannot survive a failure"
            )
            yield _p(
                "etcd-quorum",
                f"{cluster.id}: etcd has {count} member"
                f"{'s' if count > 1 else ''}; {why} "
                "(use 3 or 5)",
                cluster.at("members"),
                cluster.id,
            )
        if cluster.type == "kubernetes":
            yield from _external_etcd(model, cluster)
        yield from _quorum_domains(model, cluster)


def _external_etcd(model: Model, cluster: Cluster) -> Iterator[Problem]:
    if cluster.etcd_mode != "external":
        return
    etcd = model.get(cluster.etcd_cluster) if cluster.etcd_cluster else None
    if cluster.etcd_cluster is None:
        yield _p(
            "external-etcd",
            f"{cluster.id}: etcd mode is external but no etcd cluster is "
            "named (etcd: {mode: external, cluster: ID})",
            cluster.at("etcd"),
            cluster.id,
        )
        return
    if not isinstance(etcd, Cluster):
        return  # reported by the reference rules
    if etcd.type != "etcd":
        yield _p(
            "external-etcd",
            f"{cluster.id}: external etcd {etcd.id!r} is a {etcd.type} cluster, not etcd",
            cluster.at("etcd"),
            cluster.id,
        )
        return
    control = set(cluster.machines("control-plane"))
    both = sorted(control & set(etcd.machines()))
    if both:
        yield _p(
            "external-etcd",
            f"{cluster.id}: declares external etcd, but etcd member(s) "
            f"{', '.join(both)} run on its control-plane machine(s)",
            cluster.at("etcd"),
            cluster.id,
        )
    control_hosts = {h for m in control if (h := model.physical_host(m)) is not None}
    shared = sorted(control_hosts & {model.physical_host(m) for m in etcd.machines()})
    if shared:
        yield _p(
            "external-etcd-shared-host",
            f"{cluster.id}: external etcd shares physical "
            f"host(s) {', '.join(shared)} with the control plane: one host failure takes "
            "a control-plane node and an etcd member together",
            cluster.at("etcd"),
            cluster.id,
        )


def _quorum_domains(model: Model, cluster: Cluster) -> Iterator[Problem]:
    roles = QUORUM_ROLES[cluster.type]
    voters = sorted(set(cluster.machines(*roles))) if roles else []
    if len(voters) < 2:
        return
    by_domain: dict[str, set[str]] = defaultdict(set)
    for machine in voters:
        host = model.get(model.physical_host(machine) or "")
        if not isinstance(host, Host):
            continue
        for level in model.placement_chain(machine):  # the VMs' domains, then the host's
            obj = model.objects[level]
            for domain in getattr(obj, "failure_domains", ()):
                by_domain[domain].add(machine)
        by_domain[host.id].add(machine)
    for domain, members in sorted(by_domain.items()):
        if len(members) * 2 >= len(voters):
            what = "host" if isinstance(model.get(domain), Host) else "failure domain"
            yield _p(
                "quorum-failure-domain",
                f"{cluster.id}: {len(members)} of {len(voters)} "
                f"quorum members ({'/'.join(roles)}) share {what} {domain!r}: losing it "
                "loses quorum",
                cluster.at("members"),
                cluster.id,
            )


def check_addresses(model: Model) -> Iterator[Problem]:
    subnets: dict[str, ipaddress.IPv4Network | ipaddress.IPv6Network] = {}
    for net in model.of_kind("network"):
        if net.subnet:
            try:
                subnets[net.id] = ipaddress.ip_network(net.subnet, strict=True)
            except ValueError as exc:
                yield _p(
                    "address-invalid",
                    f"{net.id}: subnet {net.subnet!r}: {exc}",
                    net.at("subnet"),
                    net.id,
                )
                continue
            if net.gateway:
                yield from _address_in(
                    net.id, net.gateway, subnets[net.id], Written(net, "gateway"), net.id, "gateway"
                )
    ranges: dict[str, list[tuple[str, range]]] = defaultdict(list)
    for net in model.of_kind("network"):
        for what, items in (("DHCP range", net.dhcp), ("pool", net.pools)):
            for item in items:
                span = yield from _range(net.id, what, item, subnets.get(net.id))
                if span is not None:
                    ranges[net.id].append((f"{what} {item.name or item.start}", span))
        for server, where in _each_written(net.dns, "servers") if net.dns else ():
            yield from _address_in(net.id, server, None, where, net.id, "DNS server")
        for record in net.dns.records if net.dns else ():
            for address, where in _each_written(record, "addresses"):
                yield from _address_in(
                    net.id, address, None, where, net.id, f"DNS name {record.name}"
                )
    used: dict[tuple[str, str], str] = {}
    for obj in model:
        for nic in getattr(obj, "nics", ()):
            for index, address in enumerate(nic.addresses):
                where = Written(nic, "address", index)
                subnet = subnets.get(nic.network or "")
                bad = False
                for problem in _address_in(obj.id, address, subnet, where, nic.network, "address"):
                    bad = True
                    yield problem
                key = (nic.network or "", address)
                if key in used and used[key] != obj.id:
                    yield _p(
                        "address-duplicate",
                        f"{obj.id}: address {address} is already "
                        f"used by {used[key]!r} on {nic.network or 'the same network'}",
                        where.loc,
                        obj.id,
                    )
                used.setdefault(key, obj.id)
                spans = ranges.get(nic.network or "") if not bad else None
                ip = int(ipaddress.ip_address(address)) if spans else None
                inside = next((name for name, span in spans or () if ip in span), None)
                if inside:
                    yield _p(
                        "address-pool",
                        f"{obj.id}: fixed address {address} lies in "
                        f"{nic.network}'s {inside}, which hands it out too",
                        where.loc,
                        obj.id,
                    )


def _each_written(owner: Located, name: str) -> Iterator[tuple[str, Written]]:
    for index, value in enumerate(getattr(owner, name)):
        yield value, Written(owner, name, index)


def _range(
    net_id: str,
    what: str,
    item: Range,
    subnet: ipaddress.IPv4Network | ipaddress.IPv6Network | None,
) -> Generator[Problem, None, range | None]:
    """Problems of one address range; returns the range of addresses it spans when valid."""
    bad = []
    for side in ("start", "end"):
        bad += list(
            _address_in(
                net_id, getattr(item, side), subnet, Written(item, side), net_id, f"{what} {side}"
            )
        )
    yield from bad
    if any(p.rule == "address-invalid" for p in bad):
        return None
    start, end = (int(ipaddress.ip_address(a)) for a in (item.start, item.end))
    if start > end:
        yield _p(
            "address-invalid",
            f"{net_id}: {what} starts at {item.start}, after its end {item.end}",
            item.at("start"),
            net_id,
        )
        return None
    return range(start, end + 1)


def check_interfaces(model: Model) -> Iterator[Problem]:
    for obj in model:
        nics = {n.name: n for n in getattr(obj, "nics", ()) if n.name}
        for nic in getattr(obj, "nics", ()):
            if not nic.master:
                continue
            master = nics.get(nic.master)
            if master is None or master is nic:
                hint = did_you_mean(nic.master, set(nics) - {nic.name})
                yield _p(
                    "nic-master",
                    f"{obj.id}: {nic.name or 'interface'} is enslaved to "
                    f"{nic.master!r}, which is not another interface of it{hint}",
                    nic.at("master"),
                    obj.id,
                )
            elif master.type not in (None, "bridge", "bond"):
                yield _p(
                    "nic-master",
                    f"{obj.id}: {nic.name or 'interface'} is enslaved to "
                    f"{nic.master}, which is a {master.type}, not a bridge or bond",
                    nic.at("master"),
                    obj.id,
                )


def check_dns(model: Model) -> Iterator[Problem]:
    for net in model.of_kind("network"):
        for record in net.dns.records if net.dns else ():
            for target, where in _each_written(record, "targets"):
                for machine_id in model.target_machines(target):
                    machine = model.get(machine_id)
                    if isinstance(machine, Machine) and not machine.addresses_on(net.id):
                        yield _p(
                            "dns-record",
                            f"{net.id}: DNS name {record.name} resolves to "
                            f"{machine_id}, which has no address on {net.id}",
                            where.loc,
                            net.id,
                        )


def _address_in(
    obj_id: str,
    address: str,
    subnet: ipaddress.IPv4Network | ipaddress.IPv6Network | None,
    where: Written,
    network: str | None,
    what: str,
) -> Iterator[Problem]:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        yield _p(
            "address-invalid",
            f"{obj_id}: {what} {address!r} is not an IP address (write it without a /prefix)",
            where.loc,
            obj_id,
        )
        return
    if subnet is not None and ip not in subnet:
        yield _p(
            "address-subnet",
            f"{obj_id}: {what} {address} is outside {network}'s subnet {subnet}",
            where.loc,
            obj_id,
        )


CHECKS: tuple[Callable[[Model], Iterator[Problem]], ...] = (
    check_labels,
    check_placement,
    check_nested_virt,
    check_capacity,
    check_cpu,
    check_planned,
    check_passthrough,
    check_device_sharing,
    check_clusters,
    check_addresses,
    check_interfaces,
    check_dns,
    check_vm_settings,
    check_ceph,
)


def run_rules(model: Model, declared: set[str]) -> list[Problem]:
    """Every semantic problem in ``model``, before silences are applied."""
    problems = list(check_references(model, declared))
    for check in CHECKS:
        problems.extend(check(model))
    return problems


def apply_silences(model: Model, problems: list[Problem]) -> tuple[list[Problem], list[Silenced]]:
    """Split ``problems`` into kept and silenced, and check the silences themselves."""
    kept: list[Problem] = []
    silenced: list[Silenced] = []
    used: Counter[tuple[str, str]] = Counter()
    for problem in problems:
        obj = model.get(problem.obj) if problem.obj else None
        entry = next((s for s in obj.silence if s.rule == problem.rule), None) if obj else None
        if obj is not None and entry is not None and problem.rule in SILENCEABLE:
            silenced.append(Silenced(problem, entry.reason, entry.loc))
            used[(obj.id, entry.rule)] += 1
        else:
            kept.append(problem)
    for obj in model:
        for entry in obj.silence:
            if entry.rule not in SILENCEABLE:
                hint = did_you_mean(entry.rule, sorted(SILENCEABLE))
                kept.append(
                    _p(
                        "silence-unknown-rule",
                        f"{obj.id}: cannot silence {entry.rule!r}: no such silenceable rule{hint}",
                        entry.at("rule"),
                        obj.id,
                    )
                )
            elif not used[(obj.id, entry.rule)]:
                kept.append(
                    _p(
                        "silence-unused",
                        f"{obj.id}: silence of {entry.rule!r} silences nothing; remove it",
                        entry.loc,
                        obj.id,
                    )
                )
    return kept, silenced
