"""The libvirt collector's domain facts (pinning, NUMA, firmware, machine type, passthrough)
and network facts (DHCP, DNS domain, VF pool), read through libvirt's test driver, whose
node devices say which PF a VF belongs to and which GPU a vGPU slice is cut from."""

from __future__ import annotations

from pathlib import Path

import pytest
from collector_lab import TEST_NS

from topodoc.drift.collectors.libvirt import collect
from topodoc.drift.resources import SourceSpec

pytest.importorskip("libvirt")

MDEV_1 = "c2177883-f1bb-47f0-914d-32a22e3a8801"
MDEV_2 = "c2177883-f1bb-47f0-914d-32a22e3a8802"


def pci(bus: int, slot: int, function: int) -> str:
    return (
        f"<address domain='0x0000' bus='{bus:#04x}' slot='{slot:#04x}' function='{function:#x}'/>"
    )


def pci_device(bus: int, slot: int, function: int, caps: str = "") -> str:
    """A PCI node device (``pci_0000_BB_SS_F``) with sub-capabilities ``caps``."""
    return (
        f"<device><name>pci_0000_{bus:02x}_{slot:02x}_{function:x}</name><parent>computer"
        f"</parent><capability type='pci'><domain>0</domain><bus>{bus}</bus><slot>{slot}"
        f"</slot><function>{function}</function><product id='0x1'/><vendor id='0x1'/>{caps}"
        "</capability></device>"
    )


def mdev_device(uuid: str, parent: str, kind: str) -> str:
    return (
        f"<device><name>mdev_{uuid.replace('-', '_')}</name><parent>{parent}</parent>"
        f"<capability type='mdev'><type id='{kind}'/><uuid>{uuid}</uuid>"
        "<iommuGroup number='0'/></capability></device>"
    )


#: A host with an NVMe, a PF with two VFs (0x87:10.0 is VF 0, 0x87:10.2 VF 1) and a GPU cut
#: into vGPU slices; ``full`` is given one of each, ``plain`` states nothing.
NODE = f"""<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>
       <active>8</active><mhz>2400</mhz><model>x86_64</model></cpu>
  <memory>33554432</memory>
  {pci_device(0x05, 0, 0)}
  {
    pci_device(
        0x87,
        0,
        0,
        "<capability type='virt_functions' maxCount='8'>"
        + pci(0x87, 0x10, 0)
        + pci(0x87, 0x10, 2)
        + "</capability>",
    )
}
  {
    pci_device(
        0x87, 0x10, 2, "<capability type='phys_function'>" + pci(0x87, 0, 0) + "</capability>"
    )
}
  {pci_device(0x84, 0, 0)}
  {mdev_device(MDEV_1, "pci_0000_84_00_0", "nvidia-231")}
  {mdev_device(MDEV_2, "pci_0000_84_00_0", "nvidia-231")}
  <domain type='test' {TEST_NS}>
    <name>full</name><memory unit='GiB'>4</memory><vcpu>2</vcpu>
    <cputune><vcpupin vcpu='1' cpuset='0-7,^4'/><vcpupin vcpu='0' cpuset='2'/></cputune>
    <numatune><memory mode='strict' nodeset='1'/></numatune>
    <os firmware='efi'><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>
    <devices>
      <hostdev mode='subsystem' type='pci' managed='yes'><source>{
    pci(0x05, 0, 0)
}</source></hostdev>
      <interface type='hostdev' managed='yes'><source>{
    pci(0x87, 0x10, 2).replace("<address", "<address type='pci'")
}</source></interface>
      <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{
    MDEV_1
}'/></source></hostdev>
      <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{
    MDEV_2
}'/></source></hostdev>
      <hostdev mode='subsystem' type='pci' managed='yes'><source>{
    pci(0x86, 0, 1)
}</source></hostdev>
    </devices>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>legacy</name><memory unit='GiB'>1</memory><vcpu>1</vcpu>
    <numatune><memory mode='interleave' nodeset='0-1'/></numatune>
    <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
      <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader></os>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>plain</name><memory unit='GiB'>1</memory><vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>
    <domain name='lab.example'/>
    <ip address='192.168.122.1' netmask='255.255.255.0'><dhcp>
      <range start='192.168.122.100' end='192.168.122.199'/>
      <range start='192.168.122.2' end='192.168.122.9'/></dhcp></ip></network>
  <network><name>sriov-net</name><forward mode='hostdev' managed='yes'>
    <pf dev='ens2f0'/></forward></network>
</node>
"""


@pytest.fixture(scope="module")
def resources(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = Path(tmp_path_factory.mktemp("facts")) / "h1.xml"
    path.write_text(NODE)
    result = collect(SourceSpec("libvirt:h1", "libvirt", "h1", f"test://{path}"), frozenset())
    assert (result.status, result.error) == ("ok", None)
    return {r.key: r.attrs for r in result.resources}


def test_domain_facts(resources: dict) -> None:
    full = resources["vm:full"]
    # libvirt writes a cpuset canonically (0-7,^4 -> 0-3,5-7)
    assert full["vcpupin"] == ["0->2", "1->0-3,5-7"]
    assert (full["numa_node"], full["firmware"], full["machine_type"]) == (1, "uefi", "pc-q35-8.2")
    legacy = resources["vm:legacy"]  # an OVMF pflash loader is UEFI too
    assert (legacy["numa_node"], legacy["firmware"], legacy["machine_type"]) == (
        "0-1",
        "uefi",
        "pc-i440fx-7.2",
    )
    plain = resources["vm:plain"]
    assert (plain["vcpupin"], plain["numa_node"], plain["firmware"], plain["passthrough"]) == (
        [],
        "none",
        "bios",
        [],
    )


def test_passthrough_is_named_by_the_host_devices(resources: dict) -> None:
    assert resources["vm:full"]["passthrough"] == [
        "0000:05:00.0",  # whole
        "0000:84:00.0 vGPU nvidia-231",  # two slices of the GPU
        "0000:84:00.0 vGPU nvidia-231",
        "0000:86:00.1",  # no node device describes it: its address, as the domain names it
        "0000:87:00.0 VF 1",  # the VF at 87:10.2, an interface of type hostdev
    ]


def test_network_facts(resources: dict) -> None:
    assert resources["libvirt-network:h1/default"] == {
        "bridge": "virbr0",
        "forward": "nat",
        "dhcp": ["192.168.122.100-192.168.122.199", "192.168.122.2-192.168.122.9"],
        "domain": "lab.example",
        "vf_pool": [],
        "active": True,
    }
    sriov = resources["libvirt-network:h1/sriov-net"]
    assert (sriov["forward"], sriov["vf_pool"], sriov["dhcp"]) == ("hostdev", ["ens2f0"], [])
