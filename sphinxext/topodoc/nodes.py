"""The extension's doctree nodes.

Directives leave placeholders, which the ``doctree-resolved`` handler replaces once every
document has been read (so they can link to any object's entry). A diagram becomes a
:class:`topodoc_graph`: Sphinx's own ``graphviz`` node, drawn by this extension's visitors
so that Graphviz runs with a timeout and the diagram follows the page's theme.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.ext.graphviz import graphviz


class Placeholder(nodes.General, nodes.Element):
    """Something a directive asked for, resolved after all documents are read."""


class diagram_placeholder(Placeholder):
    """``topodoc-diagram``: ``selection`` (a :class:`~topodoc.model.selection.Selection`) and
    ``legend``."""


class table_placeholder(Placeholder):
    """``topodoc-table``: ``table``, ``columns``, ``filter``."""


class impact_placeholder(Placeholder):
    """``topodoc-impact``: ``objects``, ``cluster``."""


class drift_placeholder(Placeholder):
    """``topodoc-drift``: ``path`` (None: the configured report), ``states`` listed."""


class object_placeholder(Placeholder):
    """``topodoc-object``: ``object``; its ``ids`` hold the entry's anchor unless no-index."""


class topodoc_graph(graphviz):
    """A diagram's DOT (``code``), in Sphinx's graphviz node format, with its ``theme``."""
