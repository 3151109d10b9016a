"""What a real lab has and the small test lab did not: a stale copy of a VM on a second
hypervisor, balloons (current memory below the maximum), domain names that are not ids.
Each was a false finding or a miss of ``topodoc drift`` before."""

from __future__ import annotations

import json
from pathlib import Path

from .lab import GiB_KiB, domain, write_lab

QEMU_GUEST = """\
version: 1
vms:
  - id: qemu-guest-1
    domain: QEMUGuest1
    runs_on: h2
    platform: libvirt
    vcpu: 1
    memory: 1GiB
"""


def not_ok(path: Path) -> set[tuple]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        (f["key"], f["state"], f["attribute"], f["source"])
        for f in data["findings"]
        if f["state"] != "ok"
    }


def test_a_stale_copy_on_another_hypervisor_is_unexpected(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", drift={"h2": {"web-1": (2, 2, False, False)}})
    run = topodoc("drift", lab.topology, "-o", f"json={tmp_path / 'r.json'}", "-o", "console=-")
    assert run.code == 1, run.out + run.err
    assert not_ok(tmp_path / "r.json") == {("vm:web-1", "unexpected", None, "libvirt:h2")}
    assert "a second copy, seen by libvirt:h2; the topology places it on libvirt:h1" in run.out


def test_memory_is_the_current_memory_and_the_maximum_is_optional(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab")
    node = lab.nodes["h1"]
    balloon = (
        f"<memory unit='KiB'>{4 * GiB_KiB}</memory>"
        f"<currentMemory unit='KiB'>{2 * GiB_KiB}</currentMemory>"
    )
    text = node.read_text().replace(
        domain("web-1", 2, 2),
        domain("web-1", 2, 2).replace(f"<memory unit='KiB'>{2 * GiB_KiB}</memory>", balloon),
    )
    assert balloon in text
    node.write_text(text)
    out = tmp_path / "r.json"
    run = topodoc("drift", lab.topology, "-o", f"json={out}")
    assert run.code == 0 and not_ok(out) == set()  # 2 GiB documented, 2 GiB current
    yaml = lab.topology / "lab.yaml"
    yaml.write_text(
        yaml.read_text().replace("    memory: 2GiB\n", "    memory: 2GiB\n    memory_max: 8GiB\n")
    )
    run = topodoc("drift", lab.topology, "-o", f"json={out}", "-o", "console=-")
    assert run.code == 1
    assert not_ok(out) == {("vm:web-1", "changed", "memory_max", "libvirt:h1")}
    assert "expected 8GiB, found 4GiB" in run.out
    # a balloon change is seen: the guest now has 3 GiB
    node.write_text(
        text.replace(
            f"<currentMemory unit='KiB'>{2 * GiB_KiB}", f"<currentMemory unit='KiB'>{3 * GiB_KiB}"
        )
    )
    yaml.write_text(yaml.read_text().replace("memory_max: 8GiB", "memory_max: 4GiB"))
    topodoc("drift", lab.topology, "-o", f"json={out}")
    assert not_ok(out) == {("vm:web-1", "changed", "memory", "libvirt:h1")}


def test_a_vm_names_its_libvirt_domain(topodoc, tmp_path: Path) -> None:
    lab = write_lab(
        tmp_path / "lab", extra_yaml=QEMU_GUEST, drift={"h2": {"QEMUGuest1": (1, 1, True, False)}}
    )
    out = tmp_path / "r.json"
    run = topodoc("drift", lab.topology, "-o", f"json={out}")
    assert run.code == 0, run.out + run.err
    data = json.loads(out.read_text())
    assert ("vm:QEMUGuest1", "ok") in {(f["key"], f["state"]) for f in data["findings"]}
