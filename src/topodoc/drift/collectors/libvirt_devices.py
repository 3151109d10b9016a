"""What a libvirt domain is given of its host's PCI devices, named as the topology can state it.

A domain's XML names a device given whole by its PCI address (``0000:03:00.0``), an SR-IOV
virtual function by the VF's own address, and a vGPU slice by the UUID of its mediated
device. The host's node devices say more: a VF's physical function and its index among the
PF's VFs (``0000:87:00.0 VF 1``), an mdev's parent GPU and type
(``0000:84:00.0 vGPU nvidia-231``). Node devices are read only for the devices domains have,
once each; one libvirt cannot describe (or not to this connection) is named as the domain
XML names it (its address, or ``mdev UUID``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from topodoc.drift.collectors import Collection

#: A PCI node device's name: ``pci_0000_03_00_0``.
_PCI_NAME = re.compile(r"pci_([0-9a-f]{4})_([0-9a-f]{2})_([0-9a-f]{2})_([0-9a-f])\Z")


def pci_address(element: ET.Element) -> str:
    """``<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>`` as
    ``0000:03:00.0``."""
    number = {k: int(element.get(k) or "0", 16) for k in ("domain", "bus", "slot", "function")}
    return "{domain:04x}:{bus:02x}:{slot:02x}.{function:x}".format(**number)


def _node_name(address: str) -> str:
    return "pci_" + address.replace(":", "_").replace(".", "_")


class HostDevices:
    """The node devices of one connection, read as needed and remembered."""

    def __init__(self, col: Collection, libvirt: Any, conn: Any) -> None:
        self.col, self.libvirt, self.conn = col, libvirt, conn
        self.nodes: dict[str, ET.Element | None] = {}
        self.mdevs: dict[str, str] | None = None  # UUID -> "PARENT vGPU TYPE"

    def passthrough(self, domain: ET.Element) -> list[str]:
        """What the domain is given: whole devices, VFs and vGPU slices, sorted."""
        pci = [
            *domain.iterfind("devices/hostdev[@type='pci']/source/address"),
            *domain.iterfind("devices/interface[@type='hostdev']/source/address[@type='pci']"),
        ]
        uuids = [
            a.get("uuid", "")
            for a in domain.iterfind("devices/hostdev[@type='mdev']/source/address")
        ]
        return sorted([self._pci(pci_address(a)) for a in pci] + [self._mdev(u) for u in uuids])

    def _pci(self, address: str) -> str:
        node = self._node(_node_name(address))
        pf = None if node is None else node.find("capability/capability[@type='phys_function']")
        if pf is None or (pf_address := pf.find("address")) is None:
            return address
        parent = pci_address(pf_address)
        pf_node = self._node(_node_name(parent))
        vfs = (
            []
            if pf_node is None
            else [
                pci_address(a)
                for a in pf_node.iterfind("capability/capability[@type='virt_functions']/address")
            ]
        )
        return f"{parent} VF {vfs.index(address)}" if address in vfs else address

    def _mdev(self, uuid: str) -> str:
        if self.mdevs is None:
            self.mdevs = {}
            flag = self.libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV
            for device in self._call(self.conn.listAllDevices, flag) or ():
                xml = ET.fromstring(self.col.call(device.XMLDesc, 0))
                cap = xml.find("capability[@type='mdev']")
                if cap is None or not cap.findtext("uuid"):
                    continue
                found = _PCI_NAME.match(xml.findtext("parent") or "")
                parent = "{}:{}:{}.{}".format(*found.groups()) if found else xml.findtext("parent")
                kind = cap.find("type")
                self.mdevs[cap.findtext("uuid", "")] = (
                    f"{parent} vGPU {'' if kind is None else kind.get('id', '')}".rstrip()
                )
        return self.mdevs.get(uuid, f"mdev {uuid}")

    def _node(self, name: str) -> ET.Element | None:
        if name not in self.nodes:
            device = self._call(self.conn.nodeDeviceLookupByName, name)
            self.nodes[name] = (
                None if device is None else ET.fromstring(self.col.call(device.XMLDesc, 0))
            )
        return self.nodes[name]

    def _call(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)``, or None where libvirt has no such device, cannot list them or does
        not let this connection read them."""
        libvirt = self.libvirt
        try:
            return self.col.call(fn, *args)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() in (
                libvirt.VIR_ERR_NO_NODE_DEVICE,
                libvirt.VIR_ERR_NO_SUPPORT,
                libvirt.VIR_ERR_ACCESS_DENIED,
                libvirt.VIR_ERR_OPERATION_DENIED,
            ):
                return None
            raise
