"""``topodoc drift --demo``: the built-in lab shows every state, and exactly the drift it was
given on purpose."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import run_process as topodoc_process
from tests.support.paths import REPO as ROOT
from topodoc.drift import demo
from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

#: The demo's deliberate drift (src/topodoc/demo/DRIFT.json) as findings.
DELIBERATE = {
    ("vm:z-k8s-m-2", "changed", "memory"),
    ("vm:z-k8s-m-3", "changed", "state"),
    ("vm:kvm-k8s-3", "missing", None),
    ("vm:os-compute-2", "changed", "nested_virt"),
    ("vm:scratch", "unexpected", None),
    ("vm:os-elastic-1", "changed", "state"),
    ("vm:tf-test-1", "unexpected", None),
    ("k8s-node:z-k8s/zcloud-3", "changed", "ready"),
    ("etcd-member:z-etcd/zcloud", "unverifiable", None),
    ("etcd-member:z-etcd/zcloud-2", "unverifiable", None),
    ("etcd-member:z-etcd/zcloud-3", "unverifiable", None),
}


def not_ok(data: dict) -> set[tuple]:
    return {(f["key"], f["state"], f["attribute"]) for f in data["findings"] if f["state"] != "ok"}


def test_demo_shows_every_state_and_only_its_deliberate_drift(topodoc, tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    run = topodoc("drift", "--demo", "-o", f"json={path}", "-o", "console=-")
    assert run.code == 2, run.err
    data = json.loads(path.read_text())
    assert {f["state"] for f in data["findings"]} == {
        "ok",
        "missing",
        "unexpected",
        "changed",
        "unverifiable",
    }
    assert all(data["summary"]["states"][s] > 0 for s in data["summary"]["states"])
    assert not_ok(data) == DELIBERATE
    assert data["summary"]["status"] == "incomplete" and data["summary"]["exit_code"] == 2
    assert data["topology"] == "topodoc demo"
    # libvirt read for real through the test driver, one node file per hypervisor
    libvirt = [s for s in data["sources"] if s["kind"] == "libvirt"]
    assert len(libvirt) == 6 and all(s["uri"].startswith("test://") for s in libvirt)
    assert all(s["api_calls"] > 0 and s["status"] == "ok" for s in libvirt)
    # the demo explains itself on stderr, one line per deliberate change
    drift = json.loads((demo.demo_dir() / "DRIFT.json").read_text())
    assert len(drift) == 9
    for line in drift:
        assert f"  - {line}\n" in run.err
    # autostart cannot be shown by the test driver: ignored, with the reason
    rules = {
        (i["rule"]["pattern"], i["rule"]["origin"], i["rule"]["reason"]) for i in data["ignored"]
    }
    assert rules == {
        (
            "vm:*.autostart",
            "demo/topodocignore:5",
            "libvirt's test driver loads every domain with autostart off and cannot "
            "be told otherwise, so the demo cannot check autostart.",
        )
    }
    # the rules are named the same wherever topodoc is installed
    assert str(demo.demo_dir()) not in json.dumps(data["ignored"])
    assert "kvm-k8s-3" in run.out and "coverage" in run.out


def test_the_planned_tier_is_neither_missing_nor_counted(topodoc, tmp_path: Path) -> None:
    """The demo's topology plans dedicated etcd servers: not expected, not in the recording,
    not counted against any machine's capacity."""
    model = load_topology(demo.topology_dir()).model
    planned = {o.id for o in model if o.status == "planned"}
    assert planned == {"zcloud-4", "zcloud-5", "zcloud-6", "z-etcd-dedicated"}
    path = tmp_path / "demo.json"
    topodoc("drift", "--demo", "-o", f"json={path}")
    keys = {f["key"] for f in json.loads(path.read_text())["findings"]}
    named = {part for key in keys for part in key.partition(":")[2].split("/")}
    assert named and not named & planned
    capacity = build_table(model, "capacity", ["machine", "guests", "not_counted"])
    assert not {cell for row in capacity.rows for cell in row.values} & planned


