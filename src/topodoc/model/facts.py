"""Key facts about an object as short, exact text: for tooltips, labels and tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    Cpu,
    Device,
    Disk,
    FailureDomain,
    Host,
    Machine,
    Model,
    Network,
    Nic,
    Passthrough,
    Service,
    Site,
    Storage,
)
from topodoc.model.sizes import format_size

#: The words of :func:`cpu_text` and :func:`disk_text`, as templates (the Sphinx extension
#: hands in a ``translate`` that puts them in the page's language).
CPU_SHAPE = "{sockets}x{cores}x{threads} = {logical} logical CPUs"
CPU_COUNT = "{logical} logical CPUs"
SIZE_UNKNOWN = "size unknown"
IN_POOL = "(pool {pool})"


def cpu_text(cpu: Cpu, translate: Callable[[str], str] = str) -> str:
    """``Intel Xeon E5-2670 v3, 2x12x2 = 48 logical CPUs``; ``48 logical CPUs``."""
    count = ""
    if cpu.logical:
        count = translate(CPU_SHAPE if cpu.shape else CPU_COUNT).format(
            sockets=cpu.sockets, cores=cpu.cores, threads=cpu.threads, logical=cpu.logical
        )
    return ", ".join(p for p in (cpu.model, count) if p)


def disk_text(disk: Disk, translate: Callable[[str], str] = str) -> str:
    """``sda 960GB ssd``, ``vda 64GiB (pool zcloud-images)``, ``sdb size unknown``."""
    size = format_size(disk.size) if disk.size is not None else translate(SIZE_UNKNOWN)
    parts = [disk.name or "", size, disk.type or "", disk.model or ""]
    text = " ".join(p for p in parts if p)
    return f"{text} {translate(IN_POOL).format(pool=disk.pool)}" if disk.pool else text


def os_text(machine: Host | VM) -> str:
    """``Debian 12``: the operating system's name and version, as written."""
    return " ".join(v for v in (machine.os.get("name"), machine.os.get("version")) if v)


def device_text(device: Device) -> str:
    """``gpu0 gpu Tesla T4 [10de:1eb8] at 0000:03:00.0, 4 vGPU slices (nvidia-231)``."""
    text = " ".join(
        p
        for p in (
            device.name,
            device.type,
            device.model,
            f"[{device.pci_id}]" if device.pci_id else "",
            f"at {device.pci}" if device.pci else "",
        )
        if p
    )
    if device.disk:
        text += f", disk {device.disk}"
    if device.vfs:
        text += f", {device.vfs} VFs"
    if device.vgpus:
        text += f", {device.vgpus} vGPU slices" + (
            f" ({device.vgpu_type})" if device.vgpu_type else ""
        )
    return text


def passthrough_text(host: str, item: Passthrough) -> str:
    """``zcloud:gpu0`` (the whole device), ``zcloud:ens1f0 VF 3``, ``zcloud:gpu0 1 vGPU slice``."""
    part = "" if item.part == "whole" else f" {item.part}"
    return f"{host}:{item.device}{part}"


def pinning_text(vm: VM) -> str:
    """``0->2, 1->3`` (vCPU -> host CPUs)."""
    return ", ".join(f"{p.vcpu}->{p.cpuset}" for p in vm.vcpupin)


def cpuset(text: str) -> set[int]:
    """The CPUs of a libvirt cpuset (``0-7,^4``)."""
    cpus: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.lstrip("^").partition("-")
        span = set(range(int(first), int(last or first) + 1))
        cpus = cpus - span if part.startswith("^") else cpus | span
    return cpus


def cpuset_text(cpus: set[int]) -> str:
    """``cpus`` as libvirt writes a cpuset: ranges, in order (``0-3,5-7``)."""
    runs: list[list[int]] = []
    for cpu in sorted(cpus):
        if runs and cpu == runs[-1][1] + 1:
            runs[-1][1] = cpu
        else:
            runs.append([cpu, cpu])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def runtime_text(cluster: Cluster) -> str:
    """``containerd 1.6.20``."""
    return " ".join(
        v
        for v in (cluster.container_runtime.get("name"), cluster.container_runtime.get("version"))
        if v
    )


def history_text(cluster: Cluster) -> tuple[str, ...]:
    """``1.24.2 (2022-07-01)``, oldest first."""
    return tuple(f"{r.version} ({r.date})" for r in cluster.history)


def nic_text(nic: Nic) -> str:
    """``eno1 192.168.6.200 on lab-net, 1Gbps``."""
    text = " ".join(p for p in (nic.name, nic.address or nic.mac) if p) or "nic"
    if nic.network:
        text += f" on {nic.network}"
    return f"{text}, {nic.speed}" if nic.speed else text


def roles_text(members: list[tuple[str, ...]]) -> str:
    """``control-plane 3, worker 3``: how many members have each role."""
    counts = Counter(r for roles in members for r in dict.fromkeys(roles))
    return ", ".join(f"{role} {n}" for role, n in counts.items())


