"""Writing a report in several formats at once: ``-o json=drift.json -o console=-``."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from topodoc.drift.reports.console import render_console
from topodoc.drift.reports.junit import render_junit
from topodoc.drift.reports.markdown import render_markdown
from topodoc.drift.reports.report import Report, ReportError, render_json
from topodoc.util.atomic import write_text
from topodoc.util.secrets import redact

FORMATS = ("console", "json", "junit", "markdown")


def parse_output(spec: str) -> tuple[str, str]:
    """``FORMAT=PATH`` (``-`` for standard output) -> (format, path)."""
    fmt, sep, path = spec.partition("=")
    fmt = fmt.strip()
    if not sep or not fmt or not path.strip():
        raise ReportError(
            f"output {spec!r}: expected FORMAT=PATH, e.g. json=drift.json or "
            "console=- for standard output"
        )
    if fmt not in FORMATS:
        raise ReportError(f"output {spec!r}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return fmt, path.strip()


def check_outputs(specs: list[str]) -> list[tuple[str, str]]:
    """The (format, path) of each ``FORMAT=PATH`` spec, once it is known each can be written:
    every file named once (``r.json``, ``./r.json`` and a link to it are one file; standard
    output once too), its directory there and writable, itself not a directory. Called
    before the scan, so a mistake costs no scan."""
    outputs = [parse_output(spec) for spec in specs]
    seen: dict[str, str] = {}
    for spec, (_, path) in zip(specs, outputs, strict=True):
        key = path if path == "-" else os.path.realpath(path)
        if key in seen:
            same = "standard output" if path == "-" else f"the same file, {key}"
            raise ReportError(
                f"output {path!r} is named more than once ({seen[key]!r} and "
                f"{spec!r} both write {same})"
            )
        seen[key] = spec
        problem = None if path == "-" else writable_problem(path)
        if problem:
            raise ReportError(f"output {spec!r}: cannot write {path}: {problem}")
    return outputs


def writable_problem(path: str) -> str | None:
    """Why file ``path`` cannot be written, or None."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "it is a directory"
    if not os.path.isdir(folder):
        return f"no such directory {folder}"
    if not os.access(folder, os.W_OK):
        return f"the directory {folder} is not writable"
    return None


def render(report: Report, fmt: str, *, color: bool = False, verbose: bool = False) -> str:
    """``report`` in format ``fmt``, secrets masked; ``color`` and ``verbose`` only affect the
    console."""
    if fmt == "console":
        text = render_console(report, color=color, verbose=verbose)
    elif fmt == "json":
        text = render_json(report)
    elif fmt == "junit":
        text = render_junit(report)
    else:
        text = render_markdown(report)
    return redact(text)


def write_outputs(
    report: Report,
    specs: list[str],
    *,
    color: bool = False,
    verbose: bool = False,
    stdout: TextIO | None = None,
) -> None:
    """Write ``report`` once per ``FORMAT=PATH`` spec; every spec is checked before any write.

    Files are replaced atomically; ``-`` writes to ``stdout`` (the only place colour goes).
    """
    outputs = check_outputs(specs)
    for (fmt, path), spec in zip(outputs, specs, strict=True):
        if path == "-":
            (stdout or sys.stdout).write(render(report, fmt, color=color, verbose=verbose))
            continue
        try:
            write_text(path, render(report, fmt, verbose=verbose))
        except OSError as exc:
            raise ReportError(
                f"output {spec!r}: cannot write {path}: {exc.strerror or exc}"
            ) from None
