"""Fixtures of the diagram and table tests: the real lab, small topologies, a big one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.files import write_files
from tests.support.paths import EXAMPLE, LAB
from topodoc.model.objects import Model

from .topologies import SMALL, big_yaml, load_valid


@pytest.fixture(scope="session")
def lab() -> Model:
    """The frozen copy of the example lab."""
    return load_valid(LAB)


@pytest.fixture(scope="session")
def example() -> Model:
    """The example lab as the site shows it (its views: the overview, the stack, ...)."""
    return load_valid(EXAMPLE)


@pytest.fixture
def write_topology(tmp_path: Path) -> Callable[..., Path]:
    """Writes YAML files (name -> text, or one text as ``lab.yaml``) to a directory."""
    return lambda files, name="topo": write_files(tmp_path / name, files)


@pytest.fixture
def topology(write_topology) -> Callable[[str], Model]:
    """A model from YAML text (which must be valid)."""
    return lambda text: load_valid(write_topology(text))


@pytest.fixture
def small(topology) -> Model:
    return topology(SMALL)


@pytest.fixture(scope="session")
def big(tmp_path_factory) -> Model:
    """20 hosts, 2,000 VMs, 10 clusters of 200 members, one network."""
    folder = tmp_path_factory.mktemp("big")
    (folder / "lab.yaml").write_text(big_yaml(), encoding="utf-8")
    return load_valid(folder)
