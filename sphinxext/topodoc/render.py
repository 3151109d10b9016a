"""Drawing :class:`~.nodes.topodoc_graph` nodes through Sphinx's graphviz machinery.

Sphinx's ``render_dot`` names each image by a hash of its DOT and options and reuses it when
the file exists, but runs ``dot`` without a time limit. So an image is first drawn here,
under that same name, by :func:`topodoc.diagrams.dot.run_dot` with ``topodoc_layout_timeout``; then
Sphinx's ``render_dot`` finds it in its cache and hands back the paths. SVG links are made
relative to the image directory by Sphinx's own ``fix_svg_relative_paths``; LaTeX output
goes through Sphinx's ``render_dot_latex`` (PDF).

In HTML an SVG diagram is written into the page itself (:mod:`.inline`), in a viewport that
``topodoc.js`` pans and zooms, with a bar of buttons above it (:func:`controls`): one
document, so node links, keyboard focus and the script all work from ``file://`` too.

With the theme ``auto``, an SVG is laid out once, in the light theme, and carries a
stylesheet recolouring it in the dark theme's colours when the page is dark (the theme's
``data-theme``, or furo following the reader's ``prefers-color-scheme``). One ``dot`` run
where there were two.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from hashlib import sha1
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from docutils import nodes
from sphinx.builders import Builder
from sphinx.ext.graphviz import (
    ClickableMapDefinition,
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
from topodoc.diagrams.style import THEME, dark_colours
from topodoc.util.atomic import write_bytes

from .domain import topo_domain
from .i18n import _
from .inline import inline_svg
from .nodes import topodoc_graph
from .warn import verbose, warn

PREFIX = "graphviz"  # sphinx.ext.graphviz's own prefix: one image cache for both
ATTRIBUTE = re.compile(r'"[^"]*"')
#: The icons of the viewer's buttons (24 x 24, drawn with the text colour).
ICONS = {
    "in": "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z",
    "out": "M5 11h14v2H5z",
    "reset": "M12 5a7 7 0 1 1-6.7 9h2.1A5 5 0 1 0 12 7v3L8 6l4-4z",
    "full": "M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z",
}
SVG_START = re.compile(r"<svg\b[^>]*>")
HREF = re.compile(r'(<(?:a|image)\b[^>]*?\bxlink:href=")([^"]*)"')
#: The diagrams of a page when it is dark (see :func:`themed_svg`): the theme says so (furo on
#: the body, PyData and Book on the root), or furo follows the reader's system setting. A
#: theme with no dark mode sets neither: its diagrams stay light.
DARK_BY_THEME = ':is(html, body)[data-theme="dark"] .topodoc-themed'
DARK_BY_SYSTEM = 'body[data-theme="auto"] .topodoc-themed'


def themed_svg(svg: str) -> str:
    """``svg``, drawn in the light theme, with a stylesheet giving it the dark theme's
    colours when the page showing it is dark (a CSS rule outranks Graphviz's colour
    attributes; the SVG opened alone stays light)."""
    rules = [
        f'[{attr}="{light}"]{{{attr}:{dark}}}'
        for light, dark in dark_colours().items()
        for attr in ("fill", "stroke")
        if f'{attr}="{light}"' in svg
    ]
    background = THEME["light"].background, THEME["dark"].background
    rules += [
        f'g.graph>{path}polygon[fill="{background[0]}"]{{fill:{background[1]}}}'
        for path in ("", "g>a>")
    ]  # the first shape; in a link when it has a tooltip
    css = (
        "".join(f"{DARK_BY_THEME} {rule}" for rule in rules)
        + "@media (prefers-color-scheme: dark){"
        + "".join(f"{DARK_BY_SYSTEM} {rule}" for rule in rules)
        + "}"
    )
    start = SVG_START.search(svg)
    if start is None:
        return svg
    return f"{svg[: start.end()]}\n<style>{css}</style>{svg[start.end() :]}"


def links_from_images(
    svg: str, translator: HTML5Translator | LaTeXTranslator | TexinfoTranslator
) -> str:
    """``svg``'s relative links (written relative to its page) made relative to the image
    directory, where the SVG is: what ``sphinx.ext.graphviz``'s ``fix_svg_relative_paths``
    does, on the text (no XML parse, and the file written once)."""
    builder = translator.builder
    docname = builder.env.path2doc(translator.document["source"])
    if docname is None:
        return svg
    page_dir = posixpath.dirname(docname)
    image_dir = posixpath.join(page_dir, builder.imgpath)

    def relative(match: re.Match[str]) -> str:
        parts = urlsplit(match[2])
        if parts.scheme or parts.netloc or not parts.path:
            return match[0]
        path = posixpath.relpath(posixpath.join(page_dir, parts.path), image_dir)
        return f'{match[1]}{urlunsplit(parts._replace(path=path))}"'

    return HREF.sub(relative, svg)


def image_path(builder: Builder, code: str, options: dict[str, Any], fmt: str) -> Path:
    """Where Sphinx's graphviz cache keeps the image of ``code`` drawn with ``options``."""
    config = builder.config
    key = "".join((code, str(options), str(config.graphviz_dot), str(config.graphviz_dot_args)))
    name = f"{PREFIX}-{sha1(key.encode(), usedforsecurity=False).hexdigest()}.{fmt}"
    return Path(builder.outdir, builder.imagedir, name)


