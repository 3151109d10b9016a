"""The libvirt collector against libvirt's own test driver (real libvirt, no daemon)."""

from __future__ import annotations

import socket

import pytest

from topodoc.drift.collect import collect_all
from topodoc.drift.collectors.libvirt import collect
from topodoc.drift.resources import SourceSpec

pytest.importorskip("libvirt")

GiB = 2**30
ALL_BUT_HYPERVISOR = frozenset({"vm", "libvirt-network", "storage-pool"})


def spec(uris, name, **kw):
    return SourceSpec(f"libvirt:{name}", "libvirt", name, uris[name], **kw)


def by_key(result):
    return {r.key: r for r in result.resources}


def test_physical_host_domains_networks_pools(libvirt_uris):
    result = collect(spec(libvirt_uris, "zcloud"), frozenset())
    assert (result.status, result.error) == ("ok", None)
    got = by_key(result)
    assert sorted(got) == [
        "hypervisor:zcloud",
        "libvirt-network:zcloud/default",
        "libvirt-network:zcloud/isolated",
        "storage-pool:zcloud/images",
        "vm:z-k8s-m-1",
        "vm:z-old",
        "vm:z-os-c-1",
    ]
    assert [r.key for r in result.resources] == sorted(got)
    assert got["hypervisor:zcloud"].attrs == {"cpus": 32, "memory": 256 * GiB}
    master = got["vm:z-k8s-m-1"]
    assert master.parent == "hypervisor:zcloud" and master.source == "libvirt:zcloud"
    assert master.attrs == {  # memory: the current memory; the test driver's sizes: none
        "hypervisor": "zcloud",
        "state": "running",
        "vcpu_max": 4,
        "vcpu": 2,
        "memory": 6 * GiB,
        "memory_max": 8 * GiB,
        "autostart": False,
        "cpu_mode": "host-passthrough",
        "nested_virt": True,
        "disks": ["vda", "vdb"],
        "interfaces": ["bridge:br0", "network:default"],
        "vcpupin": [],  # none of the facts below is in its XML
        "numa_node": "none",
        "firmware": "bios",
        "machine_type": None,
        "passthrough": [],
    }
    assert got["vm:z-os-c-1"].attrs["cpu_mode"] == "custom"
    assert got["vm:z-os-c-1"].attrs["nested_virt"] is True  # vmx required
    old = got["vm:z-old"].attrs
    assert (old["state"], old["nested_virt"], old["memory"]) == ("shutoff", False, GiB)
    assert got["libvirt-network:zcloud/default"].attrs == {
        "bridge": "virbr0",
        "forward": "nat",
        "dhcp": [],
        "domain": None,
        "vf_pool": [],
        "active": True,
    }
    assert got["libvirt-network:zcloud/isolated"].attrs["forward"] == "none"
    assert got["storage-pool:zcloud/images"].attrs == {"type": "dir", "active": True}
    assert result.api_calls > 10


def test_hypervisors_nested_level_and_nova_join(libvirt_uris):
    results = collect_all([spec(libvirt_uris, name) for name in ("zcloud", "zhost-2", "z-os-c-1")])
    assert [(r.id, r.status) for r in results] == [
        ("libvirt:z-os-c-1", "ok"),
        ("libvirt:zcloud", "ok"),
        ("libvirt:zhost-2", "ok"),
    ]
    nested, physical, other = (by_key(r) for r in results)
    assert other["hypervisor:zhost-2"].attrs == {"cpus": 8, "memory": 64 * GiB}
    assert other["vm:QEMUGuest1"].attrs["nested_virt"] is True  # vmx optional: on if it can
    util = other["vm:z-util-1"]
    assert (util.parent, util.attrs["hypervisor"]) == ("hypervisor:zhost-2", "zhost-2")
    assert (util.attrs["cpu_mode"], util.attrs["nested_virt"]) == ("host-model", True)  # svm
    assert util.attrs["interfaces"] == ["direct:eno2"]
    # the first-level VM is a guest of zcloud and a hypervisor of its own
    assert "vm:z-os-c-1" in physical and "hypervisor:z-os-c-1" in nested
    assert nested["hypervisor:z-os-c-1"].attrs == {"cpus": 8, "memory": 32 * GiB}
    web = nested["vm:web-1"]  # keyed by its Nova name, not instance-00000001
    assert "vm:instance-00000001" not in nested
    assert web.parent == "hypervisor:z-os-c-1"
    assert web.attrs["openstack_id"] == "8a2c7c36-1f9e-4d5e-9d0a-7b1c0c1e0001"
    assert web.attrs["flavor"] == "m1.small"
    assert nested["vm:scratch"].attrs["state"] == "paused"
    assert "openstack_id" not in nested["vm:scratch"].attrs


def test_skipped_kinds_are_not_even_listed(libvirt_uris):
    only_host = collect(spec(libvirt_uris, "zcloud"), ALL_BUT_HYPERVISOR)
    assert [r.key for r in only_host.resources] == ["hypervisor:zcloud"]
    assert only_host.api_calls == 2  # openReadOnly + getInfo: no listing of anything else
    no_vms = collect(spec(libvirt_uris, "zcloud"), frozenset({"vm"}))
    assert not [r for r in no_vms.resources if r.kind == "vm"]
    assert no_vms.api_calls == 2 + (1 + 2 * 2) + (1 + 2 * 1)  # host, 2 networks, 1 pool


def test_source_with_every_kind_ignored_is_not_contacted():
    dead = SourceSpec("libvirt:gone", "libvirt", "gone", "qemu+tcp://127.0.0.1:9/system")
    kinds = ALL_BUT_HYPERVISOR | {"hypervisor"}
    [result] = collect_all([dead], skip_kinds=kinds)
    assert (result.status, result.api_calls, result.resources) == ("skipped", 0, [])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_refused_connection_is_one_quiet_line(capfd):
    uri = f"qemu+tcp://127.0.0.1:{free_port()}/system"
    result = collect(SourceSpec("libvirt:down", "libvirt", "down", uri), frozenset())
    assert result.status == "refused"
    assert "Connection refused" in result.error and "\n" not in result.error
    assert result.resources == []
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")  # libvirt's default handler would print to stderr


def test_broken_node_file_is_an_error(tmp_path, capfd):
    node = tmp_path / "broken.xml"
    node.write_text("<node><domain type='test'><name>x</name></domain></node>")
    result = collect(SourceSpec("libvirt:b", "libvirt", "b", f"test://{node}"), frozenset())
    assert result.status == "error" and result.error
    assert capfd.readouterr().err == ""
