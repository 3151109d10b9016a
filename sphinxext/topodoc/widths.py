"""The width (points) each diagram was fitted to (:mod:`topodoc.diagrams.fit`), by page and
selection, kept next to the doctrees between builds: diagrams are drawn while pages are
written, after Sphinx has saved its environment. Read once per build, saved once, at its end.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.builders import Builder

from topodoc.util.atomic import write_text

FILE = "topodoc-fitted.json"
#: File -> (widths by diagram, widths as read): loaded with the first diagram drawn.
_LOADED: dict[Path, tuple[dict[str, float], dict[str, float]]] = {}


def fitted_widths(builder: Builder) -> dict[str, float]:
    """The widths of this build's doctree folder, to read and update in place."""
    path = Path(builder.doctreedir, FILE)
    if path not in _LOADED:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        widths = (
            {k: float(v) for k, v in data.items() if isinstance(v, int | float) and v > 0}
            if isinstance(data, dict)
            else {}
        )
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
