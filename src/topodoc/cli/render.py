"""``topodoc render``: a diagram of the topology as SVG, PNG, PDF or DOT, as Sphinx draws it."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from topodoc.cli.common import (
    DEFAULT_PATH,
    EXIT_OK,
    UsageError,
    exit_codes,
    load_valid,
    write_output,
)
from topodoc.diagrams.dot import DotOptions, cjk_font_available, render_dot, run_dot
from topodoc.diagrams.fit import fitted
from topodoc.diagrams.style import THEMES
from topodoc.diagrams.views import select, selection_for_view
from topodoc.model.objects import Model
from topodoc.model.selection import LAYERS, Selection
from topodoc.util import gcpause
from topodoc.util.text import plural
from topodoc.util.timeouts import seconds_problem

if TYPE_CHECKING:
    from topodoc.cli.main import Parser

#: Output file suffix -> format.
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def add_parser(subparsers: argparse._SubParsersAction[Parser]) -> None:
    p = subparsers.add_parser(
        "render",
        help="draw a view of the topology (SVG, PNG, PDF or DOT)",
        description="Draw the topology, or a named view of it (--view), or a selection of it, "
        "exactly as the Sphinx pages do. The format follows the output's suffix (.svg, .png, "
        ".pdf, .dot). Selection options change the named view, or select from the whole lab. "
        "Over the node budget, groups of objects are drawn as one node; a warning says how "
        "many (--show-collapsed lists them).",
        epilog=exit_codes(
            "0  written",
            "1  the topology has errors (nothing written)",
            "2  bad options, a file cannot be read or written, or Graphviz failed",
        ),
    )
    p.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_PATH,
        help="topology directory or file (default: topology/)",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write: FILE.svg, FILE.png, FILE.pdf or FILE.dot",
    )
    p.add_argument("--view", metavar="NAME", help="a view named in the topology")
    p.add_argument(
        "--layer",
        action="append",
        metavar="LAYER",
        help=f"show this layer (repeatable): {', '.join(LAYERS)}",
    )
    p.add_argument(
        "--kind", action="append", metavar="KIND", help="only objects of this kind (repeatable)"
    )
    p.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="only objects with this tag, and what they run on (repeatable)",
    )
    p.add_argument(
        "--root",
        metavar="ID",
        help="this object, what is placed on it, and what is related to them",
    )
    p.add_argument(
        "--depth", metavar="N", help="with --root: what lies within N relations of it instead"
    )
    p.add_argument("--include", action="append", metavar="ID", help="add this object")
    p.add_argument(
        "--exclude",
        action="append",
        metavar="ID",
        help="leave out this object and what is placed on it",
    )
    p.add_argument("--direction", metavar="DIR", help="layout direction: TB, LR, BT or RL")
    p.add_argument(
        "--level",
        metavar="LEVEL",
        help="detail (every object), overview (hosts, clusters and networks, with "
        "counts) or stack (bands: hosts, each level of VMs, clusters)",
    )
    p.add_argument("--title", help="the diagram's title")
    p.add_argument(
        "--theme",
        choices=THEMES,
        default="light",
        help="colours for a light or a dark page (default: light)",
    )
    p.add_argument(
        "--node-budget",
        type=int,
        default=DotOptions.node_budget,
        metavar="N",
        help=f"draw at most N nodes, collapsing groups beyond (default: {DotOptions.node_budget})",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="stop Graphviz after S seconds, at most 3600 (default: 30)",
    )
    p.add_argument("--no-legend", action="store_true", help="leave the legend out")
    p.add_argument(
        "--show-collapsed",
        action="store_true",
        help="list every group drawn as one node (default: how many there are)",
    )
    p.set_defaults(func=cmd_render)


def cmd_render(args: argparse.Namespace) -> int:
    fmt = SUFFIXES.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise UsageError(
            f"-o {args.output}: the name must end in {', '.join(SUFFIXES)} (the format follows it)"
        )
    if problem := seconds_problem(args.timeout):
        raise UsageError(f"--timeout {problem}")
    try:
        options = DotOptions(
            theme=args.theme, node_budget=args.node_budget, legend=not args.no_legend
        )
    except ValueError as exc:
        raise UsageError(f"--node-budget: {exc}") from None
    model = load_valid(args.path).model
    with gcpause.paused():  # allocates much, makes no reference cycles
        selected = select(model, _selection(model, args))
        # laid out to fit a page's column, as on the site (DOT alone: no layout is run)
        fit = None if fmt == "dot" else fitted(model, selected, options, timeout_s=args.timeout)
        graph = fit.graph if fit else render_dot(model, selected, options)
    if graph.collapsed:
        listed = ":" if args.show_collapsed else "; --show-collapsed lists them"
        _warn(
            f"{plural(len(graph.collapsed), 'group')} of objects drawn as one node to keep "
            f"within the node budget of {options.node_budget} (raise it with --node-budget)"
            f"{listed}"
        )
        for message in graph.collapsed if args.show_collapsed else ():
            _warn(f"  {message}")
    if fmt in ("png", "pdf") and _CJK.search(graph.source) and not cjk_font_available():
        _warn(
            "no font for Chinese (CJK) text is installed: it shows as empty boxes in "
            f"{fmt.upper()} (Debian: apt-get install fonts-wqy-microhei); SVG is not affected"
        )
    data = (
        graph.source.encode("utf-8")
        if fmt == "dot"
        else fit.svg
        if fit and fit.svg and fmt == "svg"
        else run_dot(graph.source, fmt, timeout_s=args.timeout)
    )
    write_output(args.output, data)
    print(
        f"wrote {args.output} ({plural(len(graph.nodes), 'object')}"
        f"{', some collapsed' if graph.collapsed else ''})",
        file=sys.stderr,
    )
    return EXIT_OK


def _selection(model: Model, args: argparse.Namespace) -> Selection:
    """The named view changed by the options given, or the options alone."""
    given = Selection.from_options(
        layers=args.layer,
        kinds=args.kind,
        tags=args.tag,
        root=args.root,
        depth=args.depth,
        include=args.include,
        exclude=args.exclude,
        direction=args.direction,
        title=args.title,
        level=args.level,
    )
    if not args.view:
        return given
    names = {
        "layer": "layers",
        "kind": "kinds",
        "tag": "tags",
        "root": "root",
        "depth": "depth",
        "include": "include",
        "exclude": "exclude",
        "direction": "direction",
        "title": "title",
        "level": "level",
    }
    changed = {
        field: getattr(given, field)
        for option, field in names.items()
        if getattr(args, option) is not None
    }
    return replace(selection_for_view(model, args.view), **changed)


def _warn(message: str) -> None:
    print(f"topodoc render: warning: {message}", file=sys.stderr)
