"""DOT text for a selection of the model: nested boxes for placement, edges for relations.

Each drawn object is a node whose ``id`` is the object's id; an object with things placed on
it is also a box (``subgraph cluster_*``, id ``cluster:ID``) holding its node and theirs.
Edges have ids ``SOURCE->TARGET:RELATION``; nodes standing for collapsed objects have ids
``collapsed:FIRST-ID``. The graph is named ``topodoc_`` and a hash of its content, so image
maps of different diagrams on one page do not clash. The same model and options give
byte-identical text: everything is sorted, and every id comes from the model.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape

from topodoc.diagrams.collapse import TOP, Plan, Summary, plan
from topodoc.diagrams.graphviz import FORMATS, DotError, DotTimeout, cjk_font_available, run_dot
from topodoc.diagrams.style import (
    ARROW_SAMPLES,
    BADGE_TEXT,
    BADGES,
    COLLAPSED,
    DEFAULT_FONT,
    LINE_SAMPLES,
    MAX_BADGES,
    MAX_ROLES,
    RELATIONS,
    SHAPES,
    THEME,
    THEMES,
    WORDS,
    Theme,
)
from topodoc.diagrams.views import Selected
from topodoc.model.facts import facts, summary
from topodoc.model.kinds import BY_NAME, KINDS, MACHINE_KINDS
from topodoc.model.objects import AnyObj, Model
from topodoc.util.suggest import unknown_name

__all__ = [
    "FORMATS",
    "DotError",
    "DotGraph",
    "DotOptions",
    "DotTimeout",
    "cjk_font_available",
    "quote",
    "render_dot",
    "run_dot",
]

LEGEND_ID = "topodoc:legend"
#: The node budget of an overview at most: it stays small whatever the lab's size.
OVERVIEW_NODES = 40
#: How many hidden ids a collapsed node's tooltip names.
TOOLTIP_IDS = 30
#: Node text size (points); at 100 % it is 13.3 CSS px.
FONT_SIZE = 11
LINE_HEIGHT = 14.0
NODE_PAD_W, NODE_PAD_H = 16.0, 9.0
BOX_PAD = 16.0
ACROSS_GAP, ALONG_GAP = 18.0, 25.0
#: How wide (points) a box's grid of what is inside it may grow: a diagram this wide shows
#: its 10 pt text at 10 px in a 760 px column (760 px = 570 pt; 10 pt = 13.3 px).
TARGET_ACROSS = 600.0
#: Boxes side by side in a box share its width from this many on (fewer: each may use all).
SHARED_BY = 4
#: A grid wider than this many times its height is a strip (rows are added while one fits).
MAX_FLAT = 2.5
#: How much wider than its text a node of these shapes is drawn.
SHAPE_WIDER = {"octagon": 1.4, "ellipse": 1.5, "parallelogram": 1.9, "cylinder": 1.1}


@dataclass(frozen=True)
class DotOptions:
    """How to draw: theme, font, node budget, legend, links (object id -> URL), tooltips, and
    how wide a box's grid may grow.

    Nodes with a link get ``target="_top"``, so links in an SVG embedded with ``<object>``
    open in the page. Invalid values raise ``ValueError``.
    """

    theme: str = "light"
    font: str = DEFAULT_FONT
    node_budget: int = 300
    legend: bool = True
    link: Callable[[str], str | None] | None = None
    tooltip: bool = True
    #: The legend's words in the page's language (the Sphinx extension passes its catalog's).
    translate: Callable[[str], str] = str
    across: float = TARGET_ACROSS  # how wide (points) a box's grid may grow

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(unknown_name("theme", self.theme, THEMES))
        if type(self.node_budget) is not int or self.node_budget < 1:
            raise ValueError(f"node_budget must be a whole number >= 1, not {self.node_budget!r}")
        if not self.across > 0:
            raise ValueError(f"across must be more than 0 points, not {self.across!r}")


@dataclass(frozen=True)
class DotGraph:
    """DOT text, the object ids drawn as nodes (sorted), and one message per collapse."""

    source: str
    nodes: tuple[str, ...]
    collapsed: tuple[str, ...]


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # control characters but the line feed


def quote(text: str) -> str:
    """``text`` as a quoted DOT string that ``dot`` shows exactly as written.

    Backslashes and quotes are escaped, line breaks become ``\\n``, other control characters
    are dropped, and ``&`` becomes ``&amp;`` (``dot`` reads entities in labels).
    """
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\n", "\\n") + '"'


#: The longest label or tooltip drawn, in characters: ``dot`` rejects the whole graph for a
#: quoted string over 16,384 bytes, which 2,000 characters stay under even as escaped UTF-8.
MAX_TEXT = 2000


def _short(text: str) -> str:
    """``text``, cut to :data:`MAX_TEXT` characters (the last one an ellipsis)."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={quote(_short(v))}" for k, v in attrs.items()) + "]"


