"""Running Graphviz's ``dot``: formats, a timeout, flags for big graphs, and CJK fonts."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

from topodoc.errors import TopodocError

FORMATS = ("svg", "png", "pdf", "cmapx")
#: Above this many nodes, or edges, ``dot`` trades some layout quality for time.
BIG_GRAPH_NODES = 1000
BIG_GRAPH_EDGES = 2000
BIG_GRAPH_FLAGS = ("-Gnslimit=2", "-Gmclimit=0.2", "-Gremincross=false")
INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; Fedora: dnf "
    "install graphviz; macOS: brew install graphviz)"
)

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


class DotError(TopodocError):
    """``dot`` is missing or failed; the message says which, with its error output."""


class DotTimeout(DotError):
    """``dot`` ran longer than allowed and was stopped."""


def graph_size(source: str) -> tuple[int, int]:
    """Roughly how many nodes and edges a DOT text has: one statement per line, quoted ids."""
    nodes = edges = 0
    for line in source.splitlines():
        head = _QUOTED.sub('""', line).split("[", 1)[0].strip().rstrip(";").strip()
        if "->" in head or "--" in head:
            edges += 1
        elif head == '""':
            nodes += 1
    return nodes, edges


def run_dot(source: str, fmt: str, *, timeout_s: float = 30.0) -> bytes:
    """``source`` laid out and rendered by ``dot`` as ``fmt`` (one of :data:`FORMATS`).

    ``dot`` reads and writes unnamed temporary files, not pipes: a build may fork
    (``sphinx-build -j``) while a layout runs in another thread, and a forked process holding
    a copy of a pipe's write end would keep its reader waiting for an end that never comes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})")
    exe = shutil.which("dot")
    if exe is None:
        raise DotError(f"Graphviz 'dot' was not found on PATH: {INSTALL_HINT}")
    nodes, edges = graph_size(source)
    big = nodes > BIG_GRAPH_NODES or edges > BIG_GRAPH_EDGES
    args = [exe, f"-T{fmt}", *(BIG_GRAPH_FLAGS if big else ())]
    with (
        tempfile.TemporaryFile() as given,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        given.write(source.encode("utf-8"))
        given.seek(0)
        try:
            proc = subprocess.Popen(args, stdin=given, stdout=out, stderr=err)
        except OSError as exc:
            raise DotError(f"cannot run {exe}: {exc}") from None
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise DotTimeout(
                f"dot did not finish within {timeout_s:g} s ({nodes} nodes, {edges} "
                "edges): raise the timeout or lower the node budget"
            ) from None
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip() or "no error output"
            raise DotError(f"dot failed (exit {proc.returncode}): {message}")
        out.seek(0)
        return out.read()


def cjk_font_available() -> bool:
    """Whether fontconfig knows a font covering Chinese (without one, PNG/PDF show boxes)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return False
    try:
        found = subprocess.run(
            [exe, ":lang=zh", "family"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())
