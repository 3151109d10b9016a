"""Fixtures: the lab's site built once per session, and small projects in tmp_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_builds import ROOT, Build, Project, make_project, sphinx_build


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo lab's drift report, written as the README's first command writes it."""
    report = tmp_path_factory.mktemp("drift") / "demo.json"
    done = subprocess.run(
        [sys.executable, "-m", "topodoc.cli.main", "drift", "--demo", "-o", f"json={report}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and report.is_file(), done.stderr  # 2: incomplete, on purpose
    return report


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, demo_report: Path) -> Build:
    """The lab's documentation site with the demo's drift report, built once with -W (as
    the README builds it)."""
    out = tmp_path_factory.mktemp("site") / "html"
    return sphinx_build(
        ROOT / "docs",
        out,
        "-W",
        "--keep-going",
        "-j",
        "2",
        "-D",
        f"topodoc_drift_report={demo_report}",
        confdir=ROOT,
    )
