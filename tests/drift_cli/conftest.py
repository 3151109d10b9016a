"""Fixtures of the drift CLI tests: a small libvirt lab, and running ``topodoc`` in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import Run, run_in_process

from .lab import Lab, write_lab


@pytest.fixture
def topodoc(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``topodoc(*args)``: run the CLI in this process; never a traceback."""
    return lambda *args: run_in_process(capsys, *args)


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    """The small libvirt lab, in sync with its topology."""
    return write_lab(tmp_path / "lab")
