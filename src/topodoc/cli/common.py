"""What every ``topodoc`` command shares: exit codes, the topology argument, loading a
topology (the program's edge, where the cyclic collector is tuned), writing an output."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from topodoc.cli.style import color_wanted, located
from topodoc.errors import TopodocError
from topodoc.reading.load import Loaded, SourceError, load_topology
from topodoc.util import gcpause
from topodoc.util.atomic import write_bytes, write_text
from topodoc.util.text import plural

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
DEFAULT_PATH = "topology"


class UsageError(TopodocError):
    """A mistake on the command line or in a file named on it: exit 2 with a message."""


class InvalidTopology(TopodocError):
    """The topology has errors (already printed); the command cannot go on."""

    def __init__(self, errors: int, code: int) -> None:
        super().__init__(
            f"the topology has {plural(errors, 'error')}; fix them first (topodoc validate)"
        )
        self.code = code


def exit_codes(*lines: str) -> str:
    """A command's epilog: what each exit code means."""
    return "exit codes:\n" + "\n".join(f"  {line}" for line in lines)


def add_path_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_PATH,
        help="topology directory or file (default: topology/)",
    )


def load(path: str) -> Loaded:
    """The loaded topology; an unusable path is a :class:`UsageError`.

    A command loads one topology and keeps it to the end, so the load runs with the cyclic
    collector paused and what it made is frozen (see :mod:`topodoc.util.gcpause`).
    """
    try:
        with gcpause.paused(freeze=True):
            return load_topology(path)
    except SourceError as exc:
        raise UsageError(str(exc)) from None


def load_valid(path: str) -> Loaded:
    """The loaded topology, which has no errors; else its problems are printed and
    :class:`InvalidTopology` is raised."""
    loaded = load(path)
    if not loaded.ok:
        print_problems(loaded, sys.stderr)
        io_failure = any(p.rule == "io" for p in loaded.errors)
        raise InvalidTopology(len(loaded.errors), EXIT_ERROR if io_failure else EXIT_INVALID)
    return loaded


def print_problems(loaded: Loaded, out: TextIO) -> None:
    """Each problem as ``FILE:LINE:COL: SEVERITY: MESSAGE [RULE]``, the severity highlighted
    on a terminal."""
    on = color_wanted(out)
    for problem in loaded.problems:
        print(
            located(problem.loc, problem.severity, f"{problem.message} [{problem.rule}]", on),
            file=out,
        )


def write_output(path: str | os.PathLike[str], data: str | bytes) -> None:
    """``data`` written to ``path`` whole or not at all; a failure is a :class:`UsageError`."""
    try:
        if isinstance(data, bytes):
            write_bytes(path, data)
        else:
            write_text(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
