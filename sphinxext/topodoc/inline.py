"""An SVG diagram as markup for the HTML page that shows it.

The image file's links are relative to the image directory (Sphinx's
``fix_svg_relative_paths`` made them so, for the file opened alone); in the page they must be
relative to the page. Ids get a prefix unique in the page, so that two diagrams (or the light
and dark copies of one) never share one, and references to them (``url(#id)``, ``#id``)
follow. The XML namespace prefixes ElementTree wrote (``ns0:svg``) are dropped: the HTML
parser knows ``svg`` and ``xlink:href``, not ``ns0:``.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
HREF = f"{{{XLINK}}}href"
LOCAL_REF = re.compile(r"url\(#([^)]+)\)")


def _page_link(href: str, imgpath: str, prefix: str) -> str:
    """``href`` (relative to the image directory) relative to the page."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    if not parts.path:  # a fragment of the SVG itself
        return f"#{prefix}{parts.fragment}" if parts.fragment else href
    path = posixpath.normpath(posixpath.join(imgpath, parts.path))
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def inline_svg(path: Path, imgpath: str, prefix: str) -> str:
    """The SVG file at ``path`` as an ``<svg>`` element for a page whose image directory is
    ``imgpath`` (relative to the page), its ids prefixed with ``prefix``."""
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.parse(path).getroot()  # noqa: S314 (our own file, drawn by dot)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "id":
                element.set(name, prefix + value)
            elif name == HREF:
                element.set(name, _page_link(value, imgpath, prefix))
            elif "url(#" in value:
                element.set(name, LOCAL_REF.sub(rf"url(#{prefix}\1)", value))
    return ET.tostring(root, encoding="unicode")
