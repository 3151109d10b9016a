"""Fixtures of the drift CLI tests: a small libvirt lab, and running ``topodoc`` in-process
(``topodoc.cli.main.main``) or as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from topodoc.cli.main import main

from .lab import Lab, write_lab

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.servers


@dataclass
class Run:
    """One finished ``topodoc`` command."""

    code: int
    out: str
    err: str


def _checked(run: Run) -> Run:
    for stream in (run.out, run.err):
        assert "Traceback" not in stream, stream
        assert "internal error" not in stream, stream
    return run


@pytest.fixture
def topodoc(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``topodoc(*args)``: run the CLI in this process; never a traceback."""

    def run(*args: object) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return _checked(Run(code, out, err))

    return run


def topodoc_process(*args: object, cwd: Path | None = None, timeout: float = 60) -> Run:
    """Run the installed ``topodoc`` command as a separate process."""
    script = Path(sys.executable).with_name("topodoc")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "topodoc.cli.main"]
    env = {k: v for k, v in os.environ.items() if k != "TOPODOC_DEBUG"}
    done = subprocess.run([*command, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return _checked(Run(done.returncode, done.stdout, done.stderr))


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    """The small libvirt lab, in sync with its topology."""
    return write_lab(tmp_path / "lab")
