"""Semantic rules over the model and its graph, each with an id and a severity.

A rule returns :class:`~topodoc.model.problems.Problem` objects located at the YAML node they are
about. An object silences one rule for itself with ``silence: [{rule: ID, reason: ...}]``.
"""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from topodoc.model.graph import Written, references
from topodoc.model.kinds import MACHINE_KINDS
from topodoc.model.objects import (
    CLUSTER_ROLES,
    QUORUM_ROLES,
    VM,
    Cluster,
    Container,
    Host,
    Machine,
    Model,
)
from topodoc.model.problems import Location, Problem, Silenced
from topodoc.model.sizes import format_size
from topodoc.util.suggest import did_you_mean

#: Rule id -> (severity, what it checks). Severity "error" fails validation.
RULES: dict[str, tuple[str, str]] = {
    "duplicate-id": ("error", "every object id is unique across all files"),
    "duplicate-label": ("error", "every Sphinx label names one object"),
    "unknown-ref": ("error", "a reference names an object that exists"),
    "ref-kind": ("error", "a reference names an object of a kind that fits the field"),
    "placement-cycle": ("error", "runs_on never loops back to itself"),
    "nested-virt": ("error", "a VM that hosts VMs has nested virtualization on itself and on "
                    "every level below it"),
    "capacity-cpu": ("warning", "guest vCPUs stay within the machine's CPUs times its "
                     "overcommit ratio (default 4.0)"),
    "capacity-memory": ("error", "guest memory stays within the machine's memory (warning past "
                        "an allowed overcommit ratio, error past physical memory when none is "
                        "allowed, the default)"),
    "cluster-role": ("error", "members use the roles their cluster type knows"),
    "etcd-quorum": ("warning", "an etcd quorum has an odd number of members, at least 3"),
    "external-etcd": ("error", "a Kubernetes cluster with external etcd names an etcd cluster "
                      "and has no etcd member on a control-plane machine"),
    "external-etcd-shared-host": ("warning", "external etcd members do not share a physical "
                                  "host with the control plane they serve"),
    "quorum-failure-domain": ("warning", "no single host or failure domain holds half or more "
                              "of a quorum's members"),
    "address-invalid": ("error", "addresses and subnets are valid IP notation"),
    "address-subnet": ("error", "an address lies inside its network's subnet"),
    "address-duplicate": ("error", "an address is used once per network"),
    "silence-unknown-rule": ("error", "a silence names a rule that exists"),
    "silence-unused": ("warning", "a silence still silences something"),
}
SILENCEABLE = set(RULES) - {"duplicate-id", "silence-unknown-rule", "silence-unused"}

#: Which kinds each reference relation may point at (None: any kind).
REF_KINDS: dict[str, tuple[str, ...] | None] = {
    "in_domain": ("site", "failure_domain"), "parent": ("failure_domain", "site", "network"),
    "runs_on": ("host", "vm", "container", "cluster"), "managed_by": ("cluster",),
    "attached": ("network",), "uses": ("storage",), "member": MACHINE_KINDS,
    "etcd": ("cluster",), "depends_on": None, "provided_by": MACHINE_KINDS + ("cluster",),
    "backing": ("storage",), "used_by": None,
}
DEFAULT_CPU_OVERCOMMIT = 4.0
DEFAULT_MEMORY_OVERCOMMIT = 1.0


def _p(rule: str, message: str, loc: Location, obj: str | None) -> Problem:
    return Problem(rule, RULES[rule][0], message, loc, obj)


def check_references(model: Model, declared: set[str]) -> Iterator[Problem]:
    ids = sorted(set(model.objects) | declared)  # objects with schema errors too
    for obj in model:
        for source_id, relation, target, written in references(obj):
            if relation == "runs_on" and isinstance(obj, VM | Container):
                allowed: tuple[str, ...] | None = ("host", "vm")
            else:
                allowed = REF_KINDS[relation]
            found = model.get(target)
            if found is None:
                if target in declared:
                    continue  # declared by an object with schema errors, reported there
                hint = did_you_mean(target, ids)
                yield _p("unknown-ref", f"{obj.id}: {relation} names {target!r}, which is not "
                         f"defined{hint}", written.loc, source_id)
            elif allowed is not None and found.kind not in allowed:
                yield _p("ref-kind", f"{obj.id}: {relation} must name a "
                         f"{' or '.join(allowed)}, but {target!r} is a {found.kind}",
                         written.loc, source_id)
    for view in model.views.values():
        for name in ("root", "include", "exclude"):
            values = getattr(view, name) or ()
            for index, target in enumerate([values] if isinstance(values, str) else values):
                if target and target not in model.objects and target not in declared:
                    hint = did_you_mean(target, ids)
                    loc = view.locs.get(f"{name}[{index}]", view.at(name))
                    yield _p("unknown-ref", f"view {view.id}: {name} names {target!r}, which is "
                             f"not defined{hint}", loc, None)
    for source in model.live.sources:
        found = model.get(source.target)
        field = "hypervisor" if source.kind == "libvirt" else "cluster"
        if found is None:
            if source.target in declared:
                continue  # declared by an object with schema errors, reported there
            yield _p("unknown-ref", f"live.{source.kind}: {field} {source.target!r} is not "
                     "defined", source.at(field), None)
        elif source.kind == "libvirt" and found.kind not in ("host", "vm"):
            yield _p("ref-kind", f"live.libvirt: {source.target!r} is a {found.kind}, not a "
                     "host or vm", source.at(field), None)
        elif source.kind != "libvirt" and (found.kind != "cluster" or found.type != source.kind):
            yield _p("ref-kind", f"live.{source.kind}: {source.target!r} is not a {source.kind} "
                     "cluster", source.at(field), None)


