"""Sizes and CPUs as a lab owner knows them: a bare CPU count, a disk of unknown size,
approximate sizes in tables and exports."""

from __future__ import annotations

import json

from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

LAB = """\
    version: 1
    hosts:
      - id: h1
        cpu: 48
        memory: 251.5G
        disks:
          - {name: nvme0n1, size: 953.89GiB, description: the NVMe in slot 2}
          - {name: sda, description: size not known}
        nics: [{name: eno1, description: onboard port 1}]
      - id: h2
        cpu: {model: Xeon E5-2650 v3, count: 40}
      - id: h3
        cpu: {sockets: 2, cores: 10, threads: 2}
    """


def test_a_bare_cpu_count_and_a_count_with_a_model(topo):
    model = load_topology(topo({"lab.yaml": LAB})).model
    table = build_table(model, "hosts", ["id", "cpu", "cpus", "memory", "disks", "disk_total"])
    assert [row.values for row in table.rows] == [
        (
            "h1",
            "48 logical CPUs",
            "48",
            "251.5G",
            "nvme0n1 953.89GiB, sda size unknown",
            "953.89GiB",
        ),
        ("h2", "Xeon E5-2650 v3, 40 logical CPUs", "40", "", "", ""),
        ("h3", "2x10x2 = 40 logical CPUs", "40", "", "", ""),
    ]


def test_a_count_that_contradicts_the_shape_is_an_error(topo, run):
    path = topo({"lab.yaml": LAB.replace("threads: 2}", "threads: 2, count: 48}")})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("cpu-count") == "topo/lab.yaml:13:53"
    assert r.problem("cpu-count")["message"] == (
        "h3: cpu count is 48, but 2 sockets x 10 cores x 2 threads = 40"
    )


def test_a_cpu_that_is_neither_a_count_nor_a_mapping_is_a_schema_error(topo, run):
    r = run("validate", topo({"lab.yaml": "version: 1\nhosts:\n  - {id: h, cpu: 2x24}\n"}))
    assert r.code == 1
    assert "hosts[0].cpu: expected an integer or object, got string '2x24'" in r.out


def test_export_keeps_approximate_sizes_as_written_and_every_description(topo, run):
    path = topo({"lab.yaml": LAB})
    [h1, *_] = json.loads(run("export", path).out)["objects"]
    assert h1["memory"] == 270046068736 and h1["approximate"] == {"memory": "251.5G"}
    assert h1["cpu"] == {"threads": 1, "count": 48}
    assert h1["disks"] == [
        {
            "size": 1024231588495,
            "name": "nvme0n1",
            "description": "the NVMe in slot 2",
            "approximate": {"size": "953.89GiB"},
        },
        {"name": "sda", "description": "size not known"},
    ]
    assert h1["nics"] == [{"name": "eno1", "description": "onboard port 1"}]
