"""Small builders of docutils nodes: paragraphs, field lists, bullet lists and tables."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from docutils import nodes

Cell = nodes.Node | str
#: A table cell: one cell, or several (comma-joined).
Cells = Cell | list[Cell] | tuple[Cell, ...]


def inline(cell: Cell) -> nodes.Node:
    return nodes.Text(cell) if isinstance(cell, str) else cell


#: URL schemes that become links; any other URL (``javascript:``, ``data:``, ...) stays text.
LINK_SCHEMES = ("http", "https")


def url_cell(url: str) -> nodes.Node:
    """``url`` as a link when it is an http(s) URL with a host, else as plain text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return nodes.Text(url)
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc and url == url.strip():
        return nodes.reference(url, url, refuri=url)
    return nodes.Text(url)


def para(*cells: Cell) -> nodes.paragraph:
    return nodes.paragraph("", "", *(inline(c) for c in cells))


def joined(cells: Sequence[Cell], sep: str = ", ") -> list[nodes.Node]:
    """``cells`` separated by ``sep`` (for a paragraph or a field body)."""
    out: list[nodes.Node] = []
    for index, cell in enumerate(cells):
        if index:
            out.append(nodes.Text(sep))
        out.append(inline(cell))
    return out


def fields(rows: Sequence[tuple[str, Cells]]) -> nodes.table:
    """``name | value`` rows, names as the stub column; a sequence value is comma-joined."""
    tgroup = nodes.tgroup(cols=2)
    tgroup += nodes.colspec(colwidth=1, stub=1)
    tgroup += nodes.colspec(colwidth=3)
    tgroup += nodes.tbody("", *(_row([name, value]) for name, value in rows))
    return nodes.table("", tgroup, classes=["topodoc-fields"])


def bullets(items: Sequence[nodes.Node | Sequence[nodes.Node]]) -> nodes.bullet_list:
    """One list item per entry: a node, or a paragraph's content then nested lists."""
    out = nodes.bullet_list()
    for item in items:
        children = [item] if isinstance(item, nodes.Node) else list(item)
        first = [c for c in children if not isinstance(c, nodes.bullet_list)]
        rest = [c for c in children if isinstance(c, nodes.bullet_list)]
        out += nodes.list_item("", para(*first), *rest)
    return out


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cells]],
    caption: str | None = None,
    classes: Sequence[str] = (),
    ids: Sequence[str] = (),
) -> nodes.table:
    """A table with a header row; a cell is text, a node or a list of them (comma-joined)."""
    tgroup = nodes.tgroup(cols=len(headers))
    for _ in headers:
        tgroup += nodes.colspec(colwidth=1)
    tgroup += nodes.thead("", _row(headers))
    tgroup += nodes.tbody("", *(_row(r) for r in rows))
    out = nodes.table("", classes=["topodoc-table", *classes], ids=list(ids))
    if caption:
        out += nodes.title(caption, caption)
    out += tgroup
    return out


def _row(cells: Sequence[Cells]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        parts = [p for p in (cell if isinstance(cell, list | tuple) else [cell]) if p != ""]
        row += nodes.entry("", *([para(*joined(parts))] if parts else []))
    return row
