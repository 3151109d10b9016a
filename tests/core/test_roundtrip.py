"""Every field a topology writes comes back out of ``topodoc export`` with the same meaning:
the worked example of a real lab in the manual, exported and compared field by field with
the YAML as plain PyYAML reads it."""

from __future__ import annotations

import json
from typing import Any

import yaml

from topodoc.model.sizes import parse_size

from .test_docs import TOPOLOGY_RST, blocks

SIZES = {"memory", "size"}
SECTIONS = (
    "sites",
    "failure_domains",
    "hosts",
    "vms",
    "containers",
    "clusters",
    "services",
    "networks",
    "storage",
)


def real_lab() -> str:
    [text] = [
        b for b in blocks(TOPOLOGY_RST, "yaml") if "id: z-b-data-1" in b and "scenarios:" in b
    ]
    return text


def same(written: Any, exported: Any, where: str) -> None:
    """``exported`` says what ``written`` (a YAML value) says."""
    if isinstance(written, dict):
        assert isinstance(exported, dict), where
        for key, value in written.items():
            if key in SIZES:
                size = parse_size(value)
                assert exported[key] == int(size), f"{where}.{key}"
                assert exported.get("approximate", {}).get(key, value) == value, f"{where}.{key}"
            elif key == "address" and isinstance(value, list):
                assert [exported["address"], *exported.get("aliases", [])] == value, where
            elif key == "cpu" and isinstance(value, int):
                assert exported["cpu"]["count"] == value, where
            elif key == "etcd":
                assert (exported.get("etcd_mode"), exported.get("etcd_cluster")) == (
                    value.get("mode"),
                    value.get("cluster"),
                ), where
            elif key == "overcommit":
                assert (exported.get("overcommit_cpu"), exported.get("overcommit_memory")) == (
                    value.get("cpu"),
                    value.get("memory"),
                ), where
            elif value in ([], {}, "", None):
                assert exported.get(key) in (None, [], {}, ""), f"{where}.{key}"
            else:
                assert key in exported, f"{where}.{key} is not exported"
                same(value, exported[key], f"{where}.{key}")
    elif isinstance(written, list):
        assert isinstance(exported, list) and len(exported) == len(written), where
        for index, (a, b) in enumerate(zip(written, exported, strict=True)):
            same(a, b, f"{where}[{index}]")
    elif isinstance(written, str) and isinstance(exported, str):
        assert exported == written.strip(), where
    else:
        assert exported == written, where


def test_the_real_lab_round_trips_through_export(tmp_path, run):
    text = real_lab()
    (tmp_path / "lab.yaml").write_text(text, encoding="utf-8")
    r = run("validate", tmp_path / "lab.yaml")
    assert r.code == 0 and r.problems == [], r.out
    exported = json.loads(run("export", tmp_path / "lab.yaml").out)
    by_id = {o["id"]: o for o in exported["objects"]}
    written = yaml.safe_load(text)
    count = 0
    for section in SECTIONS:
        for item in written.get(section, ()):
            same(item, by_id[item["id"]], f"{section}[{item['id']}]")
            count += 1
    assert count == len(by_id)
    for scenario, out in zip(written["scenarios"], exported["scenarios"], strict=True):
        same(scenario, out, f"scenarios[{scenario['id']}]")


def test_the_comparison_notices_a_field_export_leaves_out():
    try:
        same({"disks": [{"size": "1GiB", "description": "x"}]}, {"disks": [{"size": 2**30}]}, "h")
    except AssertionError as exc:
        assert "h.disks[0].description is not exported" in str(exc)
    else:
        raise AssertionError("a missing field went unnoticed")


def test_the_real_lab_s_figures_are_the_manual_s(tmp_path, run, monkeypatch):
    from topodoc.reading.load import load_topology
    from topodoc.tables.table import build_table

    from .test_docs import console_output, matches

    (tmp_path / "lab.yaml").write_text(real_lab(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = "impact lab.yaml --object z-ceph --object z-etcd --scenario two-data-vms"
    r = run(*command.split())
    matches(console_output(TOPOLOGY_RST, f".venv/bin/topodoc {command}"), r.out.splitlines())
    model = load_topology("lab.yaml").model
    capacity = build_table(model, "capacity", ["memory", "memory_allocated", "not_counted"])
    assert capacity.rows[0].values == (
        "251.5G",
        "116GiB",
        "ubuntu-tpl (template), z-k8s-n-2 (planned)",
    )
    assert build_table(model, "hosts", ["disk_total"]).rows[0].values == ("558.9G",)
