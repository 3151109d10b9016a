"""The extension's warnings: one Sphinx type, ``topodoc``, with a subtype per cause.

Each can be silenced with ``suppress_warnings = ["topodoc.<subtype>"]`` (or ``"topodoc"``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger("sphinxext.topodoc")

#: subtype -> when it is emitted (the manual lists these).
SUBTYPES = {
    "config": "a configuration value that cannot be used (its default is used instead)",
    "topology": "a problem in the topology, located at its YAML FILE:LINE:COL",
    "directive": "a directive with a bad option value or an unknown view, object or table",
    "ref": "a topo role naming an unknown object, or one of another kind",
    "duplicate": "an object given two entries (topodoc-object without :no-index: twice)",
    "collapse": "a diagram over the node budget, drawn collapsed",
    "timeout": "a Graphviz layout that took longer than topodoc_layout_timeout",
    "dot": "Graphviz failed or is not installed",
    "font": "a PNG or PDF diagram requested without a CJK font installed",
    "pages": "the reference directory holds files the extension did not write",
    "drift": "a drift report (topodoc_drift_report, topodoc-drift) that cannot be read",
}

Location = str | nodes.Node | tuple[str, int] | None


def warn(subtype: str, message: str, location: Location = None) -> None:
    """Emit a ``topodoc.<subtype>`` warning at ``location`` (a node, "FILE:LINE" or docname)."""
    logger.warning(message, type="topodoc", subtype=subtype, location=location)


def info(message: str) -> None:
    logger.info(message)


def verbose(message: str) -> None:
    logger.verbose(message)
