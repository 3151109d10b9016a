"""The reference cards of the manual's real lab: devices and who holds them, interfaces and
their bridge, DNS names resolved, VM settings, versions, Ceph facts, a planned tier."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx_builds import ROOT, make_project

TOPOLOGY_RST = (ROOT / "docs" / "manual" / "topology.rst").read_text(encoding="utf-8")
CARDS = {
    "zcloud": "host",
    "z-k8s-n-1": "vm",
    "z-k8s-m-1": "vm",
    "z-k8s-n-2": "vm",
    "lab-net": "network",
    "z-k8s": "cluster",
    "z-ceph": "cluster",
    "rbd": "storage",
}


def real_lab() -> str:
    section = TOPOLOGY_RST.split("A worked example: a real lab\n")[1]
    block = section.split(".. code-block:: yaml\n\n")[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("   "):
            break
        lines.append(line[3:])
    return "\n".join(lines).strip() + "\n"


def text_of(card) -> str:
    return re.sub(r"\s+", " ", card.get_text(" "))


def test_cards_show_the_new_facts(tmp_path: Path) -> None:
    index = "Real lab\n========\n\n.. toctree::\n\n   plain\n   reference/index\n"
    project = make_project(tmp_path / "proj", index=index, topology=real_lab())
    build = project.build("-W", "--keep-going")
    assert build.returncode == 0, build.stderr
    cards = {}
    for obj, kind in CARDS.items():
        [card] = build.html(f"reference/{kind}/{obj}.html").select("div.topodoc-object")
        cards[obj] = text_of(card)
    host = cards["zcloud"]
    assert "Memory 251.5G" in host
    assert "nvme0n1 953.89GiB nvme (passed through)" in host
    assert "gpu0 gpu 0000:84:00.0 10de:1eb8 Tesla T4 z-k8s-n-1" in host, host
    assert "ens2f0 nic 0000:87:00.0 15b3:1015 8 / - z-k8s-n-1 (VF 0)" in host
    assert "eno1 ethernet br0 1Gbps" in host
    assert "br0 bridge lab-net 192.168.6.200, 192.168.6.250 stp=False, forward_delay=0" in host
    assert "z-k8s-n-2 (VM, libvirt, 8 vCPU, 32GiB, planned, not counted)" in host
    assert "ubuntu-tpl (template), z-k8s-n-2 (planned)" in host  # capacity, not counted
    assert "zcloud:gpu0, zcloud:ens2f0 VF 0" in cards["z-k8s-n-1"]
    master = cards["z-k8s-m-1"]
    assert "0->2, 1->3, 2->4, 3->5" in master and "NUMA node 0" in master
    assert "Status planned" in cards["z-k8s-n-2"]
    net = cards["lab-net"]
    assert "Forward bridge" in net and "DNS domain staging.huatai.me" in net
    assert "zcloud br0 192.168.6.200, 192.168.6.250" in net
    assert re.search(
        r"z-k8s-api.staging.huatai.me z-k8s-m-1 , z-k8s-m-2 , z-k8s-m-3 "
        r"192.168.6.101, 192.168.6.102, 192.168.6.103",
        net,
    ), net
    assert "etcd.staging.huatai.me z-etcd 192.168.6.201, 192.168.6.202, 192.168.6.203" in net
    assert "pool lb 192.168.6.240 192.168.6.249 metallb" in net
    k8s = cards["z-k8s"]
    assert "API endpoint z-k8s-api.staging.huatai.me:6443" in k8s
    assert "Container runtime containerd 1.6.20" in k8s
    assert "History 1.24.2 (2022-07-01), 1.26.3 (2023-04-15)" in k8s
    ceph = cards["z-ceph"]
    assert "fsid 0a4d2372-3a6f-4e28-9c1d-5e6f7a8b9c0d" in ceph
    assert "osd.0 (/dev/vdb)" in ceph
    assert "Min replicas 2" in cards["rbd"]
