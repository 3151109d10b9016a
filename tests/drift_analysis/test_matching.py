"""When a documented value matches a live one: exactly, but for sizes written approximately,
machine-type families and container runtimes named without (all of) their version."""

from __future__ import annotations

import pytest

from topodoc.drift.matching import matches
from topodoc.model.sizes import parse_size

GiB = 2**30


@pytest.mark.parametrize(
    "documented, live, match",
    [
        ("pc-q35-8.2", "pc-q35-8.2", True),
        ("pc-q35", "pc-q35-8.2", True),  # the family
        ("q35", "pc-q35-8.2", True),  # QEMU's alias, the family's short name
        ("q35", "pc-q35-rhel9.2.0", True),  # a distribution's versions
        ("pc", "pc-i440fx-7.2", True),  # QEMU's alias for i440fx
        ("pc", "pc-q35-8.2", False),
        ("q35", "pc-i440fx-8.2", False),
        ("pc-q35-6.2", "pc-q35-8.2", False),  # a version written is compared
        ("virt", "virt-8.2", True),  # aarch64
        ("q3", "pc-q35-8.2", False),
    ],
)
def test_machine_type(documented: str, live: str, match: bool) -> None:
    assert matches("machine_type", documented, live) is match


@pytest.mark.parametrize(
    "documented, live, match",
    [
        ("containerd://1.7.13", "containerd://1.7.13", True),
        ("containerd://1.7", "containerd://1.7.13", True),  # a version prefix, up to a dot
        ("containerd", "containerd://1.7.13", True),  # the name alone
        ("containerd://1.7.1", "containerd://1.7.13", False),
        ("containerd://1.6.20", "containerd://1.7.13", False),
        ("cri-o", "containerd://1.7.13", False),
        ("docker", "docker://20.10.24", True),
    ],
)
def test_container_runtime(documented: str, live: str, match: bool) -> None:
    assert matches("container_runtime", documented, live) is match


def test_memory_within_the_tolerance_of_a_size_written_approximately() -> None:
    written = parse_size("7.8G")  # 7.8 GiB +- 0.05 GiB
    assert matches("memory", written, int(7.84 * GiB))
    assert not matches("memory", written, int(7.86 * GiB))
    assert matches("memory_max", written, int(7.76 * GiB))
    # an exact size matches exactly, and only sizes are sizes
    assert not matches("memory", 8 * GiB, 8 * GiB + 1)
    assert not matches("memory", parse_size("8G"), True)
    # other attributes are not compared within a tolerance
    assert not matches("disk", written, int(7.84 * GiB))
