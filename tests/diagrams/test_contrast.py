"""Colours people can read: badge and node text in diagrams, drift states in dark mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from topodoc.diagrams.style import BADGE_TEXT, BADGES, THEME

CSS = Path(__file__).resolve().parents[2] / "sphinxext/topodoc/static/topodoc.css"
#: furo's page backgrounds (--color-background-primary), light and dark.
FURO = {"light": "#ffffff", "dark": "#131416"}


def luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_of_known_pairs():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_badges_and_node_text_read_on_every_fill():
    for name, theme in THEME.items():
        backgrounds = [theme.background] + [
            c for k in theme.kinds.values() for c in (k.fill, k.box)
        ]
        for relation, (_, kind, _, _) in BADGES.items():
            colour = BADGE_TEXT[name].get(kind, theme.kinds[kind].line)
            worst = min(contrast(colour, bg) for bg in backgrounds)
            assert worst >= 4.5, (name, relation, colour, round(worst, 2))
        assert min(contrast(theme.text, bg) for bg in backgrounds) >= 4.5, name


def state_colours(css: str) -> dict[str, dict[str, str]]:
    """Selector -> {state colour variable -> colour}, for every rule that sets them (media
    queries flattened)."""
    out: dict[str, dict[str, str]] = {}
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        found = dict(re.findall(r"--topodoc-state-(\w+):\s*(#[0-9a-fA-F]{6})", body))
        if found:
            out[" ".join(selector.split())] = found
    return out


def test_drift_states_read_in_light_and_dark_mode():
    css = CSS.read_text(encoding="utf-8")
    blocks = state_colours(css)
    light = blocks.pop("body")
    assert set(light) == {"ok", "bad", "odd", "unknown"}
    for name, colour in light.items():
        assert contrast(colour, FURO["light"]) >= 4.5, (name, colour)
    assert set(blocks) == {'body[data-theme="dark"]', 'body[data-theme="auto"]'}
    for selector, colours in blocks.items():
        assert set(colours) == set(light), selector
        for name, colour in colours.items():
            assert contrast(colour, FURO["dark"]) >= 4.5, (selector, name, colour)
    # every state the report writes takes one of these colours
    states = {
        state
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if "var(--topodoc-state-" in body
        for state in re.findall(r"span\.topodoc-state-(\w+)", selectors)
    }
    assert {"ok", "missing", "changed", "unexpected"} <= states


def test_the_dark_recolouring_is_the_same_in_every_process() -> None:
    """The themed SVG's stylesheet lists the colours in one order whatever the process's
    string hashing (``PYTHONHASHSEED``): a page built again, in another process, is the
    same bytes."""
    code = "from topodoc.diagrams.style import dark_colours; print(list(dark_colours().items()))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1 and "#" in outputs.pop()
