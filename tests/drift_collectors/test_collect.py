"""The parallel runner: order, progress lines, skipping, unknown kinds, no client libraries."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from topodoc.drift.collect import collect_all
from topodoc.drift.resources import SourceSpec

pytest.importorskip("libvirt")


def libvirt_spec(uris, name):
    return SourceSpec(f"libvirt:{name}", "libvirt", name, uris[name])


def test_results_sorted_and_progress_reported(libvirt_uris):
    lines = []
    specs = [
        libvirt_spec(libvirt_uris, "zcloud"),
        libvirt_spec(libvirt_uris, "z-os-c-1"),
        SourceSpec("etcd:x", "etcd", "x", "http://127.0.0.1:9", timeout_s=5),
        SourceSpec("zz:odd", "zz", "odd", "zz://"),
    ]
    results = collect_all(
        specs, skip_kinds=frozenset({"etcd-member"}), max_workers=1, progress=lines.append
    )
    assert [(r.id, r.status) for r in results] == [
        ("etcd:x", "skipped"),
        ("libvirt:z-os-c-1", "ok"),
        ("libvirt:zcloud", "ok"),
        ("zz:odd", "error"),
    ]
    assert "unknown source kind 'zz'" in results[3].error
    assert "collecting libvirt:zcloud ..." in lines
    assert "collecting etcd:x ..." not in lines
    [done] = [line for line in lines if line.startswith("libvirt:zcloud ")]
    assert done.startswith("libvirt:zcloud ok, 7 resources, ") and done.endswith(" s")
    assert any(line.startswith("etcd:x skipped: ") for line in lines)


def test_duplicate_ids_are_refused(libvirt_uris):
    one = libvirt_spec(libvirt_uris, "zcloud")
    with pytest.raises(ValueError, match=r"duplicate source ids: \['libvirt:zcloud'\]"):
        collect_all([one, libvirt_spec(libvirt_uris, "z-os-c-1"), one])


def test_specs_are_hashable_values():
    spec = SourceSpec("etcd:e", "etcd", "e", "http://127.0.0.1:9", {"ca_cert": "/ca.pem"})
    assert spec in {spec} and spec == SourceSpec(
        "etcd:e", "etcd", "e", "http://127.0.0.1:9", {"ca_cert": "/ca.pem"}
    )


def test_core_works_without_client_libraries(libvirt_uris):
    """Collectors import their client lazily: without it a source is an error, not a crash."""
    code = textwrap.dedent(f"""
        import sys
        for name in ("libvirt", "openstack", "kubernetes"):
            sys.modules[name] = None  # makes "import NAME" fail
        from topodoc.drift.collect import collect_all
        from topodoc.drift.resources import SourceSpec
        [r] = collect_all([SourceSpec("libvirt:z", "libvirt", "z", {libvirt_uris["zcloud"]!r})])
        print(r.status, "|", r.error)
    """)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "error | libvirt is not installed (pip install 'topodoc[live]')"
