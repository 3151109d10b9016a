"""PCI passthrough, SR-IOV VFs and vGPU slices: where they are written, the rules about them, and
what the host no longer counts."""

from __future__ import annotations

from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

LAB = """\
    version: 1
    hosts:
      - id: h1
        disks:
          - {name: sda, size: 960GB}
          - {name: nvme1n1, size: 1TB}
        devices:
          - {name: nvme1, type: nvme, pci: "0000:84:00.0", pci_id: "144d:a808", disk: nvme1n1}
          - {name: gpu0, type: gpu, pci: "0000:03:00.0", pci_id: "10de:1eb8", model: Tesla T4,
             vgpus: 4, vgpu_type: nvidia-231}
          - {name: ens1f0, type: nic, pci: "0000:05:00.0", pci_id: "15b3:1017", vfs: 8}
    vms:
      - {id: data-1, runs_on: h1, platform: libvirt, passthrough: [{device: nvme1}]}
      - id: worker
        runs_on: h1
        platform: libvirt
        passthrough: [{device: gpu0, slices: 2}, {device: ens1f0, vf: 0}]
      - {id: spare, runs_on: h1, platform: libvirt, state: shutoff,
         passthrough: [{device: nvme1}, {device: ens1f0, vf: 0}]}
    """


def test_devices_and_what_vms_are_given(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run("validate", path)
    assert r.problems == [], r.out  # the shut-off VM holds nothing while it is off
    model = load_topology(path).model
    hosts = build_table(model, "hosts", ["id", "disk_total", "devices"])
    assert hosts.rows[0].values == (
        "h1",
        "960GB",  # the NVMe passed through to data-1 is not the host's any more
        "nvme1 nvme [144d:a808] at 0000:84:00.0, disk nvme1n1, "
        "gpu0 gpu Tesla T4 [10de:1eb8] at 0000:03:00.0, 4 vGPU slices (nvidia-231), "
        "ens1f0 nic [15b3:1017] at 0000:05:00.0, 8 VFs",
    )
    vms = build_table(model, "vms", ["id", "passthrough"])
    assert [row.values for row in vms.rows] == [
        ("data-1", "h1:nvme1"),
        ("spare", "h1:nvme1, h1:ens1f0 VF 0"),
        ("worker", "h1:gpu0 2 vGPU slices, h1:ens1f0 VF 0"),
    ]


def test_the_host_counts_the_disk_again_when_its_guest_does_not_run(topo):
    model = load_topology(
        topo(
            {
                "lab.yaml": LAB.replace(
                    "passthrough: [{device: nvme1}]}",
                    "passthrough: [{device: nvme1}], status: planned}",
                )
            }
        )
    ).model
    assert build_table(model, "hosts", ["disk_total"]).rows[0].values == ("1960GB",)


def test_a_device_belongs_to_one_guest_at_a_time(topo, run):
    r = run("validate", topo({"lab.yaml": LAB.replace("state: shutoff,", "state: running,")}))
    assert r.code == 1
    assert r.problems == [
        {
            "file": "topo/lab.yaml",
            "line": "17",
            "col": "46",
            "severity": "error",
            "message": "h1:ens1f0 VF 0 is given to spare, worker: a device belongs to one guest "
            "at a time",
            "rule": "device-shared",
        },
        {
            "file": "topo/lab.yaml",
            "line": "19",
            "col": "20",
            "severity": "error",
            "message": "h1:nvme1 is given whole to data-1 and also to spare: a device belongs to "
            "one guest at a time",
            "rule": "device-shared",
        },
    ]


def test_vgpu_slices_stay_within_the_device(topo, run):
    r = run("validate", topo({"lab.yaml": LAB.replace("vgpus: 4", "vgpus: 1")}))
    assert r.problem("device-shared")["message"] == (
        "h1:gpu0 is split into 1 vGPU slices, but the VMs that run are given 2"
    )


def test_a_device_the_host_does_not_have(topo, run):
    r = run(
        "validate",
        topo(
            {
                "lab.yaml": LAB.replace("[{device: nvme1}]}", "[{device: nvme2}]}").replace(
                    "vf: 0}]", "vf: 8}]", 1
                )
            }
        ),
    )
    messages = [(p["rule"], p["message"]) for p in r.problems]
    assert messages == [
        ("passthrough", "data-1: h1 has no device 'nvme2'; did you mean 'nvme1'?"),
        ("passthrough", "worker: VF 8 of h1:ens1f0, which has 8 VFs (0-7)"),
    ]


def test_a_bad_pci_address_is_a_schema_error(topo, run):
    r = run("validate", topo({"lab.yaml": LAB.replace('"0000:84:00.0"', '"84:00"')}))
    assert r.code == 1
    assert "hosts[0].devices[0].pci: '84:00' does not match the expected form" in r.out
