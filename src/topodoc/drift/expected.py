"""The documented side of a drift check: the model reduced to the resources it promises.

Only what the topology states is expected: an attribute the topology leaves out is never
compared, and an object whose ``status`` is planned or retired is not expected at all. Each
expected resource names the live source that should observe it; a model object the ``live``
part gives no source for is not checked at all.

What each source is expected to see:

- ``libvirt:H`` (hypervisor H, a host or a VM): ``hypervisor:H`` (its logical CPUs; not its
  memory, which the kernel reports smaller than what is installed) and one
  ``vm:ID`` per libvirt or oVirt VM placed on H, keyed by the VM id (the domain name), with
  hypervisor (H) and state, vcpu, memory, memory_max, autostart, nested_virt, vcpupin,
  numa_node, cpu_mode, firmware, machine_type and passthrough as stated (passthrough only
  when every device it names has a PCI address, and vGPU slices a ``vgpu_type``). Disks and
  interfaces are collected but not compared: a disk's capacity depends on the image's format
  and provisioning (libvirt's test driver reports a fixed size), and the topology names
  networks, not bridges. A VM managed by OpenStack is expected from its cloud when that cloud
  is read, else from H's libvirt (keyed by its Nova name, with its flavor). And
  ``libvirt-network:H/ID`` for each ``forward: hostdev`` network whose ``vf_pool`` names a
  device of H, with forward and vf_pool (H's devices): the only networks the topology ties
  to a hypervisor.
- ``openstack:C``: ``vm:ID`` for every OpenStack VM of cloud C (hypervisor as its
  hostname, state, vcpu, memory, flavor as stated) and ``os-hypervisor:C/NAME`` per compute
  member (NAME is its hostname or id).
- ``kubernetes:K``: ``k8s-node:K/NAME`` per member machine (NAME is its hostname or id):
  ``roles`` (the control-plane and worker roles, as node-role labels), ``ready`` (a documented
  node is expected Ready), ``cpu`` and the cluster's ``container_runtime`` as stated;
  ``k8s-etcd:K`` with the servers the API server should use: with external etcd that has an
  etcd source, that source's endpoints; with stacked etcd, the ``hosts`` they are on: each
  etcd (else control-plane) member's first address.
- ``etcd:E``: ``etcd-member:E/NAME`` per member, expected healthy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from topodoc.drift.resources import Resource, server_url
from topodoc.model.facts import cpuset, cpuset_text
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


def _vm_attrs(model: Model, vm: VM, hypervisor: str) -> dict[str, Any]:
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
    if vm.platform != "openstack":
        attrs |= _libvirt_facts(model, vm)
    return attrs


def _libvirt_facts(model: Model, vm: VM) -> dict[str, Any]:
    """What a VM's domain XML should say, as far as the topology states it."""
    attrs: dict[str, Any] = {}
    if _stated(vm, "vcpupin"):
        attrs["vcpupin"] = sorted(f"{p.vcpu}->{cpuset_text(cpuset(p.cpuset))}" for p in vm.vcpupin)
    if vm.numa_node is not None:
        attrs["numa_node"] = vm.numa_node
    for name in ("cpu_mode", "firmware", "machine_type"):
        if (value := getattr(vm, name)) is not None:
            attrs[name] = value
    if _stated(vm, "passthrough") and (given := _passthrough(model, vm)) is not None:
        attrs["passthrough"] = given
    return attrs


def _passthrough(model: Model, vm: VM) -> list[str] | None:
    """The VM's passthrough as the libvirt collector names it (``0000:03:00.0``,
    ``0000:87:00.0 VF 1``, ``0000:84:00.0 vGPU nvidia-231`` per slice); None when a device
    it names has no PCI address (or, for vGPU slices, no ``vgpu_type``) to compare."""
    host = model.get(vm.runs_on)
    devices = {d.name: d for d in host.devices} if isinstance(host, Host) else {}
    given: list[str] = []
    for item in vm.passthrough:
        device = devices.get(item.device)
        if device is None or device.pci is None:
            return None
        address = pci_address(device.pci)
        if item.vf is not None:
            given.append(f"{address} VF {item.vf}")
        elif item.slices:
            if not device.vgpu_type:
                return None
            given += [f"{address} vGPU {device.vgpu_type}"] * item.slices
        else:
            given.append(address)
    return sorted(given)


def pci_address(text: str) -> str:
    """A PCI address as libvirt's collector writes it: ``03:00.0`` -> ``0000:03:00.0``."""
    text = text.strip().lower()
    return text if text.count(":") == 2 else f"0000:{text}"


def _runtime(cluster: Cluster) -> str | None:
    """The nodes' ``containerRuntimeVersion`` as documented: ``containerd://1.7.13``, or the
    name alone when no version is written; None when the name is ``other`` or not given."""
    name = cluster.container_runtime.get("name")
    if not name or name == "other":
        return None
    version = cluster.container_runtime.get("version")
    return f"{name}://{version}" if version else name


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
                        _vm_attrs(model, vm, target.node_name),
                        cloud,
                        host_key,
                        owner=vm.id,
                    )
                else:
                    add(
                        f"vm:{vm.domain or vm.id}",
                        "vm",
                        _vm_attrs(model, vm, target.id),
                        source.id,
                        host_key,
                        owner=vm.id,
                    )
            for network in model.of_kind("network"):
                pfs = sorted(v.device for v in network.vf_pool if v.host == target.id)
                if network.forward == "hostdev" and pfs:
                    add(
                        f"libvirt-network:{target.id}/{network.id}",
                        "libvirt-network",
                        {"forward": "hostdev", "vf_pool": pfs},
                        source.id,
                        host_key,
                        owner=network.id,
                    )
        elif source.kind == "openstack" and isinstance(target, Cluster):
            for vm in model.of_kind("vm"):
                if vm.platform == "openstack" and vm.managed_by == target.id:
                    add(
                        f"vm:{vm.id}",
                        "vm",
                        _vm_attrs(model, vm, _node_name(model, vm.runs_on)),
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
        if (runtime := _runtime(cluster)) is not None:
            attrs["container_runtime"] = runtime
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
