"""How readable a built site's diagrams are, as a reader sees them in the page.

    python -m topodoc.diagrams.readability _build/html [--json] [--check]

For every SVG diagram a page shows (each ``<object data=...svg>``, ``<img src=...svg>`` and
SVG written into the page in a ``<div data-image=...svg>``, as the Sphinx extension does;
the dark-theme copy of a diagram, shown instead of the light one, is left out): its natural
size in CSS pixels, the scale at which it is shown in a content column of :data:`COLUMN_PX`
(never enlarged), the font size a reader then sees (the median size of the nodes' text times
that scale), its nodes and edges, the pairs of edges whose drawn paths cross, and the edge
labels that sit away from their edge. Crossings come from the path geometry: Bézier curves
are flattened to segments and every pair of edges with intersecting segments counts once;
points where edges meet at their ends (a shared node) are not crossings.

:func:`misses` checks the targets: text >= :data:`MIN_TEXT_PX` in every diagram of a
narrative page and in >= 95 % of reference-page diagrams, crossings <= a quarter of the
edges, aspect within 3:1 and 1:3, every edge label on its edge.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

COLUMN_PX = 760
MIN_TEXT_PX = 10.0
REFERENCE_SHARE = 0.95
MAX_CROSSINGS_PER_EDGE = 0.25
MAX_ASPECT = 3.0
#: CSS pixels per unit of an SVG's width or height attribute.
UNITS_PX = {"pt": 96 / 72, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
#: Segments per flattened cubic Bézier curve.
BEZIER_STEPS = 8
#: Intersections this close (in SVG units) to an end of either path are where edges meet;
#: edges from or to the same node fan out from it, and may touch within SHARED_TOLERANCE.
END_TOLERANCE = 2.0
SHARED_TOLERANCE = 16.0
#: Side of the grid cells that bucket segments (SVG units).
CELL = 64.0
#: Hidden copies of a diagram (another theme's) carry this class on an enclosing element.
HIDDEN_CLASSES = ("topodoc-theme-dark",)

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[MmCcLlZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_LENGTH = re.compile(r"^\s*([-+]?[\d.]+)\s*([a-z]*)\s*$")

Point = tuple[float, float]
Segment = tuple[Point, Point]


@dataclass(frozen=True)
class Diagram:
    """One diagram as a page shows it."""

    page: str  # the page's path in the site
    image: str  # the SVG's path in the site
    reference: bool  # on a reference page
    width_px: float  # natural size, CSS pixels
    height_px: float
    scale: float  # in the content column, <= 1
    text_px: float  # median node text size a reader sees (0 without node text)
    nodes: int
    boxes: int
    edges: int
    crossings: int
    edge_labels: int
    labels_off_edge: int

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.width_px / self.height_px if self.height_px else math.inf


class _Images(HTMLParser):
    """The SVG images a page shows, in order, skipping hidden theme copies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # open elements: tag, hidden
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = (bool(self.stack) and self.stack[-1][1]) or any(
            c in (values.get("class") or "").split() for c in HIDDEN_CLASSES
        )
        src = (
            values.get("data")
            if tag == "object"
            else values.get("src")
            if tag == "img"
            else values.get("data-image")
            if tag == "div"
            else None
        )  # an SVG in the page
        if src and src.split("#", 1)[0].split("?", 1)[0].endswith(".svg") and not hidden:
            self.found.append(src.split("#", 1)[0].split("?", 1)[0])
        if tag not in ("img", "br", "hr", "meta", "link", "input", "source"):
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return


def page_images(html: str) -> list[str]:
    """The (relative) addresses of the SVG images ``html`` shows."""
    parser = _Images()
    parser.feed(html)
    return parser.found


def _length_px(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match[2] not in UNITS_PX:
        return None
    return float(match[1]) * UNITS_PX[match[2]]


def path_points(d: str) -> list[Point]:
    """A path's absolute ``M``/``L``/``C`` commands (as Graphviz writes them) as a polyline."""
    tokens = _PATH_TOKEN.findall(d)
    points: list[Point] = []
    command, numbers = "", list[str]()

    def flush() -> None:
        nonlocal numbers
        values = [float(n) for n in numbers]
        pairs = list(zip(values[::2], values[1::2], strict=False))
        if command in ("M", "L"):
            points.extend(pairs)
        elif command == "C" and points:
            for i in range(0, len(pairs) - 2, 3):
                points.extend(_bezier(points[-1], *pairs[i : i + 3]))
        numbers = []

    for token in tokens:
        if token.isalpha():
            flush()
            command = token.upper()
        else:
            numbers.append(token)
    flush()
    return points


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point) -> list[Point]:
    out = []
    for step in range(1, BEZIER_STEPS + 1):
        t = step / BEZIER_STEPS
        u = 1 - t
        a, b, c, e = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1],
            )
        )
    return out


