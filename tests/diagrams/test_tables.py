"""Tables: columns, exact values, deterministic order, filters, errors."""

from __future__ import annotations

import pickle

import pytest

from topodoc.reading.load import load_topology
from topodoc.tables.columns import SPECS
from topodoc.tables.table import (
    TABLES,
    TableError,
    available_columns,
    build_table,
    default_columns,
    table_columns,
)

from .topologies import load_valid, shuffled_small


def column(table, key: str) -> list[str]:
    return [row.value(key) for row in table.rows]


def test_every_table_builds_with_documented_columns(lab):
    assert TABLES == tuple(SPECS)
    for name in TABLES:
        columns = table_columns(name)
        assert all(c.header and c.key for c in columns)
        assert set(default_columns(name)) <= set(available_columns(name))
        table = build_table(lab, name)
        assert [c.key for c in table.columns] == list(default_columns(name))
        assert table.rows and all(isinstance(v, str) for row in table.rows for v in row.values)
        everything = build_table(lab, name, list(available_columns(name)))
        assert len(everything.rows) == len(table.rows)


def test_hosts(lab):
    table = build_table(
        lab,
        "hosts",
        ["id", "name", "cpu", "memory", "disks", "disk_total", "vms", "containers", "bmc"],
    )
    assert [c.header for c in table.columns] == [
        "ID",
        "Name",
        "CPU",
        "Memory",
        "Disks",
        "Disk total",
        "VMs",
        "Containers",
        "BMC",
    ]
    assert table.rows[0].values == (
        "zcloud",
        "HPE DL360 Gen9 (zcloud)",
        "Intel Xeon E5-2670 v3, 2x12x2 = 48 logical CPUs",
        "256GiB",
        "sda 960GB ssd, sdb 960GB ssd, nvme0n1 2TB nvme",
        "3920GB",
        "17",
        "1",
        "192.168.7.200",
    )
    assert column(table, "id") == ["zcloud", "zcloud-2", "zcloud-3"]


def test_vms_in_placement_order_with_levels(lab):
    table = build_table(lab, "vms", ["id", "kind", "host", "runs_on", "level", "platform"])
    ids = column(table, "id")
    assert ids.index("os-compute-1") + 1 == ids.index("os-k8s-m-1")  # under its VM
    row = table.rows[ids.index("os-k8s-m-1")]
    assert row.values == ("os-k8s-m-1", "vm", "zcloud", "os-compute-1", "2", "openstack")
    assert table.rows[ids.index("dev")].values == (
        "dev",
        "container",
        "zcloud",
        "zcloud",
        "1",
        "docker",
    )
    assert ids[-2:] == ["z-k8s-m-2", "z-k8s-m-3"]


def test_clusters_and_members(lab):
    clusters = build_table(lab, "clusters", ["id", "roles", "hosts", "quorum", "etcd"])
    z_k8s = next(r for r in clusters.rows if r.value("id") == "z-k8s")
    assert z_k8s.values == (
        "z-k8s",
        "control-plane 3, worker 3",
        "zcloud, zcloud-2, zcloud-3",
        "3 voters, tolerates 1 down",
        "external (z-etcd)",
    )
    members = build_table(lab, "members", filter="cluster=os-k8s,roles=etcd")
    assert column(members, "machine") == ["os-k8s-m-1", "os-k8s-m-2", "os-k8s-m-3"]
    assert members.rows[0].values == ("os-k8s", "os-k8s-m-1", "vm", "control-plane, etcd", "zcloud")


def test_networks_and_addresses_sorted_by_network_then_address(lab):
    networks = build_table(lab, "networks")
    assert networks.rows[1].values == (
        "lab-net",
        "实验室网络 (br0)",
        "bridge",
        "192.168.6.0/24",
        "192.168.6.1",
        "",
        "16",
    )
    addresses = column(build_table(lab, "addresses", filter="network=os-selfservice"), "address")
    assert addresses == [
        "10.10.0.11",
        "10.10.0.12",
        "10.10.0.13",
        "10.10.0.21",
        "10.10.0.22",
        "10.10.0.101",
    ]
    bmc = build_table(lab, "addresses", filter="nic=bmc")
    assert column(bmc, "machine") == ["zcloud", "zcloud-2", "zcloud-3"]


def test_capacity_of_hosts_and_of_vms_hosting_vms(lab):
    table = build_table(lab, "capacity", list(available_columns("capacity")))
    rows = {row.value("machine"): row.values for row in table.rows}
    assert list(rows) == [
        "zcloud",
        "os-compute-1",
        "os-compute-2",
        "os-compute-3",
        "zcloud-2",
        "zcloud-3",
    ]
    assert rows["zcloud"] == (
        "zcloud",
        "host",
        "zcloud",
        "11",
        "",
        "48",
        "56",
        "1.17",
        "4",
        "256GiB",
        "192GiB",
        "0.75",
        "1",
        "0",
        "",
        "active",
    )
    # a shut-off VM is listed apart and not counted
    assert rows["os-compute-3"][:12] == (
        "os-compute-3",
        "vm",
        "zcloud",
        "1",
        "os-elastic-1 (shutoff)",
        "8",
        "2",
        "0.25",
        "4",
        "32GiB",
        "4GiB",
        "0.12",
    )