class Html(str):
    """An HTML-like label: written as ``<...>``, not quoted."""


def _attrs_html(attrs: dict[str, str]) -> str:
    return (
        "["
        + ", ".join(
            f"{k}=<{v}>" if isinstance(v, Html) else f"{k}={quote(_short(v))}"
            for k, v in attrs.items()
        )
        + "]"
    )


def _html_text(text: str) -> str:
    text = _CONTROL.sub(
        "", _short(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    )
    return escape(text, quote=True).replace("\n", "<br/>")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Roughly how wide ``text`` is drawn, in points: wide (CJK) characters count double."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.5 for c in text)


@dataclass(frozen=True)
class _Line:
    text: str
    colour: str = ""
    bold: bool = False


@dataclass(frozen=True)
class _Size:
    across: float  # perpendicular to the rank direction, points
    along: float  # in the rank direction, points


def render_dot(model: Model, selected: Selected, options: DotOptions = DotOptions()) -> DotGraph:
    """The DOT text drawing ``selected``, collapsed to fit ``options.node_budget``."""
    overview = selected.selection.level == "overview"
    drawing = plan(
        model,
        selected,
        min(options.node_budget, OVERVIEW_NODES) if overview else options.node_budget,
    )
    bands: dict[str, tuple[str, str]] = {}
    if selected.selection.level == "stack":
        upwards = selected.selection.direction in ("BT", "RL")
        drawing, bands = _stacked(model, drawing, upwards, options.translate)
    writer = _Writer(model, selected, drawing, options, THEME[options.theme], bands)
    lines = writer.header(selected.selection.title, selected.selection.direction)
    lines += writer.container(TOP, 1)
    lines += writer.edges()
    lines += writer.rows()
    body = "\n".join(lines) + "\n"
    name = "topodoc_" + hashlib.sha1(body.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
    nodes = tuple(sorted(i for i, key in drawing.drawn_as.items() if i == key))
    return DotGraph(f'digraph "{name}" {{\n{body}}}\n', nodes, drawing.messages)


def _stacked(
    model: Model, drawing: Plan, upwards: bool, translate: Callable[[str], str]
) -> tuple[Plan, dict[str, tuple[str, str]]]:
    """``drawing`` as a stack of bands: physical hosts, each level of virtualization above
    them, clusters on top; in each band, what runs on one machine in a box ("on zcloud"),
    the machines that others run on nearest to the next band (last when ``upwards``).

    Returns the new plan and its boxes that are no objects: key -> (label, kind of colour),
    the labels' words passed through ``translate``.
    Objects that are neither machines nor clusters are left out."""

    def kind(key: str) -> str:
        return drawing.summaries[key].kind if key in drawing.summaries else model.objects[key].kind

    def first(key: str) -> str:
        return drawing.summaries[key].hidden[0] if key in drawing.summaries else key

    parent = {k: box for box, keys in drawing.children.items() for k in keys if box != TOP}
    keys = [k for keys in drawing.children.values() for k in keys]
    placed: dict[str, dict[str, list[str]]] = {}  # band -> machine below (or "") -> keys
    boxes: dict[str, tuple[str, str]] = {}
    for key in sorted(keys):
        what = kind(key)
        if what == "cluster":
            band, below = "band:9:clusters", ""
        elif what in MACHINE_KINDS:
            level = len(model.placement_chain(first(key))) - 1
            band = f"band:{min(level, 8)}"
            below = parent.get(key, "")
            while below and kind(below) not in MACHINE_KINDS:
                below = parent.get(below, "")
        else:
            continue
        placed.setdefault(band, {}).setdefault(below, []).append(key)
    children: dict[str, tuple[str, ...]] = {TOP: tuple(sorted(placed))}
    for band, groups in placed.items():
        depth = band.split(":")[1]
        words = {"0": "band_hosts", "1": "band_first", "2": "band_second", "9": "band_clusters"}
        label = (
            translate(WORDS[words[depth]])
            if depth in words
            else translate(WORDS["band_deeper"]).format(level=depth)
        )
        boxes[band] = (label, {"0": "host", "9": "cluster"}.get(depth, "vm"))
        inside = list(groups.pop("", []))
        for below, items in sorted(groups.items()):
            group = f"on:{below}"
            title = (
                drawing.summaries[below].label
                if below in drawing.summaries
                else model.objects[below].title
            )
            boxes[group] = (translate(WORDS["on"]).format(title=title), kind(below))
            children[group] = tuple(
                sorted(items, key=lambda k: (bool(drawing.children.get(k)) == upwards, k))
            )
            inside.append(group)
        children[band] = tuple(inside)
    drawn = {
        i: k
        for i, k in drawing.drawn_as.items()
        if k in set(keys) and (kind(k) == "cluster" or kind(k) in MACHINE_KINDS)
    }
    return Plan(children, drawing.summaries, drawn, drawing.messages), boxes


class _Writer:
    """Writes one diagram: boxes titled by their own label, badges, a grid per box, edges."""

    def __init__(
        self,
        model: Model,
        selected: Selected,
        drawing: Plan,
        options: DotOptions,
        theme: Theme,
        bands: dict[str, tuple[str, str]],
    ) -> None:
        self.model = model
        self.bands = bands
        self.selected = selected
        self.drawing = drawing
        self.options = options
        self.theme = theme
        self.across_is_width = selected.selection.direction in ("TB", "BT")
        self.kinds: set[str] = set()
        self.badge_kinds: set[str] = set()
        self.boxes = False
        self.planned = False  # a planned object is drawn: the legend says what dashes mean
        self.sizes: dict[str, _Size] = {}
        self.budgets: dict[str, float] = {}  # box key -> how wide its grid may grow
        self.order: dict[str, list[list[str]]] = {}  # box key -> its grid's rows
        self.badges: dict[str, dict[str, tuple[str, str]]] = {}  # key -> text -> (colour, rel)
        self.merged: dict[tuple[str, str, str], int] = {}
        self._sort_relations()

    def _sort_relations(self) -> None:
        drawn_as = self.drawing.drawn_as
        roles: dict[tuple[str, str, str], list[str]] = {}
        for edge in self.selected.edges:
            source, target = drawn_as.get(edge.source), drawn_as.get(edge.target)
            if source is None or target is None or source == target:
                continue
            if edge.relation in BADGES:
                hub_is_source = BADGES[edge.relation][2]
                carrier, hub = (target, source) if hub_is_source else (source, target)
                found = roles.setdefault((carrier, edge.relation, hub), [])
                found += [r.strip() for r in edge.label.split(",") if r.strip()]
            elif edge.relation in RELATIONS:
                key = (source, target, edge.relation)
                self.merged[key] = self.merged.get(key, 0) + 1
        for group, inside in self.drawing.children.items():  # a stack: runs on the machine below
            if group.startswith("on:"):
                self.merged[(group, group[3:], "runs_on")] = len(inside)
        order = list(BADGES)
        for (carrier, relation, hub), names in sorted(
            roles.items(), key=lambda item: (order.index(item[0][1]), item[0])
        ):
            marker, kind, _, _ = BADGES[relation]
            text = f"{marker} {self._title(hub)}"
            names = list(dict.fromkeys(names))
            if names:
                text += (
                    ": "
                    + ", ".join(names[:MAX_ROLES])
                    + (", ..." if len(names) > MAX_ROLES else "")
                )
            colour = BADGE_TEXT[self.options.theme].get(kind, self.theme.kinds[kind].line)
            self.badges.setdefault(carrier, {})[text] = (colour, relation)
        self.groups: dict[str, list[list[str]]] = {}  # group key -> its ranks
        self.chained: list[tuple[list[str], list[str]]] = []  # rows of a rank cut in rows
        self._group_linked()
        self.parents = {
            k: box for box, keys in self.drawing.children.items() for k in keys if box != TOP
        }
        # nesting already shows that a box and what is inside it belong together
        self.drawn_edges = [
            (key, count)
            for key, count in sorted(self.merged.items())
            if not self._inside(key[1], key[0]) and not self._inside(key[0], key[1])
        ]
        self.relations_drawn = {key[2] for key, _ in self.drawn_edges}

    def _group_linked(self) -> None:
        """Siblings joined by edges go in an invisible box of their own, ranked by their edges;
        that box takes their place in their box's grid."""
        parent = {k: box for box, keys in self.drawing.children.items() for k in keys}
        joined: dict[str, set[str]] = {}
        for source, target, _ in self.merged:
            if source in parent and parent.get(source) == parent.get(target):
                joined.setdefault(source, set()).add(target)
                joined.setdefault(target, set()).add(source)
        if not joined:
            return
        children = {k: list(v) for k, v in self.drawing.children.items()}
        seen: set[str] = set()
        for start in sorted(joined):
            if start in seen:
                continue
            part, todo = {start}, [start]
            while todo:
                for other in joined[todo.pop()] - part:
                    part.add(other)
                    todo.append(other)
            seen |= part
            group = f"group:{start}"
            box = parent[start]
            children[box] = [k for k in children[box] if k not in part] + [group]
            children[group] = sorted(part)
            self.groups[group] = self._ranks(sorted(part))
        self.drawing = replace(self.drawing, children={k: tuple(v) for k, v in children.items()})

    def _ranks(self, part: list[str]) -> list[list[str]]:
        """``part`` by rank as its edges order it (longest path from a source; cycles cut)."""
        inside = set(part)
        heads = {k: sorted(t for s, t, _ in self.merged if s == k and t in inside) for k in part}
        rank = dict.fromkeys(part, 0)
        for _ in part:  # at most len(part) rounds: a cycle stops growing there
            changed = False
            for source in part:
                for target in heads[source]:
                    if rank[target] < rank[source] + 1 <= len(part):
                        rank[target] = rank[source] + 1
                        changed = True
            if not changed:
                break
        return [sorted(k for k in part if rank[k] == r) for r in sorted(set(rank.values()))]

    def _kind(self, key: str) -> str:
        """The kind ``key`` is drawn as (COLLAPSED for a summary), "" for the legend."""
        if key in self.drawing.summaries:
            return COLLAPSED
        obj = self.model.get(key)
        return obj.kind if obj is not None else ""

    def _title(self, key: str) -> str:
        if key in self.bands:
            return self.bands[key][0]
        if key in self.drawing.summaries:
            return self.drawing.summaries[key].label
        return self.model.objects[key].title

    # -- labels and sizes ------------------------------------------------------------------

    def label_lines(self, key: str) -> list[_Line]:
        if key in self.bands:
            return [_Line(self.bands[key][0], bold=True)]
        if key in self.drawing.summaries:
            lines = [_Line(self.drawing.summaries[key].label)]
        else:
            obj = self.model.objects[key]
            lines = [_Line(obj.title, bold=bool(self.drawing.children.get(key)))]
            for line in (summary(obj), self.selected.notes.get(key, "")):
                if line:
                    lines.append(_Line(line))
        badges = list(self.badges.get(key, {}).items())
        for text, (colour, relation) in badges[:MAX_BADGES]:
            self.badge_kinds.add(relation)
            lines.append(_Line(text, colour))
        if len(badges) > MAX_BADGES:
            more = self.options.translate(WORDS["more"])
            lines.append(_Line(more.format(count=len(badges) - MAX_BADGES)))
        return lines

    def html(self, lines: list[_Line]) -> Html:
        out = []
        for line in lines:
            text = _html_text(line.text)
            if line.bold:
                text = f"<b>{text}</b>"
            if line.colour:
                text = f'<font color="{line.colour}">{text}</font>'
            out.append(text)
        return Html("<br/>".join(out))

    def size(self, key: str) -> _Size:
        """Roughly how big ``key`` is drawn, and (for a box) its grid's rows, chosen."""
        if key in self.sizes:
            return self.sizes[key]
        lines = self.label_lines(key) if key != TOP and key not in self.groups else []
        label_w = max((text_width(line.text) for line in lines), default=0.0)
        label_h = LINE_HEIGHT * len(lines)
        inside = list(self.drawing.children.get(key, ()))
        if not inside:
            kind = self._kind(key)
            wider = SHAPE_WIDER.get(SHAPES[kind][0], 1.0) if kind else 1.0
            width = max(label_w * wider + NODE_PAD_W, 54.0)
            height = max(label_h + NODE_PAD_H, 36.0)
            size = _Size(*((width, height) if self.across_is_width else (height, width)))
        else:
            budget = self._share(key, inside)
            rows = (
                self._wrapped(self.groups[key], budget)
                if key in self.groups
                else self._grid(inside, budget, strip=key in self.bands)[0]
            )
            grid = self._extent(rows)
            self.order[key] = rows
            label = (label_w, label_h) if self.across_is_width else (label_h, label_w)
            size = _Size(max(grid.across, label[0]) + BOX_PAD, grid.along + label[1] + BOX_PAD)
        self.sizes[key] = size
        return size

    def _wrapped(self, ranks: list[list[str]], budget: float) -> list[list[str]]:
        """A group's ranks, each too wide for ``budget`` cut into rows that fit; the rows of
        one rank are chained below each other (see :meth:`container`)."""
        rows = []
        for rank in ranks:
            cut = self._shelves(rank, self.sizes, budget)
            rows += cut
            self.chained += list(zip(cut, cut[1:], strict=False))
        return rows

    def _share(self, key: str, inside: list[str]) -> float:
        """How wide ``key``'s grid may grow; sizes what is inside it, each box inside given a
        share of that when there are SHARED_BY or more (several boxes side by side rather than
        one long column of them): as for a grid of equal boxes, or in proportion to the root
        of what it holds if more."""
        budget = self.budgets.get(key, self.options.across)
        boxes = [
            i
            for i in inside
            if self.drawing.children.get(i)  # not a stack's bands
            and i not in self.groups
            and i not in self.bands
        ]
        held = {b: self._held(b) for b in boxes}
        total = sum(held.values())
        for inner in inside:
            share = (
                budget
                if len(boxes) < SHARED_BY or inner not in held
                else max(
                    budget / math.ceil(math.sqrt(len(boxes))),
                    budget * math.sqrt(held[inner] / total),
                )
            )
            self.budgets[inner] = share - BOX_PAD if inner in held else budget
            self.size(inner)
        return budget

    def _held(self, key: str) -> int:
        """How many nodes are drawn inside ``key``, at any depth."""
        return sum(1 + self._held(k) for k in self.drawing.children.get(key, ()))

    def _grid(
        self, items: list[str], budget: float, strip: bool = False
    ) -> tuple[list[list[str]], _Size]:
        """``items`` in rows, each filled up to a width (boxes first, things joined by edges
        last): the shortest rows that fit within ``budget`` points across and are not a strip
        (unless ``strip``: a stack's band is one); the narrowest when none fits."""
        sizes = {i: self.size(i) for i in items}
        items = sorted(
            items, key=lambda i: 2 if i in self.groups else 0 if self.drawing.children.get(i) else 1
        )
        total = sum(sizes[i].across for i in items) + ACROSS_GAP * (len(items) - 1)
        widest = max(sizes[i].across for i in items)
        best: tuple[tuple[bool, bool, float], list[list[str]], _Size] | None = None
        tried: set[tuple[int, ...]] = set()
        for count in range(1, len(items) + 1):
            rows = self._shelves(items, sizes, max(widest, total / count))
            shape_key = tuple(len(r) for r in rows)
            if shape_key in tried:
                continue
            tried.add(shape_key)
            grid = self._extent(rows)
            fits = grid.across <= budget
            flat = not strip and grid.across > MAX_FLAT * grid.along  # rather one more row
            score = (not fits, flat, grid.along if fits else grid.across)
            if best is None or score < best[0]:
                best = (score, rows, grid)
        assert best is not None
        return best[1], best[2]

    def _extent(self, rows: list[list[str]]) -> _Size:
        """The size of ``rows`` of sized items, one below the other."""
        sizes = self.sizes
        return _Size(
            max(self._row_across(r, sizes) for r in rows),
            sum(max(sizes[i].along for i in r) for r in rows) + ALONG_GAP * (len(rows) - 1),
        )

    @staticmethod
    def _row_across(row: list[str], sizes: dict[str, _Size]) -> float:
        return sum(sizes[i].across for i in row) + ACROSS_GAP * (len(row) - 1)

    def _shelves(self, items: list[str], sizes: dict[str, _Size], width: float) -> list[list[str]]:
        rows: list[list[str]] = [[]]
        for item in items:
            if rows[-1] and self._row_across(rows[-1] + [item], sizes) > width * 1.02:
                rows.append([])
            rows[-1].append(item)
        return rows

    def top(self, key: str) -> str:
        """A node on the first rank of what ``key`` draws: in the first item of its first row
        (so that what is chained to it lines up on the left)."""
        rows = self.order.get(key)
        return self.top(rows[0][0]) if rows else key

    def bottom(self, key: str, left: bool = False) -> str:
        """A node on the last rank of what ``key`` draws: in the tallest item of its last row
        (``left``: in its first item, on the left, not always on the last rank)."""
        rows = self.order.get(key)
        if not rows:
            return key
        last = rows[-1][0] if left else max(rows[-1], key=lambda i: self.sizes[i].along)
        return self.bottom(last, left)

    # -- writing ---------------------------------------------------------------------------

    def header(self, title: str, direction: str) -> list[str]:
        theme, font = self.theme, self.options.font
        graph = {
            "id": "topodoc:graph",
            "rankdir": direction,
            "bgcolor": theme.background,
            "fontname": font,
            "fontcolor": theme.text,
            "fontsize": "16",
            "compound": "true",
            "newrank": "true",
            "nodesep": "0.25",
            "ranksep": "0.35",
            "pad": "0.2",
            "outputorder": "edgesfirst",
        }
        if title:
            graph.update(label=title, labelloc="t", tooltip=title)
        return [
            f"  graph {_attrs(graph)};",
            "  node "
            + _attrs(
                {
                    "fontname": font,
                    "fontsize": str(FONT_SIZE),
                    "fontcolor": theme.text,
                    "margin": "0.1,0.05",
                    "penwidth": "1.2",
                }
            )
            + ";",
            "  edge "
            + _attrs(
                {
                    "fontname": font,
                    "fontsize": str(FONT_SIZE),
                    "fontcolor": theme.text,
                    "color": theme.edge,
                    "arrowsize": "0.6",
                }
            )
            + ";",
        ]

    def container(self, key: str, level: int) -> list[str]:
        """What is inside ``key`` (TOP: the whole diagram), in its grid, legend last at TOP."""
        pad = "  " * level
        inside = list(self.drawing.children.get(key, ()))
        lines: list[str] = []
        if key == TOP:
            self.size_top(inside)
        for inner in inside:
            lines += self.item(inner, level)
        if key == TOP and self.options.legend:
            lines += self.legend(pad)
        rows = self.order.get(key, []) if key not in self.groups else []
        for upper, lower in self.chained if key in self.groups else ():
            if set(lower) <= set(self.drawing.children[key]):  # a rank cut in rows: one row
                lines.append(
                    f"{pad}{quote(upper[0])} -> {quote(lower[0])} "  # below the other
                    + _attrs({"id": f"{upper[0]}->{lower[0]}:wrap", "style": "invis"})
                    + ";"
                )
                lines.append(
                    f'{pad}{{ rank="same"; ' + " ".join(quote(i) + ";" for i in lower) + " }"
                )
        for upper, lower in zip(rows, rows[1:], strict=False):
            # below the tallest of the row above; the rows' first items one above the other
            tallest = max(upper, key=lambda i: self.sizes[i].along)
            lines.append(
                f"{pad}{quote(self.bottom(tallest))} -> {quote(self.top(lower[0]))} "
                + _attrs({"id": f"{tallest}->{lower[0]}:grid", "style": "invis", "weight": "1"})
                + ";"
            )
            for above, below in dict.fromkeys(((upper[0], lower[0]), (upper[-1], lower[-1]))):
                lines.append(
                    f"{pad}{quote(self.bottom(above, left=True))} -> "
                    f"{quote(self.top(below))} "
                    + _attrs({"id": f"{above}->{below}:align", "style": "invis", "weight": "20"})
                    + ";"
                )
        return lines

    def rows(self) -> list[str]:
        """Each grid's rows on one rank: the top nodes of a row's items side by side, in order
        (a flat edge keeps its tail left of its head)."""
        lines = []
        for key, rows in self.order.items():
            for row in rows if key not in self.groups else ():
                tops = [self.top(item) for item in row]
                if len(tops) > 1:
                    lines.append(
                        '  { rank="same"; ' + " ".join(quote(t) + ";" for t in tops) + " }"
                    )
                for left, right in zip(row, row[1:], strict=False):
                    lines.append(
                        f"  {quote(self.top(left))} -> {quote(self.top(right))} "
                        + _attrs({"id": f"{left}->{right}:order", "style": "invis"})
                        + ";"
                    )
        return lines

    def size_top(self, inside: list[str]) -> None:
        items = inside + ([LEGEND_ID] if self.options.legend else [])
        self._share(TOP, inside)
        if self.options.legend:  # the legend's size is known once every label has been made
            rows = self.legend_rows()
            self.sizes[LEGEND_ID] = _Size(
                *(
                    (150.0, LINE_HEIGHT * (len(rows) + 1) + 8)
                    if self.across_is_width
                    else (LINE_HEIGHT * (len(rows) + 1) + 8, 150.0)
                )
            )
        self.order[TOP] = (
            [[i] for i in items] if self.bands else self._grid(items, self.options.across)[0]
        )

    def item(self, key: str, level: int) -> list[str]:
        """The node for ``key``, or its box holding what is placed on it."""
        pad = "  " * level
        self.size(key)
        if key in self.groups:  # siblings joined by edges: a box of their own, not drawn
            attrs = {"id": f"cluster:{key}", "label": "", "style": "invis", "margin": "0"}
            if self.options.tooltip:
                attrs["tooltip"] = ", ".join(self._title(k) for k in self.drawing.children[key])
            return [
                f"{pad}subgraph {quote('cluster_' + key)} {{",
                f"{pad}  graph {_attrs(attrs)};",
                *self.container(key, level + 1),
                f"{pad}}}",
            ]
        if not self.drawing.children.get(key):
            node = (
                self._summary(self.drawing.summaries[key])
                if key in self.drawing.summaries
                else self._object(self.model.objects[key])
            )
            return [f"{pad}{quote(key)} {_attrs_html(node)};"]
        self.boxes = True
        kind = self.bands[key][1] if key in self.bands else self.model.objects[key].kind
        colours = self.theme.kinds[kind]
        box = {
            "id": f"cluster:{key}",
            "label": self.html(self.label_lines(key)),
            "style": self._status_style(
                "rounded,filled", None if key in self.bands else self.model.objects[key]
            ),
            "fillcolor": colours.box,
            "color": colours.line,
            "penwidth": "1.2",
            "margin": "8",
            "fontsize": str(FONT_SIZE),
        }
        if key in self.bands:
            box["tooltip"] = self.bands[key][0]
        else:
            self.kinds.add(kind)
            box.update(self._link(self.model.objects[key]))
        return [
            f"{pad}subgraph {quote('cluster_' + key)} {{",
            f"{pad}  graph {_attrs_html(box)};",
            *self.container(key, level + 1),
            f"{pad}}}",
        ]

    def _link(self, obj: AnyObj) -> dict[str, str]:
        attrs = {}
        if self.options.tooltip:
            attrs["tooltip"] = "\n".join(f"{k}: {v}" for k, v in facts(self.model, obj))
        url = self.options.link(obj.id) if self.options.link else None
        if url:
            attrs.update(URL=url, target="_top")
        return attrs

    def _status_style(self, style: str, obj: AnyObj | None) -> str:
        """``style``, dashed for a planned object (its outline drawn as not there yet)."""
        if obj is None or obj.status != "planned":
            return style
        self.planned = True
        return style if "dashed" in style else f"{style},dashed"

    def _object(self, obj: AnyObj) -> dict[str, str]:
        self.kinds.add(obj.kind)
        shape, style = SHAPES[obj.kind]
        style = self._status_style(style, obj)
        colours = self.theme.kinds[obj.kind]
        attrs = {
            "id": obj.id,
            "label": self.html(self.label_lines(obj.id)),
            "shape": shape,
            "style": style,
            "fillcolor": colours.fill,
            "color": colours.line,
        }
        attrs.update(self._link(obj))
        return attrs

    def _summary(self, item: Summary) -> dict[str, str]:
        self.kinds.add(COLLAPSED)
        shape, style = SHAPES[COLLAPSED]
        colours = self.theme.kinds[COLLAPSED]
        line = self.theme.kinds[item.kind].line if item.kind else colours.line
        attrs = {
            "id": item.id,
            "label": self.html(self.label_lines(item.id)),
            "shape": shape,
            "style": style,
            "fillcolor": colours.fill,
            "color": line,
        }
        if self.options.tooltip:
            names = ", ".join(item.hidden[:TOOLTIP_IDS])
            more = len(item.hidden) - TOOLTIP_IDS
            attrs["tooltip"] = f"collapsed: {item.label}\n{names}" + (
                f", and {more} more" if more > 0 else ""
            )
        return attrs

    def _inside(self, key: str, box: str) -> bool:
        while key in self.drawing.drawn_as or key in self.drawing.summaries:
            if key == box:
                return True
            parent = self._parent(key)
            if parent is None:
                return False
            key = parent
        return False

    def _parent(self, key: str) -> str | None:
        return self.parents.get(key)

    def edges(self) -> list[str]:
        """One edge per relation drawn between two drawn things; box ends meet the box."""
        lines = []
        for (source, target, relation), count in self.drawn_edges:
            name, style, arrow, kind = RELATIONS[relation]
            attrs = {"id": f"{source}->{target}:{relation}", "style": style, "arrowhead": arrow}
            parent = self._parent(source)
            if parent not in self.groups or parent != self._parent(target):
                attrs["constraint"] = "false"  # the grids place things; this edge follows
            if kind:
                attrs["color"] = self.theme.kinds[kind].line
            if self.drawing.children.get(source):
                attrs["ltail"] = f"cluster_{source}"
            if self.drawing.children.get(target):
                attrs["lhead"] = f"cluster_{target}"
            if self.options.tooltip:
                ends = (
                    self._title(source)
                    if source in self.bands
                    else f"{self._title(source)} \u2192 {self._title(target)}"
                )
                attrs["tooltip"] = f"{ends}: {name}" + (f" x{count}" if count > 1 else "")
            tail = self.bottom(source) if "ltail" in attrs else source
            head = self.top(target) if "lhead" in attrs else target
            if source.startswith("on:"):  # a stack's machine, below what runs on it
                del attrs["ltail"]
                attrs.update(dir="back", lhead=f"cluster_{source}", constraint="true")
                tail, head = target, self.top(source)
            lines.append(f"  {quote(tail)} -> {quote(head)} {_attrs(attrs)};")
        return lines

    def legend_rows(self) -> list[str]:
        """The legend's rows: each kind's colours, each badge, each relation's line."""
        rows = []
        for kind in (*KINDS, COLLAPSED):
            if kind in self.kinds:
                colours = self.theme.kinds[kind]
                name = self.options.translate(
                    WORDS["collapsed"] if kind == COLLAPSED else BY_NAME[kind].singular
                )
                rows.append(
                    f'<tr><td bgcolor="{colours.fill}" color="{colours.line}" '
                    f'border="1" width="28"></td><td align="left">{name}</td></tr>'
                )
        if self.boxes:
            rows.append(
                f'<tr><td border="1" style="rounded" width="28"></td>'
                f'<td align="left">{self.options.translate(WORDS["box"])}</td></tr>'
            )
        if self.planned:
            rows.append(
                f'<tr><td border="1" style="dashed" width="28"></td>'
                f'<td align="left">{self.options.translate(WORDS["planned"])}</td></tr>'
            )
        for relation, (marker, kind, _, name) in BADGES.items():
            if relation in self.badge_kinds:
                colour = BADGE_TEXT[self.options.theme].get(kind, self.theme.kinds[kind].line)
                rows.append(
                    f'<tr><td><font color="{colour}">{marker}</font></td>'
                    f'<td align="left">{self.options.translate(name)}</td></tr>'
                )
        for relation, (name, style, arrow, kind) in RELATIONS.items():
            if relation in self.relations_drawn:
                colour = self.theme.kinds[kind].line if kind else self.theme.edge
                sample = LINE_SAMPLES[style] + ARROW_SAMPLES[arrow]
                rows.append(
                    f'<tr><td><font color="{colour}">{sample}</font></td>'
                    f'<td align="left">{self.options.translate(name)}</td></tr>'
                )
        return rows

    def legend(self, pad: str) -> list[str]:
        """One node with a table: the colour of each kind, each badge and each relation."""
        rows = self.legend_rows()
        if not rows:
            return []
        title = self.options.translate(WORDS["legend"])
        table = (
            '<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
            f'<tr><td colspan="2"><b>{title}</b></td></tr>' + "".join(rows) + "</table>"
        )
        return [
            f'{pad}{quote(LEGEND_ID)} [id={quote(LEGEND_ID)}, shape="none", margin="0", '
            f"label=<{table}>];"
        ]
