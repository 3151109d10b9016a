"""libvirt collector: one hypervisor, its domains, networks and storage pools.

The connection is ``libvirt.openReadOnly``: read-only by construction. A domain carrying Nova
metadata is keyed by its Nova name with ``openstack_id`` = the domain UUID, so it joins the
Nova server. Disks read ``"vda:<capacity bytes>"`` (or ``"vda"`` when libvirt cannot size
the disk, or the driver is the test driver, whose sizes are made up); interfaces
``"bridge:br0"``, ``"network:default"``, ``"direct:eth0"``. ``memory`` is the current memory
(``<currentMemory>``), ``memory_max`` the maximum (``<memory>``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Set
from typing import TYPE_CHECKING, Any

from topodoc.drift.collectors import Collection, run
from topodoc.drift.collectors.libvirt_devices import HostDevices
from topodoc.drift.resources import SourceResult
from topodoc.model.facts import cpuset, cpuset_text

if TYPE_CHECKING:
    from topodoc.drift.resources import SourceSpec

NOVA_NS_PREFIX = "{http://openstack.org/xmlns/libvirt/nova/"
#: virDomainState -> normalised state; everything else is "other". BLOCKED (2) is running.
STATES = {1: "running", 2: "running", 3: "paused", 5: "shutoff"}
NESTED_FEATURES = ("vmx", "svm")
#: The source attribute naming what an interface of each type attaches to.
INTERFACE_SOURCES = {"bridge": "bridge", "network": "network", "direct": "dev"}


def collect(spec: SourceSpec, skip_kinds: Set[str]) -> SourceResult:
    """Collect the hypervisor at ``spec.uri`` (observed as topology object ``spec.target``)."""
    return run(spec, skip_kinds, _collect, _classify)


def _classify(exc: Exception) -> tuple[str, str] | None:
    import libvirt

    if not isinstance(exc, libvirt.libvirtError):
        return None
    code, message = exc.get_error_code(), exc.get_error_message() or str(exc)
    if code in (
        libvirt.VIR_ERR_AUTH_FAILED,
        libvirt.VIR_ERR_AUTH_CANCELLED,
        libvirt.VIR_ERR_OPERATION_DENIED,
        libvirt.VIR_ERR_ACCESS_DENIED,
    ):
        return "forbidden", message
    if code == libvirt.VIR_ERR_OPERATION_TIMEOUT:
        return "timeout", message
    if code in (libvirt.VIR_ERR_SYSTEM_ERROR, libvirt.VIR_ERR_NO_CONNECT, libvirt.VIR_ERR_RPC):
        return ("refused" if "refused" in message.lower() else "unreachable"), message
    return "error", message


def _collect(col: Collection) -> None:
    import libvirt

    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)  # no printing to stderr
    target = col.spec.target
    conn = col.call(libvirt.openReadOnly, col.spec.uri)
    try:
        host = f"hypervisor:{target}"
        if col.wants("hypervisor"):
            _model, memory_mib, cpus, *_ = col.call(conn.getInfo)
            col.add("hypervisor", target, {"cpus": cpus, "memory": memory_mib * 2**20})
        if col.wants("vm"):
            sized = col.call(conn.getType).lower() != "test"  # the test driver makes sizes up
            devices = HostDevices(col, libvirt, conn)
            for dom in sorted(col.call(conn.listAllDomains, 0), key=lambda d: d.name()):
                try:
                    name, attrs = _domain(col, libvirt, dom, sized, devices)
                except libvirt.libvirtError as exc:
                    if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                        continue  # undefined while we looked: not there any more
                    raise
                col.add("vm", name, attrs, host)
        if col.wants("libvirt-network"):
            for net in sorted(col.call(conn.listAllNetworks, 0), key=lambda n: n.name()):
                xml = ET.fromstring(col.call(net.XMLDesc, 0))
                col.add(
                    "libvirt-network",
                    f"{target}/{net.name()}",
                    {**_network(xml), "active": bool(col.call(net.isActive))},
                    host,
                )
        if col.wants("storage-pool"):
            for pool in sorted(col.call(conn.listAllStoragePools, 0), key=lambda p: p.name()):
                xml = ET.fromstring(col.call(pool.XMLDesc, 0))
                col.add(
                    "storage-pool",
                    f"{target}/{pool.name()}",
                    {
                        "type": xml.get("type"),
                        "active": bool(col.call(pool.isActive)),
                    },
                    host,
                )
    finally:
        conn.close()


def _domain(
    col: Collection, libvirt: Any, dom: Any, sized: bool, devices: HostDevices
) -> tuple[str, dict[str, Any]]:
    """The key name and compared attributes of one domain (``sized``: disk capacities are
    real, which the test driver's are not)."""
    state, max_mem_kib, mem_kib, vcpus, _cpu_time = col.call(dom.info)
    xml = ET.fromstring(col.call(dom.XMLDesc, 0))
    cpu = xml.find("cpu")
    cpu_mode = None if cpu is None else cpu.get("mode", "custom")
    os_type = xml.find("os/type")
    attrs: dict[str, Any] = {
        "hypervisor": col.spec.target,
        "state": STATES.get(state, "other"),
        "vcpu_max": col.call(dom.vcpusFlags, libvirt.VIR_DOMAIN_VCPU_MAXIMUM),
        "vcpu": vcpus,
        "memory": mem_kib * 1024,
        "memory_max": max_mem_kib * 1024,
        "autostart": bool(col.call(dom.autostart)),
        "cpu_mode": cpu_mode,
        "nested_virt": _nested_virt(cpu),
        "disks": sorted(
            _disk(col, libvirt, dom, d, sized)
            for d in xml.iterfind("devices/disk")
            if d.get("device", "disk") == "disk" and d.find("target") is not None
        ),
        "interfaces": sorted(_interface(i) for i in xml.iterfind("devices/interface")),
        "vcpupin": sorted(
            f"{pin.get('vcpu')}->{cpuset_text(cpuset(pin.get('cpuset', '')))}"
            for pin in xml.iterfind("cputune/vcpupin")
        ),
        "numa_node": _nodeset(xml.find("numatune/memory")),
        "firmware": _firmware(xml),
        "machine_type": None if os_type is None else os_type.get("machine"),
        "passthrough": devices.passthrough(xml),
    }
    nova = next((m for m in xml.iterfind("metadata/*") if m.tag.startswith(NOVA_NS_PREFIX)), None)
    if nova is None:
        return dom.name(), attrs
    ns = nova.tag[: nova.tag.index("}") + 1]
    attrs["openstack_id"] = xml.findtext("uuid")
    flavor = nova.find(f"{ns}flavor")
    if flavor is not None and flavor.get("name"):
        attrs["flavor"] = flavor.get("name")
    return nova.findtext(f"{ns}name") or dom.name(), attrs


def _nodeset(memory: ET.Element | None) -> int | str:
    """The host NUMA node(s) the memory is bound to: one node as its number, else the
    nodeset as libvirt writes it; ``none`` when it is not bound."""
    nodeset = None if memory is None else memory.get("nodeset")
    return int(nodeset) if nodeset and nodeset.isdigit() else nodeset or "none"


def _firmware(xml: ET.Element) -> str:
    """``uefi`` for ``<os firmware='efi'>`` or a pflash loader (OVMF), else ``bios``."""
    loader = xml.find("os/loader")
    efi = xml.find("os[@firmware='efi']") is not None
    return "uefi" if efi or (loader is not None and loader.get("type") == "pflash") else "bios"


def _network(xml: ET.Element) -> dict[str, Any]:
    """A network's attributes: bridge, forward mode (``none``: isolated), DHCP ranges
    (``START-END``), DNS domain and, for ``forward mode='hostdev'``, the physical functions
    whose VFs it hands out (``<pf dev>``)."""
    forward, bridge, domain = xml.find("forward"), xml.find("bridge"), xml.find("domain")
    return {
        "bridge": None if bridge is None else bridge.get("name"),
        "forward": "none" if forward is None else forward.get("mode", "nat"),
        "dhcp": sorted(f"{r.get('start')}-{r.get('end')}" for r in xml.iterfind("ip/dhcp/range")),
        "domain": None if domain is None else domain.get("name"),
        "vf_pool": sorted(pf.get("dev", "") for pf in xml.iterfind("forward/pf")),
    }


def _nested_virt(cpu: ET.Element | None) -> bool:
    """Whether the guest sees VMX/SVM: required, forced or optional (on whenever the host
    has it, as a host running nested VMs does), or passed through and not disabled."""
    if cpu is None:
        return False
    policies = {f.get("name"): f.get("policy", "require") for f in cpu.iterfind("feature")}
    wanted = [policies[name] for name in NESTED_FEATURES if name in policies]
    if any(p in ("require", "force", "optional") for p in wanted):
        return True
    if any(p in ("disable", "forbid") for p in wanted):
        return False
    return cpu.get("mode") == "host-passthrough"


def _disk(col: Collection, libvirt: Any, dom: Any, disk: ET.Element, sized: bool) -> str:
    target = disk.find("target")  # the caller keeps only disks with a target
    dev = "" if target is None else target.get("dev", "")
    if not sized:
        return dev
    try:
        capacity = col.call(dom.blockInfo, dev)[0]
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            raise
        return dev
    return f"{dev}:{capacity}"


def _interface(iface: ET.Element) -> str:
    kind = iface.get("type", "")
    source = iface.find("source")
    attr = INTERFACE_SOURCES.get(kind)
    if attr is None or source is None or not source.get(attr):
        return kind
    return f"{kind}:{source.get(attr)}"
