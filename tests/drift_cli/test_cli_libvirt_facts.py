"""``topodoc drift`` on the facts a topology may state about a libvirt VM and a hostdev
network (pinning, NUMA, CPU mode, firmware, machine type, passthrough, approximate memory,
the VF pool), each once in sync and once drifted, through libvirt's real test driver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("libvirt")

TEST_NS = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
VF_PARENT = (
    "<capability type='phys_function'><address domain='0x0000' bus='0x87' slot='0x00' "
    "function='0x0'/></capability>"
)

TOPOLOGY = """\
version: 1
hosts:
  - id: h1
    cpu: {{sockets: 1, cores: 8}}
    devices:
      - {{name: nvme0, type: nvme, pci: "05:00.0"}}      # as lspci prints it
      - {{name: gpu0, type: gpu, pci: "0000:84:00.0", vgpus: 4, vgpu_type: nvidia-231}}
      - {{name: ens2f0, type: nic, pci: "0000:87:00.0", vfs: 8}}
networks:
  - id: sriov-net
    type: subnet
    forward: hostdev
    vf_pool: [{{host: h1, device: ens2f0}}]
vms:
  - id: db-1
    runs_on: h1
    platform: libvirt
    vcpu: 2
    memory: 7.8G                      # as virsh prints it: 7.8 GiB +- 0.05 GiB
    vcpupin: [{{vcpu: 0, cpuset: "2"}}, {{vcpu: 1, cpuset: "0-7,^4"}}]
    numa_node: 0
    cpu_mode: host-passthrough
    firmware: uefi
    machine_type: {machine_type}
    passthrough: [{{device: nvme0}}, {{device: ens2f0, vf: 1}}, {{device: gpu0, slices: 2}}]
live:
  libvirt:
    - {{hypervisor: h1, uri: "test://{node}"}}
