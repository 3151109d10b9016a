"""``topodoc render`` end to end through ``topodoc.cli.main.main``: files, warnings, exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.paths import LAB as TOPOLOGY
from topodoc.cli import render as render_cli
from topodoc.cli.main import main
from topodoc.diagrams.dot import DotOptions, render_dot
from topodoc.diagrams.views import select, selection_for_view

from .topologies import big_yaml


def render(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["render", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_svg_of_a_view(capsys, tmp_path):
    target = tmp_path / "stack.svg"
    code, _, err = render(capsys, str(TOPOLOGY), "--view", "zcloud-stack", "-o", str(target))
    assert code == 0, err
    assert f"wrote {target} (21 objects)" in err
    svg = ET.fromstring(target.read_bytes())
    assert svg.find(".//{http://www.w3.org/2000/svg}g[@id='os-k8s-m-1']") is not None
    assert "DL360 上的嵌套虚拟化" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["stack.svg"]  # no temp file left


def test_dot_output_is_what_sphinx_gets(capsys, tmp_path, lab):
    target = tmp_path / "lab.dot"
    code, _, _ = render(
        capsys, str(TOPOLOGY), "--view", "lab", "--theme", "dark", "-o", str(target)
    )
    assert code == 0
    expected = render_dot(
        lab, select(lab, selection_for_view(lab, "lab")), DotOptions(theme="dark")
    )
    assert target.read_text(encoding="utf-8") == expected.source


def test_selection_options_change_the_view(capsys, tmp_path):
    target = tmp_path / "x.dot"
    code, _, _ = render(
        capsys,
        str(TOPOLOGY),
        "--view",
        "physical",
        "--layer",
        "physical",
        "--direction",
        "lr",
        "--title",
        "Hosts",
        "--no-legend",
        "-o",
        str(target),
    )
    assert code == 0
    source = target.read_text(encoding="utf-8")
    assert '"home-rack"' not in source and '"zcloud-2" [' in source
    assert 'rankdir="LR"' in source and 'label="Hosts"' in source
    assert "topodoc:legend" not in source
    code, _, _ = render(
        capsys, str(TOPOLOGY), "--root", "zcloud", "--depth", "0", "-o", str(target)
    )
    assert code == 0 and '"zcloud-2"' not in target.read_text(encoding="utf-8")


def test_png_and_pdf_warn_without_a_cjk_font(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(render_cli, "cjk_font_available", lambda: False)
    code, _, err = render(
        capsys, str(TOPOLOGY), "--view", "physical", "-o", str(tmp_path / "p.png")
    )
    assert code == 0
    assert "warning: no font for Chinese (CJK) text is installed" in err
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    code, _, err = render(
        capsys, str(TOPOLOGY), "--view", "physical", "-o", str(tmp_path / "p.svg")
    )
    assert code == 0 and "CJK" not in err
    monkeypatch.setattr(render_cli, "cjk_font_available", lambda: True)
    code, _, err = render(
        capsys, str(TOPOLOGY), "--view", "physical", "-o", str(tmp_path / "p.pdf")
    )
    assert code == 0 and "warning" not in err
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_collapsing_is_reported(capsys, tmp_path):
    code, _, err = render(
        capsys,
        str(TOPOLOGY),
        "--view",
        "lab",
        "--node-budget",
        "40",
        "-o",
        str(tmp_path / "lab.svg"),
    )
    assert code == 0
    assert "6 groups of objects drawn as one node to keep within the node budget of 40" in err
    assert "--show-collapsed lists them" in err and "  zcloud: 3 VMs" not in err
    assert "some collapsed" in err
    code, _, err = render(
        capsys,
        str(TOPOLOGY),
        "--view",
        "lab",
        "--node-budget",
        "40",
        "--show-collapsed",
        "-o",
        str(tmp_path / "lab.svg"),
    )
    assert code == 0
    assert "  zcloud: 3 VMs with the same relations" in err
    assert (
        len([line for line in err.splitlines() if line.startswith("topodoc render: warning:   ")])
        == 6
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "zcloud-stak"], "unknown view 'zcloud-stak'; did you mean 'zcloud-stack'?"),
        (["--layer", "phys"], "unknown layer 'phys'; did you mean 'physical'?"),
        (["--root", "nope"], "unknown object (in root) 'nope'"),
        (["--depth", "x"], "depth must be a whole number"),
        (["--node-budget", "0"], "--node-budget: node_budget must be a whole number >= 1"),
        (["--timeout", "0"], "--timeout must be more than 0 seconds"),
    ],
)
def test_bad_options_exit_2_with_a_message(capsys, tmp_path, args, message):
    target = tmp_path / "x.svg"
    code, _, err = render(capsys, str(TOPOLOGY), *args, "-o", str(target))
    assert code == 2
    assert err.startswith("topodoc render: error: ") and message in err
    assert not target.exists()


def test_unknown_suffix_and_unusable_paths_exit_2(capsys, tmp_path):
    code, _, err = render(capsys, str(TOPOLOGY), "-o", str(tmp_path / "x.gif"))
    assert code == 2 and "must end in .svg, .png, .pdf, .dot" in err
    code, _, err = render(capsys, str(tmp_path / "missing"), "-o", str(tmp_path / "x.svg"))
    assert code == 2 and "error" in err
    (tmp_path / "file").write_text("")
    code, _, err = render(
        capsys, str(TOPOLOGY), "--view", "physical", "-o", str(tmp_path / "file" / "x.dot")
    )
    assert code == 2 and "cannot write" in err
    code, _, err = render(
        capsys,
        str(TOPOLOGY),
        "--view",
        "physical",
        "-o",
        str(tmp_path / "no-such-folder" / "x.dot"),
    )
    assert code == 2 and "cannot write" in err and "No such file or directory" in err


def test_invalid_topology_exits_1_with_its_problems(capsys, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "version: 1\nvms:\n  - {id: v, runs_on: nowhere, platform: libvirt}\n"
    )
    code, _, err = render(capsys, str(tmp_path), "-o", str(tmp_path / "x.svg"))
    assert code == 1
    assert "bad.yaml:3:" in err and "nowhere" in err
    assert not (tmp_path / "x.svg").exists()


def test_graphviz_timeout_and_absence_exit_2(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "lab.yaml").write_text(big_yaml(), encoding="utf-8")
    code, _, err = render(
        capsys,
        str(folder),
        "--node-budget",
        "100000",
        "--timeout",
        "0.2",
        "-o",
        str(tmp_path / "big.svg"),
    )
    assert code == 2 and "dot did not finish within 0.2 s" in err
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = render(capsys, str(TOPOLOGY), "-o", str(tmp_path / "x.svg"))
    assert code == 2 and "install Graphviz" in err
    assert not Path(tmp_path / "x.svg").exists()
