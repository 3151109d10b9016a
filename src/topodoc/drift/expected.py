"""The documented side of a drift check: the model reduced to the resources it promises.

Only what the topology states is expected: an attribute the topology leaves out is never
compared, and an object whose ``status`` is planned or retired is not expected at all. Each
expected resource names the live source that should observe it; a model object the ``live``
part gives no source for is not checked at all.

What each source is expected to see:

- ``libvirt:H`` (hypervisor H, a host or a VM): ``hypervisor:H`` (its logical CPUs; not its
  memory, which the kernel reports smaller than what is installed) and one
  ``vm:ID`` per libvirt or oVirt VM placed on H, keyed by the VM id (the domain name), with
  hypervisor (H) and state, vcpu, memory, autostart and nested_virt as stated. Disks and
  interfaces are collected but not compared: a disk's capacity depends on the image's format
  and provisioning (libvirt's test driver reports a fixed size), and the topology names
  networks, not bridges. A VM managed by OpenStack is expected from its cloud when that cloud
  is read, else from H's libvirt (keyed by its Nova name, with its flavor).
- ``openstack:C``: ``vm:ID`` for every OpenStack VM of cloud C (hypervisor as its
  hostname, state, vcpu, memory, flavor as stated) and ``os-hypervisor:C/NAME`` per compute
  member (NAME is its hostname or id).
- ``kubernetes:K``: ``k8s-node:K/NAME`` per member machine (NAME is its hostname or id):
  ``roles`` (the control-plane and worker roles, as node-role labels), ``ready`` (a documented
  node is expected Ready) and ``cpu`` as stated; ``k8s-etcd:K`` with the servers the API
  server should use: with external etcd that has an etcd source, that source's endpoints;
  with stacked etcd, the ``hosts`` they are on: each etcd (else control-plane) member's
  first address.
- ``etcd:E``: ``etcd-member:E/NAME`` per member, expected healthy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from topodoc.drift.resources import Resource, server_url
from topodoc.model.objects import VM, AnyObj, Cluster, Host, LiveSource, Machine, Model

K8S_NODE_ROLES = ("control-plane", "worker")


def _stated(obj: Any, field: str) -> bool:
    return field in obj.locs


def _cpus(machine: AnyObj | None) -> int | None:
    if isinstance(machine, Host):
        return machine.cpu.logical if machine.cpu else None
    return machine.vcpu if isinstance(machine, VM) else None


def _node_name(model: Model, machine_id: str) -> str:
    """The machine's node name; its id when it names no machine (an error the rules report: the
    extension still reads the last drift report)."""
    machine = model.get(machine_id)
    return machine.node_name if isinstance(machine, Machine) else machine_id


def _vm_attrs(vm: VM, hypervisor: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {"hypervisor": hypervisor}
    if vm.state:
        attrs["state"] = vm.state
    if vm.vcpu is not None:
        attrs["vcpu"] = vm.vcpu
    if vm.memory is not None:
        attrs["memory"] = vm.memory
    if vm.memory_max is not None and vm.platform != "openstack":
        attrs["memory_max"] = vm.memory_max
    if vm.autostart is not None and vm.platform != "openstack":
        attrs["autostart"] = vm.autostart
    if _stated(vm, "nested_virt"):
        attrs["nested_virt"] = vm.nested_virt
    if vm.flavor and vm.platform == "openstack":
        attrs["flavor"] = vm.flavor
    return attrs


@dataclass(frozen=True)
class Expected:
    """The documented resources, sorted by key, and the model object behind each key."""

    resources: list[Resource]
    owners: dict[str, str]  # resource key -> object id


def expected_resources(model: Model, sources: Iterable[Any] | None = None) -> Expected:
    """Every resource the ``sources`` to be read should observe.

    ``sources`` (anything with ``id``, ``kind`` and ``target``: the topology's
    :class:`~topodoc.model.objects.LiveSource` or a collector's ``SourceSpec``) default to the
    topology's ``live`` part. Which sources are read decides which one expects a resource
    seen by two (an OpenStack VM: its cloud if read, else its hypervisor's libvirt).
    """
    sources = {s.id: s for s in (model.live.sources if sources is None else sources)}
    documented = {s.id: s for s in model.live.sources}
    out: dict[str, Resource] = {}
    owners: dict[str, str] = {}

    def add(
        key: str,
        kind: str,
        attrs: dict[str, Any],
        source: str,
        parent: str | None = None,
        *,
        owner: str,
    ) -> None:
        if (found := model.get(owner)) is not None and not found.active:
            return  # planned: not built yet, never missing; retired: gone (an object the
            # topology does not define, an error of its own, is expected by its id)
        if key not in out:
            out[key] = Resource(key, kind, attrs, source, parent)
            owners[key] = owner

    for source in sorted(sources.values(), key=lambda s: s.id):
        target = model.get(source.target)
        if source.kind == "libvirt" and isinstance(target, Machine):
            host_key = f"hypervisor:{target.id}"
            cpus = _cpus(target)
            attrs = {"cpus": cpus} if cpus is not None else {}
            add(host_key, "hypervisor", attrs, source.id, owner=target.id)
            for child_id in model.children.get(target.id, ()):
                vm = model.objects[child_id]
                if not isinstance(vm, VM):
                    continue
                cloud = f"openstack:{vm.managed_by}"
                if vm.platform == "openstack" and cloud in sources:
                    # Nova names the hypervisor by its hostname, libvirt by the topology id
                    add(
                        f"vm:{vm.id}",
                        "vm",
                        _vm_attrs(vm, target.node_name),
                        cloud,
                        host_key,
                        owner=vm.id,
                    )
                else:
                    add(
                        f"vm:{vm.domain or vm.id}",
                        "vm",
                        _vm_attrs(vm, target.id),
                        source.id,
                        host_key,
                        owner=vm.id,
                    )
        elif source.kind == "openstack" and isinstance(target, Cluster):
            for vm in model.of_kind("vm"):
                if vm.platform == "openstack" and vm.managed_by == target.id:
                    add(
                        f"vm:{vm.id}",
                        "vm",
                        _vm_attrs(vm, _node_name(model, vm.runs_on)),
                        source.id,
                        owner=vm.id,
                    )
            for machine_id in dict.fromkeys(target.machines("compute")):
                add(
                    f"os-hypervisor:{target.id}/{_node_name(model, machine_id)}",
                    "os-hypervisor",
                    {},
                    source.id,
                    owner=machine_id,
                )
        elif source.kind == "kubernetes" and isinstance(target, Cluster):
            _kubernetes(model, target, source.id, documented, add)
        elif source.kind == "etcd" and isinstance(target, Cluster):
            for machine_id in dict.fromkeys(target.machines()):
                name = _node_name(model, machine_id)
                add(
                    f"etcd-member:{target.id}/{name}",
                    "etcd-member",
                    {"healthy": True},
                    source.id,
                    owner=machine_id,
                )
    return Expected([out[key] for key in sorted(out)], owners)


def _kubernetes(
    model: Model,
    cluster: Cluster,
    source_id: str,
    documented: Mapping[str, LiveSource],
    add: Callable[..., None],
) -> None:
    roles: dict[str, set[str]] = {}
    for member in cluster.members:
        roles.setdefault(member.machine, set()).update(
            r for r in member.roles if r in K8S_NODE_ROLES
        )
    for machine_id, node_roles in sorted(roles.items()):
        attrs: dict[str, Any] = {"roles": sorted(node_roles), "ready": True}
        if (cpus := _cpus(model.get(machine_id))) is not None:
            attrs["cpu"] = cpus
        add(
            f"k8s-node:{cluster.id}/{_node_name(model, machine_id)}",
            "k8s-node",
            attrs,
            source_id,
            owner=machine_id,
        )
    # the servers the topology documents, whatever endpoint the checker reads etcd through
    etcd_source = documented.get(f"etcd:{cluster.etcd_cluster}")
    if cluster.etcd_mode == "external" and etcd_source is not None:
        servers = sorted(server_url(u) for u in etcd_source.uri.split(",") if u.strip())
        add(f"k8s-etcd:{cluster.id}", "k8s-etcd", {"servers": servers}, source_id, owner=cluster.id)
    elif cluster.etcd_mode != "external":
        add(
            f"k8s-etcd:{cluster.id}",
            "k8s-etcd",
            _stacked_etcd(model, cluster),
            source_id,
            owner=cluster.id,
        )


def _stacked_etcd(model: Model, cluster: Cluster) -> dict[str, Any]:
    """Stacked etcd: the API servers use etcd on each etcd member (or, with none named, each
    control-plane member): its ``hosts`` are their first documented addresses; nothing is
    compared when a member documents no address."""
    members = cluster.machines("etcd") or cluster.machines("control-plane")
    addresses = [
        next((nic.address for nic in machine.nics if nic.address), None)
        if isinstance(machine := model.get(m), Machine)
        else None
        for m in dict.fromkeys(members)
    ]
    if not addresses or None in addresses:
        return {}
    return {"hosts": sorted(addresses)}


def expected_drift_entries(model: Model, expected: Expected) -> list[tuple[str, str, str]]:
    """``(pattern, reason, where)`` for each ``expected_drift`` entry in the model, written
    against every resource key its object is checked as."""
    from topodoc.drift.ignore import expected_drift_pattern

    keys_of: dict[str, list[str]] = {}
    for key, owner in expected.owners.items():
        keys_of.setdefault(owner, []).append(key)
    return [
        (expected_drift_pattern(key, entry.pattern), entry.reason, str(entry.loc))
        for obj in model
        for entry in obj.expected_drift
        for key in keys_of.get(obj.id, ())
    ]