def summary(obj: AnyObj) -> str:
    """The one line a diagram node shows under the name: ``4 vCPU, 8GiB``."""
    parts: list[str | None]
    if isinstance(obj, Host):
        parts = [
            f"{obj.cpu.logical} CPUs" if obj.cpu and obj.cpu.logical else "",
            format_size(obj.memory) if obj.memory else "",
        ]
    elif isinstance(obj, VM):
        parts = [
            f"{obj.vcpu} vCPU" if obj.vcpu else "",
            format_size(obj.memory) if obj.memory else "",
            obj.state if obj.state and obj.state != "running" else "",
        ]
    elif isinstance(obj, Container):
        parts = [obj.runtime or "", obj.image or ""]
    elif isinstance(obj, Cluster | Service):
        parts = [f"{obj.type or ''} {obj.version or ''}".strip()]
    elif isinstance(obj, Network):
        parts = [obj.subnet or obj.type, f"VLAN {obj.vlan}" if obj.vlan is not None else ""]
    elif isinstance(obj, Storage):
        parts = [
            obj.type,
            format_size(obj.size) if obj.size else "",
            f"x{obj.replicas}" if obj.replicas else "",
        ]
    elif isinstance(obj, FailureDomain):
        parts = [obj.type]
    else:
        parts = [obj.location or ""]
    return ", ".join(p for p in parts if p)


def facts(model: Model, obj: AnyObj) -> list[tuple[str, str]]:
    """(name, value) pairs describing ``obj``, in reading order, values exact."""
    out: list[tuple[str, str]] = [("kind", obj.kind), ("id", obj.id)]
    if obj.name:
        out.append(("name", obj.name))
    if not obj.active:
        out.append(("status", obj.status))

    def add(name: str, value: str | int | tuple[str, ...] | None) -> None:
        if isinstance(value, tuple):
            value = ", ".join(value)
        if value is not None and value != "":
            out.append((name, str(value)))

    if isinstance(obj, VM | Container):
        host = model.physical_host(obj.id)
        add("runs on", obj.runs_on + (f" (host {host})" if host and host != obj.runs_on else ""))
    if isinstance(obj, Host):
        add("site", obj.site)
        add("failure domains", obj.failure_domains)
        add("hardware", " ".join(p for p in (obj.vendor, obj.model) if p))
        add("CPU", cpu_text(obj.cpu) if obj.cpu else None)
    if isinstance(obj, VM):
        add(
            "platform", obj.platform + (f" (managed by {obj.managed_by})" if obj.managed_by else "")
        )
        add("flavor", obj.flavor)
        add("vCPU", obj.vcpu)
        add("vCPU pinning", pinning_text(obj))
        add("NUMA node", obj.numa_node)
        add("CPU mode", obj.cpu_mode)
        add("firmware", obj.firmware)
        add("machine type", obj.machine_type)
        add("state", obj.state)
        add("template", "yes" if obj.template else None)
    if isinstance(obj, Host | VM):
        add("memory", format_size(obj.memory) if obj.memory else None)
        add("disks", tuple(disk_text(d) for d in obj.disks))
        if isinstance(obj, Host):
            add("devices", tuple(device_text(d) for d in obj.devices))
        else:
            add("passthrough", tuple(passthrough_text(obj.runs_on, p) for p in obj.passthrough))
        add("OS", os_text(obj))
        add("nested virtualization", "yes" if obj.nested_virt else None)
    if isinstance(obj, Container):
        add("runtime", obj.runtime)
        add("image", obj.image)
    if isinstance(obj, Machine):
        add("addresses", tuple(nic_text(n) for n in obj.nics))
    if isinstance(obj, Host) and obj.bmc:
        add("BMC", " ".join(v for k, v in sorted(obj.bmc.items()) if k != "network"))
    if isinstance(obj, Cluster | Service | Network | Storage | FailureDomain):
        add("type", obj.type)
    if isinstance(obj, Cluster | Service):
        add("version", obj.version)
    if isinstance(obj, Cluster):
        add("API endpoint", obj.api_endpoint)
        add("container runtime", runtime_text(obj))
        add("history", history_text(obj))
        if obj.ceph:
            add(
                "Ceph",
                " ".join(
                    f"{k.replace('_', ' ')} {v}"
                    for k in ("fsid", "public_network", "cluster_network")
                    if (v := getattr(obj.ceph, k))
                ),
            )
        add(
            "OSDs",
            tuple(
                f"osd.{o.id} on {m.machine}" + (f" {o.device}" if o.device else "")
                for m in obj.members
                for o in m.osds
            ),
        )
        roles = roles_text([m.roles for m in obj.members])
        add("members", f"{len(dict.fromkeys(obj.machines()))} ({roles})")
        add("etcd", " ".join(p for p in (obj.etcd_mode, obj.etcd_cluster) if p))
    if isinstance(obj, Service):
        add("runs on", obj.runs_on)
        add("URL", obj.url)
    if isinstance(obj, Cluster | Service):
        add("depends on", obj.depends_on)
    if isinstance(obj, Network):
        for name in ("subnet", "gateway", "vlan", "bridge", "parent"):
            add(name, getattr(obj, name))
    if isinstance(obj, Storage):
        add("provided by", obj.provided_by)
        add("size", format_size(obj.size) if obj.size else None)
        add("replicas", obj.replicas)
        add("min replicas", obj.min_replicas)
        add("backing", obj.backing)
        add("used by", obj.used_by)
    if isinstance(obj, FailureDomain):
        add("site", obj.site)
        add("parent", obj.parent)
    if isinstance(obj, Site):
        add("location", obj.location)
    add("tags", obj.tags)
    add("description", obj.description)
    return out