def check_labels(model: Model) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for obj in model:
        if obj.label:
            key = obj.label.lower()
            if key in seen:
                yield _p("duplicate-label", f"label {obj.label!r} is already used by "
                         f"{seen[key]!r}", obj.at("label"), obj.id)
            else:
                seen[key] = obj.id


def check_placement(model: Model) -> Iterator[Problem]:
    for cycle in sorted(sorted(c) for c in placement_cycles(model)):
        first = cycle[0]
        path = " -> ".join(model.placement_chain(first)[: len(cycle)] + [first])
        yield _p("placement-cycle", f"placement cycle: {path}", model.objects[first].at("runs_on"),
                 first)


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
            cycles.append(path[path.index(node):])
    return cycles


def check_nested_virt(model: Model) -> Iterator[Problem]:
    reported: set[str] = set()
    for vm in model.of_kind("vm"):
        if not any(isinstance(model.objects[c], VM) for c in model.children.get(vm.id, ())):
            continue
        for level in model.placement_chain(vm.id):
            obj = model.objects[level]
            if isinstance(obj, VM | Host) and not obj.nested_virt and level not in reported:
                reported.add(level)
                guests = [c for c in model.children.get(vm.id, ())
                          if isinstance(model.objects[c], VM)]
                what = "it" if level == vm.id else f"{vm.id}, which runs on it,"
                yield _p("nested-virt", f"{level}: nested_virt is off, but {what} hosts VMs "
                         f"({', '.join(guests[:3])}{', ...' if len(guests) > 3 else ''}); set "
                         f"nested_virt: true", obj.at("nested_virt"), level)


def check_capacity(model: Model) -> Iterator[Problem]:
    for machine in model.of_kind("host") + model.of_kind("vm"):
        guests = [g for c in model.children.get(machine.id, ())
                  if isinstance(g := model.objects[c], VM)]
        if not guests:
            continue
        cpus = machine.cpu.logical if isinstance(machine, Host) and machine.cpu else (
            machine.vcpu if isinstance(machine, VM) else None)
        vcpu = sum(g.vcpu or 0 for g in guests)
        ratio = machine.overcommit_cpu or DEFAULT_CPU_OVERCOMMIT
        if cpus and vcpu > cpus * ratio:
            yield _p("capacity-cpu", f"{machine.id}: guests have {vcpu} vCPUs, over {cpus} CPUs "
                     f"x overcommit {ratio:g} = {cpus * ratio:g}", machine.loc, machine.id)
        if machine.memory:
            used = sum(g.memory or 0 for g in guests)
            ratio = machine.overcommit_memory or DEFAULT_MEMORY_OVERCOMMIT
            if used > machine.memory * ratio:
                rule_sev = "error" if ratio == 1.0 else "warning"
                limit = "physical memory" if ratio == 1.0 else f"memory x overcommit {ratio:g}"
                yield Problem("capacity-memory", rule_sev, f"{machine.id}: guests have "
                              f"{format_size(used)} of memory, over its {limit} "
                              f"({format_size(int(machine.memory * ratio))})",
                              machine.at("memory"), machine.id)


def check_clusters(model: Model) -> Iterator[Problem]:
    for cluster in model.of_kind("cluster"):
        known = CLUSTER_ROLES[cluster.type]
        for member in cluster.members:
            for index, role in enumerate(member.roles):
                if known and role not in known:
                    hint = did_you_mean(role, known)
                    yield _p("cluster-role", f"{cluster.id}: role {role!r} is not a "
                             f"{cluster.type} role ({', '.join(known)}){hint}",
                             member.locs.get(f"roles[{index}]", member.at("roles")), cluster.id)
        etcd_members = (cluster.machines("member") if cluster.type == "etcd" else
                        cluster.machines("etcd") if cluster.type == "kubernetes" and
                        cluster.etcd_mode != "external" else ())
        count = len(set(etcd_members))
        if count and (count < 3 or count % 2 == 0):
            why = ("an even count adds no fault tolerance over one member fewer" if count >= 3
                   else f"{count} member{'s' if count > 1 else ''} cannot survive a failure")
            yield _p("etcd-quorum", f"{cluster.id}: etcd has {count} member"
                     f"{'s' if count > 1 else ''}; {why} "
                     "(use 3 or 5)", cluster.at("members"), cluster.id)
        if cluster.type == "kubernetes":
            yield from _external_etcd(model, cluster)
        yield from _quorum_domains(model, cluster)


