"""Key facts about an object as short, exact text: for tooltips, labels and tables."""

from __future__ import annotations

from collections import Counter

from topodoc.model.objects import Cpu, Device, Disk, Machine, Model, Nic, Obj, Passthrough
from topodoc.model.sizes import format_size


def cpu_text(cpu: Cpu) -> str:
    """``Intel Xeon E5-2670 v3, 2x12x2 = 48 logical CPUs``; ``48 logical CPUs``."""
    shape = f"{cpu.sockets}x{cpu.cores}x{cpu.threads} = " if cpu.shape else ""
    count = f"{shape}{cpu.logical} logical CPUs" if cpu.logical else ""
    return ", ".join(p for p in (cpu.model, count) if p)


def disk_text(disk: Disk) -> str:
    """``sda 960GB ssd``, ``vda 64GiB (pool zcloud-images)``, ``sdb size unknown``."""
    size = format_size(disk.size) if disk.size is not None else "size unknown"
    parts = [disk.name or "", size, disk.type or "", disk.model or ""]
    text = " ".join(p for p in parts if p)
    return f"{text} (pool {disk.pool})" if disk.pool else text


def device_text(device: Device) -> str:
    """``gpu0 gpu Tesla T4 [10de:1eb8] at 0000:03:00.0, 4 vGPU slices (nvidia-231)``."""
    text = " ".join(p for p in (device.name, device.type, device.model,
                                f"[{device.pci_id}]" if device.pci_id else "",
                                f"at {device.pci}" if device.pci else "") if p)
    if device.disk:
        text += f", disk {device.disk}"
    if device.vfs:
        text += f", {device.vfs} VFs"
    if device.vgpus:
        text += f", {device.vgpus} vGPU slices" + (f" ({device.vgpu_type})"
                                                   if device.vgpu_type else "")
    return text


def passthrough_text(host: str, item: Passthrough) -> str:
    """``zcloud:gpu0`` (the whole device), ``zcloud:ens1f0 VF 3``, ``zcloud:gpu0 1 vGPU slice``."""
    part = "" if item.part == "whole" else f" {item.part}"
    return f"{host}:{item.device}{part}"


def pinning_text(vm) -> str:
    """``0->2, 1->3`` (vCPU -> host CPUs)."""
    return ", ".join(f"{p.vcpu}->{p.cpuset}" for p in vm.vcpupin)


def runtime_text(cluster) -> str:
    """``containerd 1.6.20``."""
    return " ".join(v for v in (cluster.container_runtime.get("name"),
                                cluster.container_runtime.get("version")) if v)


def history_text(cluster) -> tuple[str, ...]:
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


def summary(obj: Obj) -> str:
    """The one line a diagram node shows under the name: ``4 vCPU, 8GiB``."""
    kind = obj.kind
    if kind == "host":
        parts = [f"{obj.cpu.logical} CPUs" if obj.cpu and obj.cpu.logical else "",
                 format_size(obj.memory) if obj.memory else ""]
    elif kind == "vm":
        parts = [f"{obj.vcpu} vCPU" if obj.vcpu else "",
                 format_size(obj.memory) if obj.memory else "",
                 obj.state if obj.state and obj.state != "running" else ""]
    elif kind == "container":
        parts = [obj.runtime or "", obj.image or ""]
    elif kind in ("cluster", "service"):
        parts = [f"{obj.type or ''} {obj.version or ''}".strip()]
    elif kind == "network":
        parts = [obj.subnet or obj.type, f"VLAN {obj.vlan}" if obj.vlan is not None else ""]
    elif kind == "storage":
        parts = [obj.type, format_size(obj.size) if obj.size else "",
                 f"x{obj.replicas}" if obj.replicas else ""]
    elif kind == "failure_domain":
        parts = [obj.type]
    else:
        parts = [getattr(obj, "location", None) or ""]
    return ", ".join(p for p in parts if p)


def facts(model: Model, obj: Obj) -> list[tuple[str, str]]:
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

    kind = obj.kind
    if kind in ("vm", "container"):
        host = model.physical_host(obj.id)
        add("runs on", obj.runs_on + (f" (host {host})" if host and host != obj.runs_on else ""))
    if kind == "host":
        add("site", obj.site)
        add("failure domains", obj.failure_domains)
        add("hardware", " ".join(p for p in (obj.vendor, obj.model) if p))
        add("CPU", cpu_text(obj.cpu) if obj.cpu else None)
    if kind == "vm":
        add("platform", obj.platform + (f" (managed by {obj.managed_by})"
                                        if obj.managed_by else ""))
        add("flavor", obj.flavor)
        add("vCPU", obj.vcpu)
        add("vCPU pinning", pinning_text(obj))
        add("NUMA node", obj.numa_node)
        add("CPU mode", obj.cpu_mode)
        add("firmware", obj.firmware)
        add("machine type", obj.machine_type)
        add("state", obj.state)
        add("template", "yes" if obj.template else None)
    if kind in ("host", "vm"):
        add("memory", format_size(obj.memory) if obj.memory else None)
        add("disks", tuple(disk_text(d) for d in obj.disks))
    if kind == "host":
        add("devices", tuple(device_text(d) for d in obj.devices))
    if kind == "vm":
        add("passthrough", tuple(passthrough_text(obj.runs_on, p) for p in obj.passthrough))
        add("OS", " ".join(v for v in obj.os.values() if v))
        add("nested virtualization", "yes" if obj.nested_virt else None)
    if kind == "container":
        add("runtime", obj.runtime)
        add("image", obj.image)
    if isinstance(obj, Machine):
        add("addresses", tuple(nic_text(n) for n in obj.nics))
    if kind == "host" and obj.bmc:
        add("BMC", " ".join(v for k, v in sorted(obj.bmc.items()) if k != "network"))
    if kind in ("cluster", "service", "network", "storage", "failure_domain"):
        add("type", obj.type)
    if kind in ("cluster", "service"):
        add("version", obj.version)
    if kind == "cluster":
        add("API endpoint", obj.api_endpoint)
        add("container runtime", runtime_text(obj))
        add("history", history_text(obj))
        if obj.ceph:
            add("Ceph", " ".join(f"{k.replace('_', ' ')} {v}" for k in (
                "fsid", "public_network", "cluster_network") if (v := getattr(obj.ceph, k))))
        add("OSDs", tuple(f"osd.{o.id} on {m.machine}" + (f" {o.device}" if o.device else "")
                          for m in obj.members for o in m.osds))
        roles = roles_text([m.roles for m in obj.members])
        add("members", f"{len(dict.fromkeys(obj.machines()))} ({roles})")
        add("etcd", " ".join(p for p in (obj.etcd_mode, obj.etcd_cluster) if p))
    if kind == "service":
        add("runs on", obj.runs_on)
        add("URL", obj.url)
    if kind in ("cluster", "service"):
        add("depends on", obj.depends_on)
    if kind == "network":
        for name in ("subnet", "gateway", "vlan", "bridge", "parent"):
            add(name, getattr(obj, name))
    if kind == "storage":
        add("provided by", obj.provided_by)
        add("size", format_size(obj.size) if obj.size else None)
        add("replicas", obj.replicas)
        add("min replicas", obj.min_replicas)
        add("backing", obj.backing)
        add("used by", obj.used_by)
    if kind == "failure_domain":
        add("site", obj.site)
        add("parent", obj.parent)
    if kind == "site":
        add("location", obj.location)
    add("tags", obj.tags)
    add("description", obj.description)
    return out
