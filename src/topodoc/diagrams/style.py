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
    "light": Theme(
        "#ffffff",
        "#1f2328",
        "#57606a",
        {
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
        },
    ),
    "dark": Theme(
        "#1e2125",
        "#e6e6e6",
        "#a0a6ad",
        {
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
        },
    ),
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

#: Per relation drawn as an edge: its name in the legend, line style, arrowhead, and the kind
#: whose colour it takes ("" for the theme's edge colour). No two relations share both line
#: style and arrowhead (colours alone can look alike: the theme's edge grey and storage's), so
#: each has a legend entry of its own.
RELATIONS: dict[str, tuple[str, str, str, str]] = {
    "depends_on": ("depends on", "dashed", "normal", ""),
    "etcd": ("uses etcd", "bold", "normal", "cluster"),
    "runs_on": ("runs on", "solid", "normal", "service"),
    "parent": ("inside", "bold", "empty", "network"),
    "uses": ("disk in pool", "dashed", "empty", "storage"),
    "provided_by": ("provided by", "solid", "empty", "storage"),
    "backing": ("backed by", "dotted", "empty", "storage"),
    "used_by": ("used by", "dotted", "normal", "storage"),
}
#: Relations from many objects to one (a cluster's members, a network's machines, a VM's
#: manager, a host's other failure domains) are not edges: the object carries a badge, a line
#: in its own label naming the hub, in the hub's colour. Per relation: the badge's marker, the
#: hub's kind (its colour), whether the hub is the relation's source, and the legend's words.
BADGES: dict[str, tuple[str, str, bool, str]] = {
    "member": ("\u25c6", "cluster", True, "member of cluster (roles)"),
    "managed_by": ("\u25c7", "cluster", False, "managed by"),
    "attached": ("\u25b1", "network", False, "attached to network"),
    "in_domain": ("\u25a2", "failure_domain", False, "in failure domain"),
}
#: A badge's text colour, per theme and hub kind, where the kind's line colour is too light
#: for text (contrast >= 4.5:1 on every fill and box of the theme); else the line colour.
BADGE_TEXT: dict[str, dict[str, str]] = {
    "light": {"cluster": "#8f4700", "network": "#176560", "failure_domain": "#8c5400"},
    "dark": {},
}
#: Badges one node shows at most; the rest are counted.
MAX_BADGES = 5
#: Roles one badge names at most.
MAX_ROLES = 3
#: Line styles as the legend draws them, and arrowheads.
LINE_SAMPLES = {
    "solid": "\u2500\u2500\u2500",
    "dashed": "\u2500 \u2500 ",
    "dotted": "\u00b7 \u00b7 \u00b7 ",
    "bold": "\u2501\u2501\u2501",
}
ARROW_SAMPLES = {"normal": "\u25b6", "empty": "\u25b7", "vee": "\u276f", "none": ""}

#: Every generated word a diagram shows, by message id: the one place to translate them.
WORDS: dict[str, str] = {
    "legend": "Legend",
    "collapsed": "collapsed objects",
    "box": "box: what runs on or in it",
    "planned": "dashed: planned, not built yet",
    "more": "+{count} more",
    "on": "on {title}",
    "band_hosts": "physical hosts",
    "band_first": "first-level VMs",
    "band_second": "second-level VMs",
    "band_deeper": "VMs at level {level}",
    "band_clusters": "clusters",
}


def dark_colours() -> dict[str, str]:
    """Each colour of the light theme -> the same part's colour in the dark theme: a drawing
    in the light theme, recoloured so, is the dark one (the background apart: its light
    colour is also that of collapsed nodes)."""
    light, dark = THEME["light"], THEME["dark"]
    out = {light.text: dark.text, light.edge: dark.edge}
    for kind, colours in light.kinds.items():
        other = dark.kinds[kind]
        out.update({colours.fill: other.fill, colours.line: other.line, colours.box: other.box})
    for kind in sorted(BADGE_TEXT["light"].keys() | BADGE_TEXT["dark"].keys()):  # badge text
        out[BADGE_TEXT["light"].get(kind, light.kinds[kind].line)] = BADGE_TEXT["dark"].get(
            kind, dark.kinds[kind].line
        )
    return out