def _external_etcd(model: Model, cluster: Cluster) -> Iterator[Problem]:
    if cluster.etcd_mode != "external":
        return
    etcd = model.get(cluster.etcd_cluster) if cluster.etcd_cluster else None
    if cluster.etcd_cluster is None:
        yield _p("external-etcd", f"{cluster.id}: etcd mode is external but no etcd cluster is "
                 "named (etcd: {mode: external, cluster: ID})", cluster.at("etcd"), cluster.id)
        return
    if not isinstance(etcd, Cluster):
        return  # reported by the reference rules
    if etcd.type != "etcd":
        yield _p("external-etcd", f"{cluster.id}: external etcd {etcd.id!r} is a {etcd.type} "
                 "cluster, not etcd", cluster.at("etcd"), cluster.id)
        return
    control = set(cluster.machines("control-plane"))
    both = sorted(control & set(etcd.machines()))
    if both:
        yield _p("external-etcd", f"{cluster.id}: declares external etcd, but etcd member(s) "
                 f"{', '.join(both)} run on its control-plane machine(s)", cluster.at("etcd"),
                 cluster.id)
    control_hosts = {h for m in control if (h := model.physical_host(m)) is not None}
    shared = sorted(control_hosts & {model.physical_host(m) for m in etcd.machines()})
    if shared:
        yield _p("external-etcd-shared-host", f"{cluster.id}: external etcd shares physical "
                 f"host(s) {', '.join(shared)} with the control plane: one host failure takes "
                 "a control-plane node and an etcd member together", cluster.at("etcd"),
                 cluster.id)


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
        for domain in (host.id, *host.failure_domains):
            by_domain[domain].add(machine)
    for domain, members in sorted(by_domain.items()):
        if len(members) * 2 >= len(voters):
            what = "host" if isinstance(model.get(domain), Host) else "failure domain"
            yield _p("quorum-failure-domain", f"{cluster.id}: {len(members)} of {len(voters)} "
                     f"quorum members ({'/'.join(roles)}) share {what} {domain!r}: losing it "
                     "loses quorum", cluster.at("members"), cluster.id)


def check_addresses(model: Model) -> Iterator[Problem]:
    subnets: dict[str, ipaddress.IPv4Network | ipaddress.IPv6Network] = {}
    for net in model.of_kind("network"):
        if net.subnet:
            try:
                subnets[net.id] = ipaddress.ip_network(net.subnet, strict=True)
            except ValueError as exc:
                yield _p("address-invalid", f"{net.id}: subnet {net.subnet!r}: {exc}",
                         net.at("subnet"), net.id)
                continue
            if net.gateway:
                yield from _address_in(net.id, net.gateway, subnets[net.id],
                                       Written(net, "gateway"), net.id, "gateway")
    used: dict[tuple[str, str], str] = {}
    for obj in model:
        for nic in obj.nics if isinstance(obj, Machine) else ():
            if not nic.address:
                continue
            subnet = subnets.get(nic.network or "")
            yield from _address_in(obj.id, nic.address, subnet, Written(nic, "address"),
                                   nic.network, "address")
            key = (nic.network or "", nic.address)
            if key in used and used[key] != obj.id:
                yield _p("address-duplicate", f"{obj.id}: address {nic.address} is already "
                         f"used by {used[key]!r} on {nic.network or 'the same network'}",
                         nic.at("address"), obj.id)
            used.setdefault(key, obj.id)


def _address_in(obj_id: str, address: str, subnet: ipaddress.IPv4Network | ipaddress.IPv6Network
                | None, where: Written, network: str | None, what: str) -> Iterator[Problem]:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        yield _p("address-invalid", f"{obj_id}: {what} {address!r} is not an IP address "
                 "(write it without a /prefix)", where.loc, obj_id)
        return
    if subnet is not None and ip not in subnet:
        yield _p("address-subnet", f"{obj_id}: {what} {address} is outside {network}'s subnet "
                 f"{subnet}", where.loc, obj_id)


CHECKS: tuple[Callable[[Model], Iterator[Problem]], ...] = (
    check_labels, check_placement, check_nested_virt, check_capacity, check_clusters,
    check_addresses,
)


def run_rules(model: Model, declared: set[str]) -> list[Problem]:
    """Every semantic problem in ``model``, before silences are applied."""
    problems = list(check_references(model, declared))
    for check in CHECKS:
        problems.extend(check(model))
    return problems


def apply_silences(model: Model,
                   problems: list[Problem]) -> tuple[list[Problem], list[Silenced]]:
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
                kept.append(_p("silence-unknown-rule", f"{obj.id}: cannot silence "
                               f"{entry.rule!r}: no such silenceable rule{hint}",
                               entry.at("rule"), obj.id))
            elif not used[(obj.id, entry.rule)]:
                kept.append(_p("silence-unused", f"{obj.id}: silence of {entry.rule!r} "
                               "silences nothing; remove it", entry.loc, obj.id))
    return kept, silenced
