"""Key facts about an object as short, exact text: for tooltips, labels and tables."""

from __future__ import annotations

from collections import Counter

from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    Cpu,
    Disk,
    FailureDomain,
    Host,
    Machine,
    Model,
    Network,
    Nic,
    Service,
    Site,
    Storage,
)
from topodoc.model.sizes import format_size


def cpu_text(cpu: Cpu) -> str:
    """``Intel Xeon E5-2670 v3, 2x12x2 = 48 logical CPUs``."""
    shape = f"{cpu.sockets}x{cpu.cores}x{cpu.threads} = {cpu.logical} logical CPUs"
    return f"{cpu.model}, {shape}" if cpu.model else shape


def disk_text(disk: Disk) -> str:
    """``sda 960GB ssd``, ``vda 64GiB (pool zcloud-images)``."""
    parts = [disk.name or "", format_size(disk.size), disk.type or "", disk.model or ""]
    text = " ".join(p for p in parts if p)
    return f"{text} (pool {disk.pool})" if disk.pool else text


def os_text(machine: Host | VM) -> str:
    """``Debian 12``: the operating system's name and version, as written."""
    return " ".join(v for v in (machine.os.get("name"), machine.os.get("version")) if v)


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
        parts = [f"{obj.cpu.logical} CPUs" if obj.cpu else "",
                 format_size(obj.memory) if obj.memory else ""]
    elif isinstance(obj, VM):
        parts = [f"{obj.vcpu} vCPU" if obj.vcpu else "",
                 format_size(obj.memory) if obj.memory else "",
                 obj.state if obj.state and obj.state != "running" else ""]
    elif isinstance(obj, Container):
        parts = [obj.runtime or "", obj.image or ""]
    elif isinstance(obj, Cluster | Service):
        parts = [f"{obj.type or ''} {obj.version or ''}".strip()]
    elif isinstance(obj, Network):
        parts = [obj.subnet or obj.type, f"VLAN {obj.vlan}" if obj.vlan is not None else ""]
    elif isinstance(obj, Storage):
        parts = [obj.type, format_size(obj.size) if obj.size else "",
                 f"x{obj.replicas}" if obj.replicas else ""]
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
        add("platform", obj.platform + (f" (managed by {obj.managed_by})"
                                        if obj.managed_by else ""))
        add("flavor", obj.flavor)
        add("vCPU", obj.vcpu)
        add("state", obj.state)
    if isinstance(obj, Host | VM):
        add("memory", format_size(obj.memory) if obj.memory else None)
        add("disks", tuple(disk_text(d) for d in obj.disks))
        add("OS", " ".join(v for v in obj.os.values() if v))
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
