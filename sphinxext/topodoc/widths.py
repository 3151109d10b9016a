"""The width (points) each diagram was fitted to (:mod:`topodoc.diagrams.fit`), with the
hash of the DOT it was fitted from, by page and selection, kept next to the doctrees between
builds: diagrams are drawn while pages are written, after Sphinx has saved its environment.
Read once per build, saved once, at its end.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.builders import Builder

from topodoc.util.atomic import write_text

FILE = "topodoc-fitted.json"
#: Diagram name -> (hash of the DOT it was fitted from, the width it was fitted to).
Widths = dict[str, tuple[str, float]]
#: File -> (widths by diagram, widths as read): loaded with the first diagram drawn.
_LOADED: dict[Path, tuple[Widths, Widths]] = {}


def fitted_widths(builder: Builder) -> Widths:
    """The widths of this build's doctree folder, to read and update in place."""
    path = Path(builder.doctreedir, FILE)
    if path not in _LOADED:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        widths = {
            name: (value[0], float(value[1]))
            for name, value in (data.items() if isinstance(data, dict) else ())
            if isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and isinstance(value[1], int | float)
            and value[1] > 0
        }  # anything else (an older file's bare widths) is fitted again
        _LOADED[path] = widths, dict(widths)
    return _LOADED[path][0]


def save_fitted_widths(builder: Builder) -> None:
    """Save the widths when a diagram of this build changed one (a build that drew none
    never loaded them)."""
    path = Path(builder.doctreedir, FILE)
    if path not in _LOADED:
        return
    widths, before = _LOADED[path]
    if widths != before:
        try:  # unsaved, the next build only fits those diagrams again
            write_text(path, json.dumps(widths, sort_keys=True, ensure_ascii=False), durable=False)
        except OSError:
            return
        _LOADED[path] = widths, dict(widths)
