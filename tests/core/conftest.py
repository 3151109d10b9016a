"""Fixtures of the core tests: small topologies in tmp_path, and ``topodoc`` run in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import Run, run_in_process
from tests.support.files import write_files


@pytest.fixture
def topo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a topology directory ``topo/`` in tmp_path and work from tmp_path.

    Problems are then printed as ``topo/FILE:LINE:COL``.
    """
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes], name: str = "topo") -> Path:
        write_files(tmp_path / name, files)
        return Path(name)

    return make


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``topodoc ARGS`` in-process; no run may print a traceback."""
    return lambda *args: run_in_process(capsys, *args)
