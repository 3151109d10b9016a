"""Fixtures of the diagram and table tests: the real lab, small topologies, a big one."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from topodoc.model.objects import Model

from .topologies import SMALL, TOPOLOGY, big_yaml, load_valid


@pytest.fixture(scope="session")
def lab() -> Model:
    """The real topology in topology/."""
    return load_valid(TOPOLOGY)


@pytest.fixture
def write_topology(tmp_path: Path) -> Callable[..., Path]:
    """Writes YAML files (name -> text) to a fresh directory and returns it."""
    def write(files: dict[str, str] | str, name: str = "topo") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in ({"lab.yaml": files} if isinstance(files, str) else files).items():
            (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
        return folder
    return write


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