def test_capacity_flags_overcommit_past_the_allowed_ratio(topology):
    model = topology("""\
        version: 1
        hosts:
          - {id: h, cpu: {sockets: 1, cores: 2}, memory: 8GiB, nested_virt: true,
             overcommit: {cpu: 2, memory: 1.5}}
        vms:
          - {id: a, runs_on: h, platform: libvirt, vcpu: 5, memory: 12GiB}
          - {id: b, runs_on: h, platform: libvirt, memory: 1536MiB}
        """)
    row = build_table(model, "capacity", list(available_columns("capacity"))).rows[0]
    assert row.values == (
        "h",
        "host",
        "h",
        "2",
        "",
        "2",
        "5",
        "2.50",
        "2",
        "8GiB",
        "13824MiB",
        "1.69",
        "1.5",
        "1",
        "cpu, memory",
        "active",
    )
    vms = build_table(model, "vms", ["id", "memory", "vcpu"])
    assert [row.values for row in vms.rows] == [("a", "12GiB", "5"), ("b", "1536MiB", "")]


def test_services_and_storage(lab):
    services = build_table(lab, "services", ["id", "runs_on", "hosts"], filter="id=terraform")
    assert [row.values for row in services.rows] == [("terraform", "dev", "zcloud")]
    storage = build_table(lab, "storage", ["id", "size", "hosts"], filter="provided_by=z*")
    assert storage.rows[0].values == ("ceph-k8s-volumes", "", "zcloud, zcloud-2, zcloud-3")
    assert ("zcloud-stratis", "2TB", "zcloud") in [row.values for row in storage.rows]


def test_filters(lab):
    openstack = build_table(lab, "vms", ["id"], filter="kind=vm,platform=openstack")
    assert column(openstack, "id") == [
        "os-k8s-m-1",
        "os-k8s-n-1",
        "os-k8s-m-2",
        "os-k8s-n-2",
        "os-elastic-1",
        "os-k8s-m-3",
    ]
    tagged = column(build_table(lab, "clusters", filter="tag=kubernetes"), "id")
    assert tagged == ["kvm-k8s", "os-k8s", "z-k8s"]
    on_host = column(build_table(lab, "vms", filter="host=zcloud-2"), "id")
    assert on_host == ["z-k8s-m-2"]
    wild = column(build_table(lab, "addresses", filter=" address = 192.168.6.1* "), "address")
    assert wild and all(a.startswith("192.168.6.1") for a in wild)
    assert build_table(lab, "vms", filter="host=ZCLOUD").rows == ()  # case-sensitive
    assert (
        build_table(lab, "vms", filter="host=zcloud").rows
        == build_table(lab, "vms", filter="host=zcloud,").rows
    )
    # a list-valued column matches when one of its items does
    assert column(build_table(lab, "hosts", filter="tags=dl360"), "id") == ["zcloud"]
    assert column(build_table(lab, "hosts", filter="disks=*nvme"), "id") == [
        "zcloud",
        "zcloud-2",
        "zcloud-3",
    ]
    assert column(build_table(lab, "storage", filter="used_by="), "id") == [
        "gluster-archive",
        "ovirt-vmstore",
        "zcloud-images",
    ]


def test_errors_name_what_is_wrong(lab):
    with pytest.raises(TableError, match=r"unknown table 'vm'; did you mean 'vms'\?"):
        build_table(lab, "vm")
    with pytest.raises(
        TableError,
        match=r"table 'vms': unknown column 'vpcu'; did you mean "
        r"'vcpu'\?",
    ):
        build_table(lab, "vms", ["id", "vpcu"])
    with pytest.raises(
        TableError,
        match=r"table 'vms': unknown filter key 'plat'; did you "
        r"mean 'platform'\?",
    ):
        build_table(lab, "vms", filter="plat=openstack")
    with pytest.raises(TableError, match=r"filter term 'openstack' is not KEY=VALUE"):
        build_table(lab, "vms", filter="kind=vm,openstack")
    with pytest.raises(TableError, match="unknown table"):
        available_columns("nope")


def test_rows_read_by_key_and_pickle(lab):
    row = build_table(lab, "hosts", ["id", "memory"]).rows[0]
    assert row.values == ("zcloud", "256GiB") and row.keys == ("id", "memory")
    assert row.value("memory") == "256GiB"
    again = pickle.loads(pickle.dumps(row))
    assert again == row and again.value("id") == "zcloud"
    with pytest.raises(KeyError):
        row.value("vcpu")


def test_tables_do_not_depend_on_file_order(write_topology):
    one = load_valid(write_topology(shuffled_small(False), "one"))
    two = load_valid(write_topology(shuffled_small(True), "two"))
    for name in TABLES:
        columns = list(available_columns(name))
        assert build_table(one, name, columns) == build_table(two, name, columns), name


def test_every_table_of_a_vm_placed_on_a_container(write_topology):
    """An error the rules report (a VM on a container): the extension still shows the tables,
    and the capacity table counts hosts and VMs only (it raised AttributeError)."""
    loaded = load_topology(
        write_topology("""\
version: 1
hosts: [{id: h1, cpu: {sockets: 1, cores: 4}, memory: 32GiB}]
containers: [{id: c1, runs_on: h1, runtime: docker}]
vms: [{id: v1, runs_on: c1, platform: libvirt, vcpu: 2, memory: 2GiB}]
""")
    )
    assert [p.obj for p in loaded.errors] == ["v1"]
    assert build_table(loaded.model, "capacity").rows == ()
    vms = build_table(loaded.model, "vms", ["id", "runs_on", "host"])
    assert [row.values for row in vms.rows] == [("c1", "h1", "h1"), ("v1", "c1", "h1")]
