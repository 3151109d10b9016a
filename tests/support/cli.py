"""Running ``topodoc``: in this process (fast, with pytest's capture) or as a real command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from topodoc.cli.main import main

from .paths import TOPODOC

#: A problem line: FILE:LINE:COL: SEVERITY: MESSAGE [RULE]
LINE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
    r"(?P<message>.*) \[(?P<rule>[a-z0-9-]+)\]$"
)


@dataclass
class Run:
    """One finished ``topodoc`` command."""

    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[dict[str, str]]:
        """The problem lines of standard output (validate) or standard error (other commands)."""
        return [
            m.groupdict() for line in (self.out + self.err).splitlines() if (m := LINE.match(line))
        ]

    def problem(self, rule: str) -> dict[str, str]:
        """The one problem with ``rule``."""
        found = [p for p in self.problems if p["rule"] == rule]
        assert len(found) == 1, f"expected one [{rule}], got {found}\n{self.out}{self.err}"
        return found[0]

    def where(self, rule: str) -> str:
        p = self.problem(rule)
        return f"{p['file']}:{p['line']}:{p['col']}"


def checked(run: Run) -> Run:
    """``run``, after checking it printed no traceback and reported no internal error."""
    for stream in (run.out, run.err):
        assert "Traceback" not in stream, stream
    assert "internal error:" not in run.err, run.err
    return run


def run_in_process(capsys: pytest.CaptureFixture[str], *args: object) -> Run:
    """``topodoc ARGS`` in this process; argparse's exits (``--help``, usage) become codes."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return checked(Run(code, out, err))


def run_process(*args: object, cwd: Path | None = None, timeout: float = 60) -> Run:
    """``topodoc ARGS`` as the installed command, in a process of its own."""
    command = [str(TOPODOC)] if TOPODOC.exists() else [sys.executable, "-m", "topodoc"]
    env = {k: v for k, v in os.environ.items() if k != "TOPODOC_DEBUG"}
    done = subprocess.run(
        [*command, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    return checked(Run(done.returncode, done.stdout, done.stderr))
