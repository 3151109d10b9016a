"""Fixtures: the lab's site built once per session, and small projects in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx_builds import ROOT, Build, Project, make_project, sphinx_build


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The lab's documentation site, built once with -W (as the README builds it)."""
    out = tmp_path_factory.mktemp("site") / "html"
    return sphinx_build(ROOT / "docs", out, "-W", "--keep-going", "-j", "2", confdir=ROOT)
