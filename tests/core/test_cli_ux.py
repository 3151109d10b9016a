"""The command line as people used to git, kubectl or ruff expect it: a command list, unknown
options named with the command's usage, help for every option and exit codes in every
command's help, output that fits the terminal, colour by the usual variables."""

from __future__ import annotations

import argparse
import json
import os
import pty
import subprocess

import pytest

from tests.support.paths import LAB, TOPODOC
from topodoc.cli.main import build_parser

BROKEN = """\
version: 1
hosts:
  - {id: h, memory: 8GiB}
vms:
  - {id: v, runs_on: hh, platform: libvirt}
"""


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_topodoc_alone_lists_the_commands_and_exits_2(run):
    r = run()
    assert r.code == 2
    for command in _commands():
        assert f"\n    {command} " in r.out or f"\n    {command}\n" in r.out, command
    assert "exit codes" in r.out.lower()


def test_an_unknown_option_is_named(run):
    r = run("--bogus")
    assert r.code == 2
    assert r.err.splitlines()[-1] == "topodoc: error: unknown option --bogus"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--bogus"], "unknown option --bogus"),
        (["validate", "--fromat", "json"], "unknown option --fromat; did you mean '--format'?"),
        (["impact", "--widht=80"], "unknown option --widht=80; did you mean '--width'?"),
        (["validate", "a", "b"], "unexpected argument(s): b"),
    ],
)
def test_a_command_s_mistake_shows_that_command_s_usage(run, args, message):
    r = run(*args)
    assert r.code == 2
    assert r.err.startswith(f"usage: topodoc {args[0]} ")
    assert r.err.splitlines()[-1] == f"topodoc {args[0]}: error: {message}"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_has_help_and_every_command_states_its_exit_codes(command):
    parser = _commands()[command]
    for action in parser._actions:
        assert action.help and action.help != argparse.SUPPRESS, (command, action.dest)
    text = parser.format_help()
    assert "exit codes:\n  0  " in text and "\n  2  " in text, command


def test_impact_fits_the_width(run):
    wide = run("impact", LAB)
    assert max(len(line) for line in wide.out.splitlines()) > 200  # a pipe: the whole table
    for width in (60, 100):
        r = run("impact", LAB, "--width", str(width))
        lines = r.out.splitlines()
        assert max(len(line) for line in lines) <= width
        assert lines[0] == "zcloud (host)" and lines[1].startswith("  down with it  ")
        # every entry of the table is still there, whole
        for cell in ("z-k8s 2/6 (=1/3)", "zcloud-openstack 3/3 (=1)", "17 VMs"):
            assert cell in r.out


def test_plurals(topo, run):
    r = run("validate", topo({"a.yaml": "version: 1\nsites:\n  - {id: s}\n"}))
    assert r.err.endswith(": 0 errors, 0 warnings, 0 silenced; 1 object in 1 file\n")
    r = run("impact", LAB, "--object", "zcloud-2", "--object", "z-etcd")
    assert "1 VM " in r.out and "1 service, 4 clusters" in r.out and "VMs" not in r.out


def test_validate_json_on_a_missing_path_is_still_json(run, tmp_path):
    r = run("validate", tmp_path / "nowhere", "--format", "json")
    assert r.code == 2
    data = json.loads(r.out)
    assert (data["ok"], data["errors"], data["objects"]) == (False, 1, 0)
    [problem] = data["problems"]
    assert problem["rule"] == "io" and "no such file or directory" in problem["message"]


def _colour_run(tmp_path, env: dict[str, str], tty: bool) -> str:
    """``topodoc validate`` on a broken lab, its output through a terminal or a pipe."""
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / "a.yaml").write_text(BROKEN, encoding="utf-8")
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")
    }
    if not tty:
        return subprocess.run(
            [TOPODOC, "validate", "t"],
            cwd=tmp_path,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [TOPODOC, "validate", "t"],
        cwd=tmp_path,
        env={**base, **env},
        stdout=follower,
        stderr=subprocess.DEVNULL,
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize(
    ("env", "tty", "coloured"),
    [
        ({"TERM": "xterm"}, True, True),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "xterm", "NO_COLOR": "1"}, True, False),
        ({}, False, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "0"}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
    ],
)
def test_colour_follows_the_terminal_and_the_usual_variables(tmp_path, env, tty, coloured):
    out = _colour_run(tmp_path, env, tty)
    assert "t/a.yaml:5:22:" in out
    assert ("\x1b[1;31merror:\x1b[0m v: runs_on names 'hh'" in out) == coloured, out
    assert ("\x1b[" in out) == coloured