def cached_svg(builder: Builder, code: str, options: dict[str, Any]) -> bytes | None:
    """The SVG of ``code`` drawn in an earlier build, if it is still in the cache."""
    try:
        return image_path(builder, code, options, "svg").read_bytes()
    except OSError:
        return None


def cached_image(
    translator: HTML5Translator | LaTeXTranslator | TexinfoTranslator, node: topodoc_graph, fmt: str
) -> tuple[str, Path] | None:
    """The image of ``node`` in Sphinx's graphviz cache, drawn now when missing.

    ``None`` (and a warning at the diagram) when Graphviz fails or runs out of time.
    """
    builder = translator.builder
    code, options = node["code"], node["options"]
    outfn = image_path(builder, code, options, fmt)
    name = outfn.name
    if not outfn.is_file():
        timeout = topo_domain(builder.env).settings.layout_timeout
        try:
            laid_out = node.get("svg") if fmt == "svg" else None  # by the fitting, kept
            image = laid_out or run_dot(code, fmt, timeout_s=timeout)
            image_map = run_dot(code, "cmapx", timeout_s=timeout) if fmt == "png" else None
        except DotTimeout:
            warn(
                "timeout",
                f"Graphviz took longer than {timeout:g} s "
                "(topodoc_layout_timeout): diagram left out; narrow the view",
                node,
            )
            return None
        except DotError as exc:
            warn("dot", f"Graphviz failed: {exc}", node)
            return None
        outfn.parent.mkdir(parents=True, exist_ok=True)
        if image_map is not None:
            write_bytes(f"{outfn}.map", image_map, durable=False)
        if fmt == "svg":
            svg = links_from_images(image.decode(), translator)
            image = (themed_svg(svg) if options.get("themed") else svg).encode()
        write_bytes(outfn, image, durable=False)  # drawn again when lost
        verbose(f"topodoc: drew {name}")
    relfn, found = render_dot(translator, code, options, fmt, PREFIX)
    if relfn is None or found is None:
        return None
    return relfn.as_posix(), Path(found)


def controls(src: str) -> str:
    """The bar above a diagram: zoom in, zoom out, reset, full screen (shown by the script,
    which makes them work) and a link to the image alone (always there)."""
    labels = {
        "in": _("Zoom in (+)"),
        "out": _("Zoom out (-)"),
        "reset": _("Reset the view (0)"),
        "full": _("Full screen"),
    }
    buttons = "".join(
        f'<button type="button" data-topodoc="{action}" aria-label="{escape(label)}" '
        f'title="{escape(label)}"><svg viewBox="0 0 24 24" aria-hidden="true" '
        f'focusable="false"><path d="{ICONS[action]}"/></svg></button>'
        for action, label in labels.items()
    )
    toolbar, alone = escape(_("Diagram controls")), escape(_("Full size"))
    return (
        f'<div class="topodoc-controls"><span class="topodoc-buttons" role="toolbar" '
        f'aria-label="{toolbar}" hidden>{buttons}</span>'
        f'<a class="topodoc-diagram-full" href="{src}">{alone}</a></div>'
    )


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
    body.append(
        f'<div class="{classes}"{ids} data-image="{src}">{controls(src)}'
        f'<div class="topodoc-viewport" tabindex="0" role="group" '
        f'aria-label="{alt}">'
    )
    if fmt == "svg":
        # in the page: node links, focus and the viewer's script all in one document
        count = getattr(self, "topodoc_diagrams", 0) + 1
        self.topodoc_diagrams = count  # type: ignore[attr-defined]
        body.append(inline_svg(outfn, self.builder.imgpath, f"topodoc{count}-"))
    else:
        # one <area> per line, as ClickableMapDefinition reads it: tooltips span lines
        text = ATTRIBUTE.sub(
            lambda m: m[0].replace("\n", "&#10;"), Path(f"{outfn}.map").read_text(encoding="utf-8")
        )
        image_map = ClickableMapDefinition(f"{outfn}.map", text, dot=node["code"])
        usemap = f' usemap="#{image_map.id}"' if image_map.clickable else ""
        body.append(f'<img src="{src}" alt="{alt}" class="graphviz"{usemap} />')
        body.append(image_map.generate_clickable_map())
    hint = escape(_("Click the diagram or hold Ctrl to zoom with the wheel"))
    body.append(f'</div><p class="topodoc-hint" hidden>{hint}</p></div>\n')
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
    "html": (html_visit, None),
    "latex": (latex_visit, None),
    "texinfo": (texinfo_visit, None),
    "text": (text_visit_graphviz, None),
    "man": (man_visit_graphviz, None),
}
