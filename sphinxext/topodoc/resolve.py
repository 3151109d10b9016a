"""Placeholders -> content, once every document has been read (``doctree-resolved``)."""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx

from .cards import object_card
from .context import Context
from .diagrams import diagram_nodes
from .domain import topo_domain
from .driftnodes import drift_nodes
from .nodes import (
    Placeholder,
    diagram_placeholder,
    drift_placeholder,
    impact_placeholder,
    object_placeholder,
    table_placeholder,
)
from .tablenodes import impact_table_node, table_node

RESOLVERS: dict[type[Placeholder], Callable[[Context, Placeholder], list[nodes.Node]]] = {
    diagram_placeholder: diagram_nodes,
    table_placeholder: table_node,
    impact_placeholder: impact_table_node,
    object_placeholder: object_card,
    drift_placeholder: drift_nodes,
}


def resolve_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Every placeholder of ``docname`` resolved, HTML tables in a scroll box; what they read
    noted for the next build."""
    domain = topo_domain(app.env)
    ahead = domain.layouts_ahead(app.builder)
    if ahead is not None:
        ahead.advance(docname)
    context = Context(app.builder, domain, docname)
    html = app.builder.format == "html"
    for node in list(doctree.findall(Placeholder)):
        if isinstance(node, object_placeholder):
            context.keys.add(f"at:{node['object']}")  # its card says where it is defined
        elif isinstance(node, drift_placeholder):
            context.keys.add("*")  # the findings' objects
        made = RESOLVERS[type(node)](context, node)
        node.replace_self(made)
        if html:
            for tree in made:
                for table in list(tree.findall(nodes.table)):
                    scrolled(table)
    domain.note_written(docname, context.keys)


def scrolled(table: nodes.table) -> None:
    """``table`` inside a box that scrolls sideways when the table is wider than the column,
    as furo does for the tables it sees (its transform has run before these exist)."""
    box = nodes.container(classes=["table-wrapper", "topodoc-table-wrapper"])
    table.replace_self(box)
    box += table
