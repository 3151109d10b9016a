"""``topodoc drift`` end to end against libvirt's real test driver: three hypervisors, one of
them a VM on another (the nested level), with node files written by the tests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.cli import run_process as topodoc_process

from .lab import Lab, write_lab

#: Drift in every libvirt layer: a VM gone from h1, an undocumented one on h2, compute-1
#: without nested virtualization (h1), a resized VM one level down (compute-1).
DRIFT = {
    "h1": {"web-1": None, "compute-1": (4, 8, True, False)},
    "h2": {"stray": (1, 1, True, False)},
    "compute-1": {"inner-1": (1, 3, True, False)},
}


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def states(data: dict) -> set[tuple]:
    """(key, state, attribute) of every finding that is not ok."""
    return {(f["key"], f["state"], f["attribute"]) for f in data["findings"] if f["state"] != "ok"}


def test_a_lab_in_sync_exits_0(topodoc, lab: Lab) -> None:
    run = topodoc("drift", lab.topology)
    assert run.code == 0, run.err
    assert run.out.startswith("topodoc drift: in sync")
    assert "summary: 7 ok, 0 missing, 0 unexpected, 0 changed, 0 unverifiable" in run.out
    # progress goes to stderr, one line per source
    assert "reading 3 sources" in run.err
    for source in ("libvirt:h1", "libvirt:h2", "libvirt:compute-1"):
        assert f"{source} ok" in run.err


def test_drift_on_every_level_exits_1(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    run = topodoc("drift", lab.topology, "-o", f"json={tmp_path / 'r.json'}", "-o", "console=-")
    assert run.code == 1, run.out + run.err
    assert run.out.startswith("topodoc drift: DRIFT")
    data = report(tmp_path / "r.json")
    assert states(data) == {
        ("vm:web-1", "missing", None),
        ("vm:stray", "unexpected", None),
        ("vm:compute-1", "changed", "nested_virt"),
        ("vm:inner-1", "changed", "memory"),
    }
    found = {(f["key"], f["attribute"]): f for f in data["findings"]}
    assert found[("vm:compute-1", "nested_virt")]["expected"] is True
    assert found[("vm:compute-1", "nested_virt")]["actual"] is False
    # the nested hypervisor's own libvirt saw the resize, in bytes
    inner = found[("vm:inner-1", "memory")]
    assert (inner["source"], inner["expected"], inner["actual"]) == (
        "libvirt:compute-1",
        2**30,
        3 * 2**30,
    )
    assert found[("vm:stray", None)]["source"] == "libvirt:h2"
    assert found[("vm:web-1", None)]["severity"] == "error"
    assert data["summary"]["status"] == "drift" and data["summary"]["exit_code"] == 1
    # the console says the same, in human units
    assert "vm:inner-1.memory" in run.out and "expected 1GiB, found 3GiB" in run.out
    assert "vm:stray" in run.out and "seen by libvirt:h2" in run.out


def test_an_unreadable_nested_hypervisor_is_unverifiable_not_missing(
    topodoc, lab: Lab, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-node.xml"
    run = topodoc(
        "drift",
        lab.topology,
        "--libvirt",
        f"compute-1=test://{missing}",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert run.code == 2, run.err
    data = report(tmp_path / "r.json")
    assert states(data) == {
        ("hypervisor:compute-1", "unverifiable", None),
        ("vm:inner-1", "unverifiable", None),
    }
    assert not any(f["state"] == "missing" for f in data["findings"])
    sources = {s["id"]: s for s in data["sources"]}
    assert sources["libvirt:compute-1"]["status"] == "error"
    assert sources["libvirt:compute-1"]["uri"] == f"test://{missing}"  # the override's URI
    # the level above still checks compute-1 the VM
    assert ("vm:compute-1", "ok") in {(f["key"], f["state"]) for f in data["findings"]}


def test_libvirt_override_points_one_hypervisor_elsewhere(
    topodoc, lab: Lab, tmp_path: Path
) -> None:
    other = write_lab(tmp_path / "other", drift={"h2": {"db-1": (2, 4, True, False)}})
    run = topodoc(
        "drift",
        lab.topology,
        "--libvirt",
        f"h2={other.uri('h2')}",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert run.code == 1, run.err
    data = report(tmp_path / "r.json")
    assert states(data) == {("vm:db-1", "changed", "state")}
    finding = next(f for f in data["findings"] if f["key"] == "vm:db-1")
    assert (finding["expected"], finding["actual"]) == ("shutoff", "running")
    assert "expected shutoff, is running" in finding["hint"]


def test_override_without_target_needs_one_when_there_are_several(topodoc, lab: Lab) -> None:
    run = topodoc("drift", lab.topology, "--libvirt", "test:///default")
    assert run.code == 2
    assert run.out == ""
    assert (
        "topodoc drift: error: --libvirt test:///default: the topology has 3 libvirt "
        "sources; write --libvirt TARGET=VALUE (targets: compute-1, h1, h2)"
    ) in run.err
    assert "reading" not in run.err  # nothing was collected


def test_override_target_must_be_a_hypervisor(topodoc, lab: Lab) -> None:
    run = topodoc("drift", lab.topology, "--libvirt", "nosuch=test:///default")
    assert run.code == 2
    assert (
        "--libvirt nosuch=...: no object 'nosuch' in the topology; TARGET must be a "
        "hypervisor (host or vm): compute-1, db-1, h1, h2, inner-1, web-1"
    ) in run.err


def test_override_adds_a_source_the_live_part_lacks(topodoc, lab: Lab, tmp_path: Path) -> None:
    text = (lab.topology / "lab.yaml").read_text()
    (lab.topology / "lab.yaml").write_text(
        "".join(line for line in text.splitlines(True) if "hypervisor: h2," not in line)
    )
    plain = topodoc("drift", lab.topology, "-o", f"json={tmp_path / 'a.json'}")
    assert plain.code == 0
    assert not any(f["key"] == "vm:db-1" for f in report(tmp_path / "a.json")["findings"])
    # with the flag, h2 is read and what the topology places on it is expected there
    run = topodoc(
        "drift",
        lab.topology,
        "--libvirt",
        f"h2={lab.uri('h2')}",
        "-o",
        f"json={tmp_path / 'b.json'}",
    )
    assert run.code == 0, run.err
    found = {(f["key"], f["state"]) for f in report(tmp_path / "b.json")["findings"]}
    assert {("vm:db-1", "ok"), ("hypervisor:h2", "ok")} <= found


def test_only_reads_sources_of_that_kind(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", cloud=True)
    everything = topodoc("drift", lab.topology, "-o", f"json={tmp_path / 'a.json'}")
    assert everything.code == 2  # the cloud has no clouds.yaml
    assert "openstack:cloud error" in everything.err
    run = topodoc("drift", lab.topology, "--only", "libvirt", "-o", f"json={tmp_path / 'b.json'}")
    assert run.code == 0, run.err
    data = report(tmp_path / "b.json")
    assert [s["id"] for s in data["sources"]] == ["libvirt:compute-1", "libvirt:h1", "libvirt:h2"]
    assert "openstack" not in run.err
    # the cloud's server is then expected from compute-1's libvirt: no false "unexpected"
    tenant = [f for f in data["findings"] if f["key"] == "vm:tenant-1"]
    assert [(f["state"], f["source"]) for f in tenant] == [("ok", "libvirt:compute-1")]
    assert not any(f["key"].startswith("os-hypervisor:") for f in data["findings"])


def test_ignoring_a_kind_entirely_means_it_is_not_collected(
    topodoc, lab: Lab, tmp_path: Path
) -> None:
    topodoc("drift", lab.topology, "-o", f"json={tmp_path / 'a.json'}")
    run = topodoc(
        "drift", lab.topology, "--ignore", "storage-pool:*", "-o", f"json={tmp_path / 'b.json'}"
    )
    assert run.code == 0, run.err
    before = {s["id"]: s for s in report(tmp_path / "a.json")["sources"]}["libvirt:h1"]
    after = {s["id"]: s for s in report(tmp_path / "b.json")["sources"]}["libvirt:h1"]
    # h1 has one pool: one resource fewer, and no pool calls (list, XMLDesc, isActive)
    assert after["resources"] == before["resources"] - 1
    assert after["api_calls"] == before["api_calls"] - 3


def test_every_kind_of_a_source_ignored_skips_it(topodoc, lab: Lab, tmp_path: Path) -> None:
    kinds = ("hypervisor", "vm", "libvirt-network", "storage-pool")
    args = [a for kind in kinds for a in ("--ignore", f"{kind}:*")]
    run = topodoc("drift", lab.topology, *args, "-o", f"json={tmp_path / 'r.json'}")
    assert run.code == 0, run.err
    data = report(tmp_path / "r.json")
    assert {s["status"] for s in data["sources"]} == {"skipped"}
    assert {s["api_calls"] for s in data["sources"]} == {0}
    assert data["findings"] == []
    assert data["summary"]["ignored"] == 7


def test_error_wins_over_drift(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    run = topodoc("drift", lab.topology, "--libvirt", "h2=test:///nonexistent/node.xml")
    assert run.code == 2
    assert run.out.startswith("topodoc drift: INCOMPLETE")
    assert "vm:web-1" in run.out  # the drift is still reported


def test_severity_overrides(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    (lab.topology / "severity.yaml").write_text(
        "version: 1\nlive:\n  severity: ['vm:missing=info']\n"
    )
    run = topodoc(
        "drift",
        lab.topology,
        "--severity",
        "vm:unexpected=critical",
        "--severity",
        "vm:changed.memory=info",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert run.code == 1  # severities never change the exit code
    data = report(tmp_path / "r.json")
    level = {(f["key"], f["attribute"]): f["severity"] for f in data["findings"]}
    assert level[("vm:stray", None)] == "critical"
    assert level[("vm:web-1", None)] == "info"  # from the topology's live.severity
    assert level[("vm:inner-1", "memory")] == "info"
    assert level[("vm:compute-1", "nested_virt")] == "warning"  # the default
    assert data["summary"]["max_severity"] == "critical"


def test_all_outputs_at_once(topodoc, tmp_path: Path) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    out = tmp_path / "out"
    out.mkdir()
    run = topodoc(
        "drift",
        lab.topology,
        "-o",
        f"json={out / 'drift.json'}",
        "-o",
        f"junit={out / 'drift.xml'}",
        "-o",
        f"markdown={out / 'drift.md'}",
        "-o",
        "console=-",
    )
    assert run.code == 1
    assert sorted(p.name for p in out.iterdir()) == ["drift.json", "drift.md", "drift.xml"]
    assert report(out / "drift.json")["format_version"].startswith("1.")
    suites = ET.parse(out / "drift.xml").getroot()
    assert suites.tag == "testsuites"
    failures = {
        case.get("name") for case in suites.iter("testcase") if case.find("failure") is not None
    }
    assert failures == {"vm:web-1", "vm:stray", "vm:compute-1", "vm:inner-1"}
    markdown = (out / "drift.md").read_text()
    assert "vm:inner-1" in markdown and "|" in markdown
    assert run.out.startswith("topodoc drift: DRIFT")
    # without -o, the console report alone goes to standard output
    alone = topodoc("drift", lab.topology)

    def findings(console: str) -> list[str]:  # without the time of the check and durations
        return console.split("\n", 1)[1].split("\nsources\n")[0].splitlines()

    assert findings(alone.out) == findings(run.out)
    assert len(findings(run.out)) >= 5


def test_snapshot_then_check_offline(topodoc, lab: Lab, tmp_path: Path) -> None:
    snap = tmp_path / "live.json"
    run = topodoc("snapshot", lab.topology, "-o", snap)
    assert run.code == 0, run.err
    assert f"wrote {snap}: 3 sources, 9 resources" in run.err
    data = report(snap)
    assert data["format_version"] == "1.2"
    assert [s["id"] for s in data["sources"]] == ["libvirt:compute-1", "libvirt:h1", "libvirt:h2"]
    # the lab changes after the recording: the offline check still sees the recording
    write_lab(lab.root, drift={"h1": {"web-1": None}})
    offline = topodoc("drift", lab.topology, "--snapshot", snap)
    assert offline.code == 0, offline.out + offline.err
    assert "reading" not in offline.err  # nothing was contacted
    live = topodoc("drift", lab.topology)
    assert live.code == 1 and "vm:web-1" in live.out
    # --only applies to a recording too
    only = topodoc(
        "drift",
        lab.topology,
        "--snapshot",
        snap,
        "--only",
        "libvirt",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert only.code == 0


def test_snapshot_records_a_failed_source_and_exits_2(topodoc, lab: Lab, tmp_path: Path) -> None:
    snap = tmp_path / "live.json"
    run = topodoc("snapshot", lab.topology, "-o", snap, "--libvirt", "h2=test:///nonexistent")
    assert run.code == 2
    assert "topodoc snapshot: libvirt:h2: error:" in run.err
    sources = {s["id"]: s for s in report(snap)["sources"]}
    assert sources["libvirt:h2"]["status"] == "error"
    # checking against it: what h2 should show is unverifiable, never missing
    check = topodoc("drift", lab.topology, "--snapshot", snap, "-o", f"json={tmp_path / 'r.json'}")
    assert check.code == 2
    assert states(report(tmp_path / "r.json")) == {
        ("hypervisor:h2", "unverifiable", None),
        ("vm:db-1", "unverifiable", None),
    }


def test_write_ignore_accepts_todays_drift(
    topodoc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    baseline = tmp_path / "baseline.ignore"
    run = topodoc("drift", lab.topology, "--write-ignore", baseline)
    assert run.code == 1
    assert f"wrote 4 patterns to {baseline}" in run.err
    text = baseline.read_text()
    patterns = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert patterns == ["vm:compute-1.nested_virt", "vm:inner-1.memory", "vm:stray", "vm:web-1"]
    assert "# missing: not defined on libvirt:h1" in text  # each pattern says why
    again = topodoc("drift", lab.topology, "--ignore-file", baseline)
    assert again.code == 0, again.out
    assert "4 ignored" in again.out
    # a .topodocignore in the current directory is picked up without any option
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".topodocignore").write_text(text)
    picked = topodoc("drift", lab.topology)
    assert picked.code == 0, picked.out
    (tmp_path / ".topodocignore").unlink()
    assert topodoc("drift", lab.topology).code == 1


def test_write_ignore_onto_the_ignore_file_in_use_keeps_its_rules(
    topodoc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = write_lab(tmp_path / "lab", drift=DRIFT)
    monkeypatch.chdir(tmp_path)
    accepted = "# a scratch VM, kept on purpose\nvm:stray\n"
    (tmp_path / ".topodocignore").write_text(accepted)
    run = topodoc("drift", lab.topology, "--write-ignore", ".topodocignore")
    assert run.code == 1
    assert "added 3 patterns to .topodocignore" in run.err
    text = (tmp_path / ".topodocignore").read_text()
    assert text.startswith(accepted)  # the rule in use and its reason survive
    assert "vm:web-1" in text
    assert topodoc("drift", lab.topology).code == 0


def test_real_process_in_sync_and_with_drift(lab: Lab, tmp_path: Path) -> None:
    run = topodoc_process(
        "drift", lab.topology, "-o", f"json={tmp_path / 'r.json'}", "-o", "console=-", cwd=tmp_path
    )
    assert run.code == 0, run.err
    assert run.out.startswith("topodoc drift: in sync")
    assert report(tmp_path / "r.json")["summary"]["exit_code"] == 0
    write_lab(lab.root, drift={"h2": {"stray": (1, 1, True, False)}})
    drift = topodoc_process("drift", lab.topology, "--color", "always", cwd=tmp_path)
    assert drift.code == 1
    assert "\x1b[" in drift.out and "vm:stray" in drift.out
