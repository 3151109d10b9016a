"""The ``topodoc`` command line: validate on the seed lab, output formats, help, exit codes."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.paths import LAB, REPO, TOPODOC
from topodoc.cli.main import build_parser


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_validate_the_seed_lab_exits_0(run):
    r = run("validate", LAB)
    assert r.code == 0
    assert r.problems == [] and r.out == ""  # the silenced problems are counted, not listed
    assert r.err.endswith(
        "0 errors, 0 warnings, 20 silenced (list them with --show-silenced);"
        " 53 objects in 9 files\n"
    )
    r = run("validate", LAB, "--show-silenced")
    assert r.err.endswith("0 errors, 0 warnings, 20 silenced; 53 objects in 9 files\n")
    silenced = r.out.splitlines()
    assert len(silenced) == 20
    assert all(": silenced: " in line and " -- " in line for line in silenced)


def test_path_defaults_to_topology(run, monkeypatch):
    monkeypatch.chdir(REPO)
    r = run("validate", "--show-silenced")
    assert r.code == 0
    assert r.err.startswith("topology: 0 errors")
    assert r.out.startswith("topology/kubernetes.yaml:19:11: silenced: z-k8s: external etcd")


def test_validate_json_shape(run, monkeypatch):
    monkeypatch.chdir(REPO)
    r = run("validate", "topology", "--format", "json")
    assert r.code == 0
    assert r.err == ""
    data = json.loads(r.out)
    assert list(data) == ["ok", "errors", "warnings", "objects", "files", "problems", "silenced"]
    assert (data["ok"], data["errors"], data["warnings"], data["objects"], data["files"]) == (
        True,
        0,
        0,
        57,
        9,
    )
    assert data["problems"] == []
    assert len(data["silenced"]) == 22
    first = data["silenced"][0]
    assert list(first) == [
        "file",
        "line",
        "col",
        "severity",
        "rule",
        "message",
        "object",
        "reason",
        "silenced_at",
    ]
    assert (
        first["file"],
        first["line"],
        first["col"],
        first["rule"],
        first["object"],
        first["silenced_at"],
    ) == (
        "topology/kubernetes.yaml",
        19,
        11,
        "external-etcd-shared-host",
        "z-k8s",
        "topology/kubernetes.yaml:29:9",
    )


def test_validate_json_with_problems(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h
            memory: 8GiB
        vms:
          - {id: v, runs_on: h, platform: libvirt, memory: 9GiB}
          - {id: w, runs_on: hh, platform: libvirt}
        clusters:
          - {id: e, type: etcd, members: [{machine: h, roles: [member]}]}
        """
        }
    )
    r = run("validate", path, "--format", "json")
    assert r.code == 1
    data = json.loads(r.out)
    assert (data["ok"], data["errors"], data["warnings"], data["objects"]) == (False, 2, 1, 4)
    assert [
        (p["line"], p["col"], p["severity"], p["rule"], p["object"]) for p in data["problems"]
    ] == [
        (4, 13, "error", "capacity-memory", "h"),
        (7, 22, "error", "unknown-ref", "w"),
        (9, 34, "warning", "etcd-quorum", "e"),
    ]


def test_warnings_alone_exit_0(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts: [{id: h}]
        clusters: [{id: e, type: etcd, members: [{machine: h, roles: [member]}]}]
        """
        }
    )
    r = run("validate", path)
    assert r.code == 0
    assert [p["severity"] for p in r.problems] == ["warning"]
    assert "0 errors, 1 warning" in r.err


@pytest.mark.parametrize("command", [None, *commands()])
def test_help_of_every_command(run, command):
    args = ["--help"] if command is None else [command, "--help"]
    r = run(*args)
    assert r.code == 0
    assert r.out.startswith("usage: topodoc")
    assert r.err == ""


def test_the_core_commands_exist():
    assert {"validate", "export", "impact", "schema"} <= set(commands())


@pytest.mark.parametrize(
    "args",
    [["frobnicate"], ["validate", "--format", "xml"], ["impact", "--bogus"], ["schema", "extra"]],
)
def test_usage_errors_exit_2(run, args):
    r = run(*args)
    assert r.code == 2
    assert "usage: topodoc" in r.err
    assert r.out == ""


def test_version(run):
    r = run("--version")
    assert r.code == 0
    assert r.out.startswith("topodoc ")


def test_internal_errors_are_reported_without_a_traceback(run, monkeypatch, capsys):
    from topodoc.cli import common
    from topodoc.cli import main as cli

    def boom(path):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(common, "load_topology", boom)
    code = cli.main(["validate", str(LAB)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "topodoc validate: internal error: RuntimeError: simulated bug (set "
        "TOPODOC_DEBUG=1 for a traceback, and please report it)\n"
    )


def test_subprocess_validate_and_impact_on_the_seed_lab():
    for args, first in (
        (["validate", "--show-silenced"], "topology/kubernetes.yaml:19:11: silenced:"),
        (["impact"], "FAILURE OF"),
    ):
        proc = subprocess.run(
            [TOPODOC, *args], capture_output=True, text=True, timeout=60, cwd=REPO
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(first)
        assert "Traceback" not in proc.stdout + proc.stderr


def test_subprocess_schema_and_help():
    proc = subprocess.run([TOPODOC, "schema"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["title"] == "topodoc topology, version 1"
    proc = subprocess.run([TOPODOC, "impact", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--object ID" in proc.stdout