def _intersection(s: Segment, t: Segment) -> Point | None:
    (x1, y1), (x2, y2) = s
    (x3, y3), (x4, y4) = t
    den = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if abs(den) < 1e-12:
        return None  # parallel (overlapping collinear pieces are not counted as crossings)
    a = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / den
    b = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / den
    if 0 <= a <= 1 and 0 <= b <= 1:
        return x1 + a * (x2 - x1), y1 + a * (y2 - y1)
    return None


def crossings(paths: list[list[Point]], nodes: list[tuple[str, ...]] | None = None) -> int:
    """Pairs of polylines that cross, away from the ends of either (``nodes``: the nodes each
    joins; polylines sharing a node may touch near it)."""
    cells: dict[tuple[int, int], list[tuple[int, Segment]]] = {}
    for index, points in enumerate(paths):
        for seg in zip(points, points[1:], strict=False):
            (x1, y1), (x2, y2) = seg
            for cx in range(int(min(x1, x2) // CELL), int(max(x1, x2) // CELL) + 1):
                for cy in range(int(min(y1, y2) // CELL), int(max(y1, y2) // CELL) + 1):
                    cells.setdefault((cx, cy), []).append((index, seg))
    ends = [(p[0], p[-1]) if p else () for p in paths]
    crossed: set[tuple[int, int]] = set()
    for items in cells.values():
        for i, (a, s) in enumerate(items):
            for b, t in items[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if a == b or pair in crossed:
                    continue
                point = _intersection(s, t)
                if point is None:
                    continue
                near = (
                    SHARED_TOLERANCE if nodes and set(nodes[a]) & set(nodes[b]) else END_TOLERANCE
                )
                if not any(math.dist(point, end) <= near for end in (*ends[a], *ends[b])):
                    crossed.add(pair)
    return len(crossed)


def _distance(point: Point, seg: Segment) -> float:
    (x1, y1), (x2, y2) = seg
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = (
        0.0
        if length == 0
        else max(0.0, min(1.0, ((point[0] - x1) * dx + (point[1] - y1) * dy) / length))
    )
    return math.dist(point, (x1 + t * dx, y1 + t * dy))


def _label_on_edge(text: ET.Element, points: list[Point]) -> bool:
    """Whether an edge label's text box lies within one line height of its edge."""
    size = float(text.get("font-size", "10"))
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    width = len("".join(text.itertext())) * size * 0.6
    anchor = text.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    corners = [
        (left, y),
        (left + width, y),
        (left, y - size),
        (left + width, y - size),
        (left + width / 2, y - size / 2),
    ]
    segments = list(zip(points, points[1:], strict=False)) or [(points[0], points[0])]
    nearest = min(_distance(c, s) for c in corners for s in segments)
    return nearest <= size


_SVG_TAG = re.compile(rb"<(?:[\w.-]+:)?svg\b[^>]*>")  # ns0:svg once Sphinx rewrote links
_ATTRIBUTE = re.compile(rb'\b(width|height|viewBox)="([^"]*)"')


def natural_size(svg: bytes) -> tuple[float, float, float]:
    """An SVG's natural width and height in CSS px, and CSS px per unit of its drawing."""
    tag = _SVG_TAG.search(svg)
    attrs = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(tag[0] if tag else b"")}
    view = [float(n) for n in _NUMBER.findall(attrs.get("viewBox", ""))]
    width = _length_px(attrs.get("width")) or (view[2] if len(view) == 4 else 0.0)
    height = _length_px(attrs.get("height")) or (view[3] if len(view) == 4 else 0.0)
    return width, height, width / view[2] if len(view) == 4 and view[2] else 1.0


def measure_svg(svg: bytes, column_px: float = COLUMN_PX) -> dict[str, Any]:
    """The figures of one SVG (see the module's docstring), without page and image."""
    root = ET.fromstring(svg)
    width, height, unit_px = natural_size(svg)
    scale = min(1.0, column_px / width) if width else 1.0
    sizes: list[float] = []
    nodes = boxes = edges = labels = off = 0
    paths: list[list[Point]] = []
    joins: list[tuple[str, ...]] = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class", "")
        if kind == "node":
            nodes += 1
            sizes += [float(t.get("font-size", "14")) for t in group.iter(f"{SVG}text")]
        elif kind == "cluster":
            boxes += 1
        elif kind == "edge":
            points = [
                p for path in group.iter(f"{SVG}path") for p in path_points(path.get("d", ""))
            ]
            if not points:
                continue
            edges += 1
            paths.append(points)
            title = group.findtext(f"{SVG}title") or ""
            joins.append(tuple(re.split(r"->|--", title, maxsplit=1)) if title else ())
            for text in group.iter(f"{SVG}text"):
                labels += 1
                off += not _label_on_edge(text, points)
    text_px = statistics.median(sizes) * unit_px * scale if sizes else 0.0
    return {
        "width_px": round(width, 1),
        "height_px": round(height, 1),
        "scale": round(scale, 4),
        "text_px": round(text_px, 2),
        "nodes": nodes,
        "boxes": boxes,
        "edges": edges,
        "crossings": crossings(paths, joins),
        "edge_labels": labels,
        "labels_off_edge": off,
    }


def site_diagrams(
    site: Path, reference_dir: str = "reference", column_px: float = COLUMN_PX
) -> Iterator[Diagram]:
    """Every diagram the HTML pages under ``site`` show, page by page (sorted)."""
    measured: dict[Path, dict[str, Any]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        for src in page_images(page.read_text(encoding="utf-8", errors="replace")):
            image = (page.parent / src).resolve()
            if not image.is_file():
                continue
            if image not in measured:
                measured[image] = measure_svg(image.read_bytes(), column_px)
            yield Diagram(
                page=rel,
                image=_relative(image, site),
                reference=rel.startswith(reference_dir.strip("/") + "/")
                if reference_dir
                else False,
                **measured[image],
            )


def _relative(path: Path, site: Path) -> str:
    try:
        return path.relative_to(site.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def misses(diagrams: list[Diagram]) -> list[str]:
    """The targets the diagrams miss, one line each (empty when all are met)."""
    out = []
    reference = [d for d in diagrams if d.reference]
    for d in diagrams:
        where = f"{d.page}: {d.image}"
        if not d.reference and d.text_px < MIN_TEXT_PX:
            out.append(f"{where}: text {d.text_px:.1f} px < {MIN_TEXT_PX:g} px")
        if d.crossings > MAX_CROSSINGS_PER_EDGE * d.edges:
            out.append(f"{where}: {d.crossings} crossings > a quarter of {d.edges} edges")
        if not 1 / MAX_ASPECT <= d.aspect <= MAX_ASPECT:
            out.append(f"{where}: aspect {d.aspect:.2f} outside 1:3 .. 3:1")
        if d.labels_off_edge:
            out.append(f"{where}: {d.labels_off_edge} edge labels away from their edge")
    small = [d for d in reference if d.text_px < MIN_TEXT_PX]
    if reference and len(small) > (1 - REFERENCE_SHARE) * len(reference):
        out.append(
            f"reference pages: {len(small)} of {len(reference)} diagrams show text "
            f"< {MIN_TEXT_PX:g} px (at most {1 - REFERENCE_SHARE:.0%} may)"
        )
    return out


def summary(diagrams: list[Diagram]) -> dict[str, Any]:
    """Site-wide figures: diagrams, how many show small text, the worst ratios."""
    return {
        "diagrams": len(diagrams),
        "reference_diagrams": sum(d.reference for d in diagrams),
        "text_below_10px": sum(d.text_px < MIN_TEXT_PX for d in diagrams),
        "narrative_text_below_10px": sum(
            d.text_px < MIN_TEXT_PX for d in diagrams if not d.reference
        ),
        "min_text_px": min((d.text_px for d in diagrams), default=0.0),
        "max_crossings": max((d.crossings for d in diagrams), default=0),
        "max_crossings_per_edge": round(
            max((d.crossings / d.edges for d in diagrams if d.edges), default=0.0), 3
        ),
        "widest_aspect": round(max((d.aspect for d in diagrams), default=0.0), 2),
        "tallest_aspect": round(min((d.aspect for d in diagrams), default=0.0), 2),
        "labels_off_edge": sum(d.labels_off_edge for d in diagrams),
    }


def table(diagrams: list[Diagram]) -> str:
    head = ("page", "natural px", "scale", "text px", "nodes", "edges", "cross", "aspect")
    rows = [
        (
            d.page,
            f"{d.width_px:.0f}x{d.height_px:.0f}",
            f"{d.scale:.2f}",
            f"{d.text_px:.1f}",
            str(d.nodes),
            str(d.edges),
            str(d.crossings),
            f"{d.aspect:.2f}",
        )
        for d in diagrams
    ]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in (head, *rows)
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m topodoc.diagrams.readability", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("site", type=Path, help="a built HTML site (e.g. _build/html)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a target is missed (listed on stderr)"
    )
    parser.add_argument(
        "--reference-dir",
        default="reference",
        help="where the reference pages are in the site (default: reference)",
    )
    parser.add_argument(
        "--column",
        type=float,
        default=COLUMN_PX,
        help=f"content column width in px (default: {COLUMN_PX})",
    )
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        print(f"error: {args.site}: not a directory (build the site first)", file=sys.stderr)
        return 2
    diagrams = list(site_diagrams(args.site, args.reference_dir, args.column))
    if args.json:
        print(
            json.dumps(
                {
                    "summary": summary(diagrams),
                    "diagrams": [asdict(d) | {"aspect": round(d.aspect, 3)} for d in diagrams],
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    else:
        print(table(diagrams))
        print("\n" + ", ".join(f"{k}: {v}" for k, v in summary(diagrams).items()))
    missed = misses(diagrams)
    if args.check and missed:
        print("\n".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
