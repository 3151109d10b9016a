"""Drawing :class:`~.nodes.topodoc_graph` nodes through Sphinx's graphviz machinery.

Sphinx's ``render_dot`` names each image by a hash of its DOT and options and reuses it when
the file exists, but runs ``dot`` without a time limit. So an image is first drawn here,
under that same name, by :func:`topodoc.diagrams.dot.run_dot` with ``topodoc_layout_timeout``; then
Sphinx's ``render_dot`` finds it in its cache and hands back the paths. SVG links are made
relative to the image directory by Sphinx's own ``fix_svg_relative_paths``; LaTeX output
goes through Sphinx's ``render_dot_latex`` (PDF).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from hashlib import sha1
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.ext.graphviz import (
    ClickableMapDefinition,
    fix_svg_relative_paths,
    man_visit_graphviz,
    render_dot,
    render_dot_latex,
    texinfo_visit_graphviz,
    text_visit_graphviz,
)
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator
from sphinx.writers.texinfo import TexinfoTranslator

from topodoc.diagrams.graphviz import DotError, DotTimeout, run_dot
from topodoc.util.atomic import write_bytes

from .domain import topo_domain
from .nodes import topodoc_graph
from .warn import verbose, warn

PREFIX = "graphviz"  # sphinx.ext.graphviz's own prefix: one image cache for both
ATTRIBUTE = re.compile(r'"[^"]*"')
#: The link under each HTML diagram to its image alone, zoomable (by page language).
FULL_SIZE = {"en": "Open the diagram at full size", "zh": "查看原尺寸的图"}


def cached_image(translator: HTML5Translator | LaTeXTranslator | TexinfoTranslator,
                 node: topodoc_graph, fmt: str) -> tuple[str, Path] | None:
    """The image of ``node`` in Sphinx's graphviz cache, drawn now when missing.

    ``None`` (and a warning at the diagram) when Graphviz fails or runs out of time.
    """
    builder = translator.builder
    config = builder.config
    code, options = node["code"], node["options"]
    key = "".join((code, str(options), str(config.graphviz_dot), str(config.graphviz_dot_args)))
    name = f"{PREFIX}-{sha1(key.encode(), usedforsecurity=False).hexdigest()}.{fmt}"
    outfn = Path(builder.outdir, builder.imagedir, name)
    if not outfn.is_file():
        timeout = topo_domain(builder.env).settings.layout_timeout
        try:
            image = run_dot(code, fmt, timeout_s=timeout)
            image_map = run_dot(code, "cmapx", timeout_s=timeout) if fmt == "png" else None
        except DotTimeout:
            warn("timeout", f"Graphviz took longer than {timeout:g} s "
                 "(topodoc_layout_timeout): diagram left out; narrow the view", node)
            return None
        except DotError as exc:
            warn("dot", f"Graphviz failed: {exc}", node)
            return None
        outfn.parent.mkdir(parents=True, exist_ok=True)
        if image_map is not None:
            write_bytes(f"{outfn}.map", image_map)
        write_bytes(outfn, image)
        if fmt == "svg":
            fix_svg_relative_paths(translator, outfn)
        verbose(f"topodoc: drew {name}")
    relfn, found = render_dot(translator, code, options, fmt, PREFIX)
    if relfn is None or found is None:
        return None
    return relfn.as_posix(), Path(found)


def html_visit(self: HTML5Translator, node: topodoc_graph) -> None:
    fmt = topo_domain(self.builder.env).settings.output_format
    image = cached_image(self, node, fmt)
    alt = escape(node.get("alt", ""))
    align = [f"align-{node['align']}"] if node.get("align") else []
    classes = " ".join(["graphviz", "topodoc-diagram", *align, *node.get("classes", [])])
    body = self.body
    if image is None:
        body.append(f'<p class="topodoc-diagram-missing">{alt}</p>\n')
        raise nodes.SkipNode
    src, outfn = image
    ids = "".join(f' id="{i}"' for i in node["ids"][:1])
    body.append(f'<div class="{classes}"{ids}>')
    if fmt == "svg":
        # <object>, not <img>: the links inside the SVG stay clickable
        body.append(f'<object data="{src}" type="image/svg+xml" class="graphviz">'
                    f'<p class="warning">{alt}</p></object>')
    else:
        # one <area> per line, as ClickableMapDefinition reads it: tooltips span lines
        text = ATTRIBUTE.sub(lambda m: m[0].replace("\n", "&#10;"),
                             Path(f"{outfn}.map").read_text(encoding="utf-8"))
        image_map = ClickableMapDefinition(f"{outfn}.map", text, dot=node["code"])
        usemap = f' usemap="#{image_map.id}"' if image_map.clickable else ""
        body.append(f'<img src="{src}" alt="{alt}" class="graphviz"{usemap} />')
        body.append(image_map.generate_clickable_map())
    label = FULL_SIZE.get((self.builder.config.language or "en")[:2], FULL_SIZE["en"])
    body.append(f'<a class="topodoc-diagram-full" href="{src}">{label}</a></div>\n')
    raise nodes.SkipNode


def latex_visit(self: LaTeXTranslator, node: topodoc_graph) -> None:
    if cached_image(self, node, "pdf") is None:
        raise nodes.SkipNode
    render_dot_latex(self, node, node["code"], node["options"], PREFIX)


def texinfo_visit(self: TexinfoTranslator, node: topodoc_graph) -> None:
    if cached_image(self, node, "png") is None:
        raise nodes.SkipNode
    texinfo_visit_graphviz(self, node)


#: Format -> (visit, depart) of a topodoc_graph node, as ``Sphinx.add_node`` takes them.
VISITORS: dict[str, tuple[Callable[[Any, Any], None], None]] = {
    "html": (html_visit, None), "latex": (latex_visit, None), "texinfo": (texinfo_visit, None),
    "text": (text_visit_graphviz, None), "man": (man_visit_graphviz, None),
}