def test_demo_runs_from_any_directory_as_a_process(tmp_path: Path) -> None:
    run = topodoc_process(
        "drift", "--demo", "-o", "json=demo.json", "-o", "junit=demo.xml", cwd=tmp_path
    )
    assert run.code == 2, run.err
    data = json.loads((tmp_path / "demo.json").read_text())
    assert not_ok(data) == DELIBERATE
    assert (tmp_path / "demo.xml").read_text().startswith("<?xml")


def test_demo_only_libvirt_has_no_false_unexpected_nova_instances(topodoc, tmp_path) -> None:
    path = tmp_path / "demo.json"
    run = topodoc("drift", "--demo", "--only", "libvirt", "-o", f"json={path}")
    assert run.code == 1, run.out
    # the OpenStack VMs are then expected from their compute nodes' libvirt
    assert not_ok(json.loads(path.read_text())) == {
        ("vm:z-k8s-m-2", "changed", "memory"),
        ("vm:z-k8s-m-3", "changed", "state"),
        ("vm:kvm-k8s-3", "missing", None),
        ("vm:os-compute-2", "changed", "nested_virt"),
        ("vm:scratch", "unexpected", None),
        ("vm:os-elastic-1", "changed", "state"),
    }


def test_demo_with_another_topology_says_what_it_lacks(topodoc, lab) -> None:
    run = topodoc("drift", "--demo", lab.topology)
    assert run.code == 2
    assert (
        "the demo has no node file for hypervisor 'compute-1': '--demo' checks the "
        "demo's own topology (leave PATH out)"
    ) in run.err


def test_demo_is_current_with_topology(tmp_path: Path) -> None:
    """The committed demo is what scripts/make_demo.py makes from topology/ today."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    committed = demo.demo_dir()
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    have = sorted(str(p.relative_to(committed)) for p in committed.rglob("*") if p.is_file())
    assert made == have
    stale = [
        name for name in made if not filecmp.cmp(tmp_path / name, committed / name, shallow=False)
    ]
    assert stale == [], "run: .venv/bin/python scripts/make_demo.py"
    assert sorted(p.name for p in (committed / "topology").iterdir()) == sorted(
        p.name for p in (ROOT / "topology").glob("*.yaml")
    )


def test_demo_baseline_accepts_its_drift(topodoc, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.ignore"
    run = topodoc("drift", "--demo", "--write-ignore", baseline)
    assert run.code == 2
    assert f"wrote 8 patterns to {baseline}" in run.err  # unverifiable is not drift
    path = tmp_path / "demo.json"
    again = topodoc("drift", "--demo", "--ignore-file", baseline, "-o", f"json={path}")
    assert again.code == 2  # etcd is still unreachable
    data = json.loads(path.read_text())
    # the demo's own rules (autostart) still apply next to the baseline
    assert not_ok(data) == {d for d in DELIBERATE if d[1] == "unverifiable"}
    assert data["summary"]["ignored"] == 12 + 8


def test_demo_progress_lists_every_source_and_hints_name_no_one_address(topodoc) -> None:
    run = topodoc("drift", "--demo")
    assert "reading 9 sources" in run.err
    for source in (
        "etcd:z-etcd",
        "kubernetes:z-k8s",
        "openstack:zcloud-openstack",
        "libvirt:zcloud",
        "libvirt:os-compute-3",
    ):
        assert f"  {source} " in run.err, source
    assert "etcd:z-etcd timeout: no complete answer within 30 s (30.0 s) (recorded)" in run.err
    etcd = [line for line in run.out.splitlines() if "etcd-member:" in line]
    assert len(etcd) == 3 and not any("192.168." in line for line in etcd)
    assert "3 findings unverifiable because of it" in run.out


def test_demo_without_the_live_extra_says_once_what_is_missing(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "class NoLibvirt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'libvirt':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoLibvirt())\n"
        "from topodoc.cli.main import main\n"
        "sys.exit(main(['drift', '--demo']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("libvirt-python is not installed") == 1, done.stderr
    assert "pip install 'topodoc[live]'" in done.stderr
    assert "deliberate drift" not in done.stderr and "Traceback" not in done.stderr
