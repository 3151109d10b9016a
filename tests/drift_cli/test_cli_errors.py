"""A user's mistakes: exit 2 with a message naming what is wrong, never a traceback, and
nothing collected when the mistake is visible before collecting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from topodoc.cli.main import main

from .lab import Lab


def test_bad_output_spec(topodoc, lab: Lab) -> None:
    run = topodoc("drift", lab.topology, "-o", "yaml=drift.yaml")
    assert run.code == 2 and run.out == ""
    assert (
        "topodoc drift: error: output 'yaml=drift.yaml': unknown format 'yaml' "
        "(known: console, json, junit, markdown)"
    ) in run.err
    assert "reading" not in run.err
    run = topodoc("drift", lab.topology, "-o", "json")
    assert run.code == 2
    assert "output 'json': expected FORMAT=PATH, e.g. json=drift.json" in run.err


def test_one_output_named_twice_is_refused_before_collecting(
    topodoc, lab: Lab, tmp_path: Path
) -> None:
    path = tmp_path / "r.out"
    run = topodoc("drift", lab.topology, "-o", f"json={path}", "-o", f"junit={path}")
    assert run.code == 2
    assert f"output '{path}' is named more than once" in run.err
    assert "reading" not in run.err and not path.exists()


def test_unwritable_output_is_refused_before_the_scan(topodoc, lab: Lab, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "r.json"
    run = topodoc("drift", lab.topology, "-o", "console=-", "-o", f"json={target}")
    assert (run.code, run.out) == (2, "")
    assert (
        f"output 'json={target}': cannot write {target}: no such directory {target.parent}"
    ) in run.err
    assert "reading" not in run.err  # no source was read
    run = topodoc("drift", lab.topology, "-o", f"json={tmp_path}")
    assert f"cannot write {tmp_path}: it is a directory" in run.err and "reading" not in run.err


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("vm:bogus=error", "unknown state 'bogus'"),
        ("vm:missing=fatal", "unknown level 'fatal' (known: info, warning, error, critical)"),
        ("nothing", "expected KIND:STATE[.ATTRIBUTE]=LEVEL"),
    ],
)
def test_bad_severity(topodoc, lab: Lab, override: str, message: str) -> None:
    run = topodoc("drift", lab.topology, "--severity", override)
    assert run.code == 2 and run.out == ""
    assert f"topodoc drift: error: severity override {override!r}" in run.err
    assert message in run.err
    assert "reading" not in run.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such snapshot"),
        ("{not json", ":1:2: not valid JSON"),
        (
            '{"format_version": "9.0", "sources": []}',
            "snapshot format_version 9.0 is not supported",
        ),
        ('{"format_version": "1.0", "sources": [{"id": 1}]}', "sources[0]: 'id' must be a string"),
        ("[]", "a snapshot is a JSON object, not a list"),
    ],
)
def test_unreadable_snapshot(
    topodoc, lab: Lab, tmp_path: Path, content: str | None, message: str
) -> None:
    snap = tmp_path / "snap.json"
    if content is not None:
        snap.write_text(content)
    run = topodoc("drift", lab.topology, "--snapshot", snap)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"topodoc drift: error: {snap}")
    assert message in run.err


def test_snapshot_that_is_a_directory(topodoc, lab: Lab, tmp_path: Path) -> None:
    run = topodoc("drift", lab.topology, "--snapshot", tmp_path)
    assert run.code == 2
    assert f"{tmp_path}: cannot read the snapshot" in run.err


def test_invalid_topology_lists_its_problems(topodoc, lab: Lab) -> None:
    text = (lab.topology / "lab.yaml").read_text()
    (lab.topology / "lab.yaml").write_text(
        text.replace("runs_on: h2", "runs_on: h3").replace(
            "vcpu: 2\n    memory: 2GiB", "vcpu: two\n    memory: 2GiB"
        )
    )
    run = topodoc("drift", lab.topology)
    assert run.code == 2 and run.out == ""
    problems = [line for line in run.err.splitlines() if ": error: " in line]
    assert len(problems) == 2, run.err
    assert all(line.startswith(str(lab.topology / "lab.yaml") + ":") for line in problems)
    assert any("'h3'" in line for line in problems)
    assert any("two" in line for line in problems)
    assert "the topology has errors; fix them first (topodoc validate)" in run.err
    assert "reading" not in run.err
    snapshot = topodoc("snapshot", lab.topology, "-o", lab.root / "s.json")
    assert snapshot.code == 2 and not (lab.root / "s.json").exists()


def test_missing_topology(topodoc, tmp_path: Path) -> None:
    run = topodoc("drift", tmp_path / "nowhere")
    assert run.code == 2
    assert f"topodoc drift: error: {tmp_path / 'nowhere'}: no such file or directory" in run.err


def test_bad_ignore_pattern_and_file(topodoc, lab: Lab, tmp_path: Path) -> None:
    run = topodoc("drift", lab.topology, "--ignore", "vms:web-1")
    assert run.code == 2
    assert "--ignore: 'vms:web-1': 'vms' matches no kind" in run.err
    run = topodoc("drift", lab.topology, "--ignore-file", tmp_path / "none")
    assert run.code == 2
    assert f"{tmp_path / 'none'}: cannot read ignore file" in run.err
    bad = tmp_path / "bad.ignore"
    bad.write_text("# fine\nvm:web-1\nweb-2 # a trailing comment\n")
    run = topodoc("drift", lab.topology, "--ignore-file", bad)
    assert run.code == 2
    assert f"{bad}:3: 'web-2 # a trailing comment': patterns contain no whitespace" in run.err


def test_write_ignore_into_a_missing_directory(topodoc, lab: Lab, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "baseline"
    run = topodoc("drift", lab.topology, "--write-ignore", target)
    assert run.code == 2
    assert f"{target}: cannot write ignore file: no such directory" in run.err
    assert "reading" not in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "'0' is not a positive number of seconds"),
        (["--timeout", "soon"], "'soon' is not a positive number of seconds"),
        (["--demo", "--snapshot", "x.json"], "not allowed with argument"),
        (["--only", "vmware"], "invalid choice: 'vmware'"),
    ],
)
def test_command_line_mistakes(
    capsys: pytest.CaptureFixture[str], lab: Lab, args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["drift", str(lab.topology), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_secret_in_an_override_is_not_echoed(topodoc, lab: Lab) -> None:
    (lab.topology / "etcd.yaml").write_text(
        "version: 1\nclusters:\n"
        "  - {id: e1, type: etcd, members: [{machine: h1, roles: [member]}]}\n"
        "  - {id: e2, type: etcd, members: [{machine: h2, roles: [member]}]}\n"
        "live:\n  etcd:\n"
        "    - {cluster: e1, endpoints: ['http://127.0.0.1:9']}\n"
        "    - {cluster: e2, endpoints: ['http://127.0.0.1:9']}\n"
    )
    run = topodoc("drift", lab.topology, "--etcd", "https://root:hunter2-SENTINEL@10.0.0.1:2379")
    assert run.code == 2
    assert "the topology has 2 etcd sources" in run.err
    assert "hunter2-SENTINEL" not in run.err + run.out


def test_json_report_is_written_even_when_the_scan_is_incomplete(
    topodoc, lab: Lab, tmp_path: Path
) -> None:
    run = topodoc(
        "drift",
        lab.topology,
        "--libvirt",
        "h1=test:///nonexistent",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert run.code == 2
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["status"] == "incomplete"
    assert data["summary"]["exit_code"] == 2


def test_nothing_to_check_is_not_in_sync(topodoc, tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text("version: 1\nhosts:\n  - id: h1\n")
    run = topodoc("drift", tmp_path / "lab.yaml")
    assert run.code == 2 and run.out == ""
    assert "nothing to check: the topology's live part names no source" in run.err
    snapshot = topodoc("snapshot", tmp_path / "lab.yaml", "-o", tmp_path / "s.json")
    assert snapshot.code == 2 and not (tmp_path / "s.json").exists()


def test_only_a_kind_the_topology_lacks(topodoc, lab: Lab) -> None:
    run = topodoc("drift", lab.topology, "--only", "etcd")
    assert run.code == 2 and run.out == ""
    assert (
        "--only etcd: the topology has no such source (sources: libvirt:compute-1, "
        "libvirt:h1, libvirt:h2)"
    ) in run.err