"""


def pci(bus: int, slot: int, function: int, kind: str = "") -> str:
    return (
        f"<address {kind}domain='0x0000' bus='{bus:#04x}' slot='{slot:#04x}' "
        f"function='{function:#x}'/>"
    )


def device(bus: int, slot: int, function: int, caps: str = "") -> str:
    return (
        f"<device><name>pci_0000_{bus:02x}_{slot:02x}_{function:x}</name><parent>computer"
        f"</parent><capability type='pci'><domain>0</domain><bus>{bus}</bus><slot>{slot}"
        f"</slot><function>{function}</function><product id='0x1'/><vendor id='0x1'/>{caps}"
        "</capability></device>\n"
    )


def mdev(n: int) -> str:
    return (
        f"<device><name>mdev_{n}</name><parent>pci_0000_84_00_0</parent><capability "
        f"type='mdev'><type id='nvidia-231'/><uuid>00000000-0000-4000-8000-00000000000{n}"
        "</uuid><iommuGroup number='0'/></capability></device>\n"
    )


def node(swap: dict[str, str]) -> str:
    """h1 as documented, with each ``old: new`` of ``swap`` replaced."""
    vfs = pci(0x87, 0x10, 0) + pci(0x87, 0x10, 2) + pci(0x87, 0x10, 4)
    vf_1 = pci(0x87, 0x10, 2, kind="type='pci' ")
    text = (
        "<node>\n<cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>"
        "<active>8</active><mhz>2400</mhz><model>x86_64</model></cpu><memory>33554432</memory>\n"
        + device(0x05, 0, 0)
        + device(0x84, 0, 0)
        + device(0x87, 0, 0, f"<capability type='virt_functions' maxCount='8'>{vfs}</capability>")
        + "".join(device(0x87, 0x10, f, VF_PARENT) for f in (0, 2, 4))
        + mdev(1)
        + mdev(2)
        + f"<domain type='test' {TEST_NS}><name>db-1</name>"
        "<memory unit='KiB'>8178893</memory><vcpu>2</vcpu>"
        "<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='0-3,5-7'/></cputune>"
        "<numatune><memory mode='strict' nodeset='0'/></numatune>"
        "<os firmware='efi'><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>"
        "<cpu mode='host-passthrough'/><devices>"
        f"<hostdev mode='subsystem' type='pci' managed='yes'><source>{pci(5, 0, 0)}</source>"
        "</hostdev><interface type='hostdev' managed='yes'><source>"
        f"{vf_1}</source></interface>"
        + "".join(
            "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address "
            f"uuid='00000000-0000-4000-8000-00000000000{n}'/></source></hostdev>"
            for n in (1, 2)
        )
        + "</devices></domain>\n<network><name>sriov-net</name><forward mode='hostdev' "
        "managed='yes'><pf dev='ens2f0'/></forward></network>\n</node>\n"
    )
    for old, new in swap.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def check(topodoc, tmp_path: Path, swap: dict[str, str], machine_type: str = "q35") -> dict:
    path = tmp_path / "h1.xml"
    path.write_text(node(swap))
    (tmp_path / "topology").mkdir()
    (tmp_path / "topology" / "lab.yaml").write_text(
        TOPOLOGY.format(node=path, machine_type=machine_type)
    )
    run = topodoc("drift", tmp_path / "topology", "-o", f"json={tmp_path / 'r.json'}")
    data = json.loads((tmp_path / "r.json").read_text())
    assert run.code == data["summary"]["exit_code"], run.err
    return data


def drift(data: dict) -> list[tuple]:
    return [
        (f["key"], f["state"], f["attribute"], f["hint"])
        for f in data["findings"]
        if f["state"] != "ok"
    ]


@pytest.mark.parametrize("machine_type", ["q35", "pc-q35", "pc-q35-8.2"])
def test_every_fact_as_documented_is_in_sync(topodoc, tmp_path: Path, machine_type: str) -> None:
    data = check(topodoc, tmp_path, {}, machine_type)
    assert drift(data) == []
    assert {f["key"] for f in data["findings"]} == {
        "hypervisor:h1",
        "libvirt-network:h1/sriov-net",
        "vm:db-1",
    }
    assert data["summary"]["status"] == "in_sync"


@pytest.mark.parametrize(
    "swap, finding",
    [
        (
            {"vcpu='0' cpuset='2'": "vcpu='0' cpuset='3'"},
            ("vm:db-1", "vcpupin", "lacks 0->2; has extra 0->3"),
        ),
        ({"nodeset='0'": "nodeset='1'"}, ("vm:db-1", "numa_node", "expected NUMA node 0, found 1")),
        (
            {"<numatune><memory mode='strict' nodeset='0'/></numatune>": ""},
            ("vm:db-1", "numa_node", "expected NUMA node 0, found none"),
        ),
        (
            {"<cpu mode='host-passthrough'/>": "<cpu mode='host-model'/>"},
            ("vm:db-1", "cpu_mode", "expected host-passthrough, found host-model"),
        ),
        ({"<os firmware='efi'>": "<os>"}, ("vm:db-1", "firmware", "expected uefi, found bios")),
        (
            {"pc-q35-8.2": "pc-i440fx-8.2"},
            ("vm:db-1", "machine_type", "expected q35, found pc-i440fx-8.2"),
        ),
        (  # outside 7.8G's tolerance
            {"8178893</memory>": "8388608</memory>"},
            ("vm:db-1", "memory", "expected 7.8G, found 8GiB"),
        ),
        (  # another whole device
            {"bus='0x05'": "bus='0x06'"},
            ("vm:db-1", "passthrough", "lacks 0000:05:00.0; has extra 0000:06:00.0"),
        ),
        (  # another VF of the same PF
            {
                "bus='0x87' slot='0x10' function='0x2'/></source></interface>": (
                    "bus='0x87' slot='0x10' function='0x4'/></source></interface>"
                )
            },
            ("vm:db-1", "passthrough", "lacks 0000:87:00.0 VF 1; has extra 0000:87:00.0 VF 2"),
        ),
        (  # one vGPU slice instead of two
            {
                "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address "
                "uuid='00000000-0000-4000-8000-000000000002'/></source></hostdev>": ""
            },
            ("vm:db-1", "passthrough", "lacks 0000:84:00.0 vGPU nvidia-231"),
        ),
        (
            {"<pf dev='ens2f0'/>": "<pf dev='ens2f1'/>"},
            ("libvirt-network:h1/sriov-net", "vf_pool", "lacks ens2f0; has extra ens2f1"),
        ),
    ],
)
def test_each_fact_drifts(topodoc, tmp_path: Path, swap: dict[str, str], finding: tuple) -> None:
    data = check(topodoc, tmp_path, swap)
    key, attribute, hint = finding
    assert drift(data) == [(key, "changed", attribute, hint)]
    assert data["summary"]["exit_code"] == 1


def test_a_hostdev_network_not_defined_is_missing(topodoc, tmp_path: Path) -> None:
    data = check(topodoc, tmp_path, {"<name>sriov-net</name>": "<name>sriov</name>"})
    assert drift(data) == [
        # the topology documents a libvirt network: the others are reported too
        (
            "libvirt-network:h1/sriov",
            "unexpected",
            None,
            "seen by libvirt:h1 but not in the topology; document or ignore it",
        ),
        (
            "libvirt-network:h1/sriov-net",
            "missing",
            None,
            "not defined on libvirt:h1; was it destroyed or renamed?",
        ),
    ]
