"""Helpers of the core tests: small topologies in tmp_path, and ``topodoc`` run in-process."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from topodoc.cli.main import main

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "topology"
TOPODOC = REPO / ".venv" / "bin" / "topodoc"

#: A problem line: FILE:LINE:COL: SEVERITY: MESSAGE [RULE]
LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
                  r"(?P<message>.*) \[(?P<rule>[a-z0-9-]+)\]$")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[dict[str, str]]:
        """The problem lines of standard output (validate) or standard error (other commands)."""
        return [m.groupdict() for line in (self.out + self.err).splitlines()
                if (m := LINE.match(line))]

    def problem(self, rule: str) -> dict[str, str]:
        """The one problem with ``rule``."""
        found = [p for p in self.problems if p["rule"] == rule]
        assert len(found) == 1, f"expected one [{rule}], got {found}\n{self.out}{self.err}"
        return found[0]

    def where(self, rule: str) -> str:
        p = self.problem(rule)
        return f"{p['file']}:{p['line']}:{p['col']}"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (name -> YAML text, dedented; or raw bytes) below ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


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

    def call(*args: str | Path) -> Run:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        result = Run(code, captured.out, captured.err)
        assert "Traceback" not in result.out + result.err
        assert "internal error" not in result.err, result.err
        return result

    return call
