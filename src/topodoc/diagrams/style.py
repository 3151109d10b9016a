"""How diagrams look: colours per kind for the light and dark themes, shapes, edge styles."""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("light", "dark")
#: The pseudo-kind of a node standing for several collapsed objects.
COLLAPSED = "collapsed"
#: The diagrams' font list: a CJK font first, so Chinese text has glyphs in PNG and PDF.
DEFAULT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"


@dataclass(frozen=True)
class Colours:
    fill: str  # a node's fill
    line: str  # a node's border, and its box's border
    box: str  # the fill of the box around what is placed on it


@dataclass(frozen=True)
class Theme:
    background: str
    text: str
    edge: str
    kinds: dict[str, Colours]


THEME: dict[str, Theme] = {
    "light": Theme("#ffffff", "#1f2328", "#57606a", {
        "site": Colours("#f4f1ea", "#8d7b5a", "#fbfaf6"),
        "failure_domain": Colours("#fbeee0", "#b26b00", "#fdf8f2"),
        "host": Colours("#dceaf7", "#2f6ea5", "#f2f7fc"),
        "vm": Colours("#e2f1e0", "#3b7d3b", "#f4faf3"),
        "container": Colours("#efe4f5", "#7b4c93", "#f9f5fb"),
        "cluster": Colours("#fde3c6", "#c26100", "#fef4e9"),
        "service": Colours("#fff6c7", "#8a7000", "#fffbe8"),
        "network": Colours("#d8f0ef", "#1f7a76", "#f0f9f9"),
        "storage": Colours("#ececec", "#555555", "#f7f7f7"),
        COLLAPSED: Colours("#ffffff", "#6e7781", "#ffffff"),
    }),
    "dark": Theme("#1e2125", "#e6e6e6", "#a0a6ad", {
        "site": Colours("#35312a", "#b8a888", "#25231f"),
        "failure_domain": Colours("#43301a", "#e09a40", "#2b2219"),
        "host": Colours("#1d3b57", "#6fa8dc", "#1a2633"),
        "vm": Colours("#1f3d22", "#7fbf7f", "#1b2a1d"),
        "container": Colours("#3a2845", "#b48ad0", "#271f2d"),
        "cluster": Colours("#4a2f10", "#f0a050", "#2e2317"),
        "service": Colours("#3d3510", "#e0c040", "#2a2717"),
        "network": Colours("#103c3a", "#50c0b8", "#172a29"),
        "storage": Colours("#33363a", "#b0b0b0", "#26282b"),
        COLLAPSED: Colours("#2a2d31", "#a0a6ad", "#2a2d31"),
    }),
}

#: Node shape and style per kind.
SHAPES: dict[str, tuple[str, str]] = {
    "site": ("box", "filled"),
    "failure_domain": ("box", "filled,dashed"),
    "host": ("box3d", "filled"),
    "vm": ("box", "rounded,filled"),
    "container": ("component", "filled"),
    "cluster": ("octagon", "filled"),
    "service": ("ellipse", "filled"),
    "network": ("parallelogram", "filled"),
    "storage": ("cylinder", "filled"),
    COLLAPSED: ("folder", "filled,dashed"),
}

#: Per relation: its name in the legend, line style, arrowhead, and the kind whose colour it
#: takes ("" for the theme's edge colour).
RELATIONS: dict[str, tuple[str, str, str, str]] = {
    "member": ("member (roles)", "solid", "normal", ""),
    "depends_on": ("depends on", "dashed", "normal", ""),
    "etcd": ("uses etcd", "bold", "normal", "cluster"),
    "managed_by": ("managed by", "dotted", "vee", ""),
    "runs_on": ("runs on", "solid", "normal", "service"),
    "attached": ("attached to", "solid", "none", "network"),
    "parent": ("inside", "bold", "normal", "network"),
    "uses": ("disk in pool", "dashed", "empty", "storage"),
    "provided_by": ("provided by", "dashed", "normal", "storage"),
    "backing": ("backed by", "dashed", "empty", "storage"),
    "used_by": ("used by", "dashed", "normal", "storage"),
    "in_domain": ("in failure domain", "dotted", "normal", "failure_domain"),
}
#: Relations that do not pull what they join onto different ranks (dot's ``constraint``).
LOOSE = ("managed_by",)
#: Line styles as the legend draws them.
LINE_SAMPLES = {"solid": "────", "dashed": "─ ─ ─", "dotted": "· · · ·", "bold": "━━━━"}

def dark_colours() -> dict[str, str]:
    """Each colour of the light theme -> the same part's colour in the dark theme: a drawing
    in the light theme, recoloured so, is the dark one (the background apart: its light
    colour is also that of collapsed nodes)."""
    light, dark = THEME["light"], THEME["dark"]
    out = {light.text: dark.text, light.edge: dark.edge}
    for kind, colours in light.kinds.items():
        other = dark.kinds[kind]
        out.update({colours.fill: other.fill, colours.line: other.line, colours.box: other.box})
    return out
