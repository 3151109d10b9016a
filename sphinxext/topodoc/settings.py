"""The extension's configuration values, declared once and read once into :class:`Settings`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.config import Config

from topodoc.diagrams.style import DEFAULT_FONT
from topodoc.util.timeouts import MAX_TIMEOUT_S

from .warn import warn

THEMES = ("light", "dark", "auto")
FORMATS = ("svg", "png")

#: name -> (default, types); each is described in docs/manual/configuration.rst. Changing
#: any of them makes Sphinx read every page again.
CONFIG_VALUES: dict[str, tuple[object, tuple[type, ...]]] = {
    "topodoc_topology": ("topology", (str,)),  # relative to the configuration directory
    "topodoc_theme": ("auto", (str,)),  # light, dark, or auto: both, following the page
    "topodoc_font": (DEFAULT_FONT, (str,)),
    "topodoc_node_budget": (300, (int,)),
    "topodoc_layout_timeout": (60, (int, float)),  # seconds
    "topodoc_output_format": ("svg", (str,)),  # of HTML diagrams: svg or png
    "topodoc_reference_dir": ("reference", (str,)),  # in the source directory; "": none
    "topodoc_drift_report": ("", (str,)),  # a saved drift report (JSON); "": none
}


@dataclass(frozen=True)
class Settings:
    """The configuration values, checked: one immutable object per build."""

    topology: Path
    theme: str
    font: str
    node_budget: int
    layout_timeout: float
    output_format: str
    reference_dir: str
    drift_report: Path | None

    @property
    def themes(self) -> tuple[str, ...]:
        """The diagram themes each HTML diagram is rendered in."""
        return ("light", "dark") if self.theme == "auto" else (self.theme,)


def _checked(config: Config, name: str, ok: Callable[[Any], bool], hint: str) -> Any:
    """``config[name]`` when ``ok``; else a ``topodoc.config`` warning and the default."""
    value = config[name]
    if ok(value):
        return value
    default = CONFIG_VALUES[name][0]
    warn("config", f"{name} = {value!r} in conf.py: {hint}; using {default!r}")
    return default


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


def read_settings(config: Config, confdir: Path) -> Settings:
    """The settings, each value checked: a wrong one is named in a warning and replaced by
    its default, so that the build goes on (and fails with -W)."""
    reference_dir = _checked(
        config,
        "topodoc_reference_dir",
        lambda v: ".." not in Path(v).parts,
        "it must stay inside the source directory",
    ).strip("/")
    return Settings(
        topology=(confdir / config.topodoc_topology).resolve(),
        theme=_checked(
            config, "topodoc_theme", THEMES.__contains__, f"use one of {', '.join(THEMES)}"
        ),
        font=config.topodoc_font,
        node_budget=int(
            _checked(
                config,
                "topodoc_node_budget",
                lambda v: _positive(v) and int(v) == v,
                "use a whole number >= 1",
            )
        ),
        layout_timeout=float(
            _checked(
                config,
                "topodoc_layout_timeout",
                lambda v: _positive(v) and v <= MAX_TIMEOUT_S,
                f"use a number of seconds more than 0 and at most {MAX_TIMEOUT_S}",
            )
        ),
        output_format=_checked(
            config,
            "topodoc_output_format",
            FORMATS.__contains__,
            f"use one of {', '.join(FORMATS)}",
        ),
        reference_dir=reference_dir,
        drift_report=(confdir / config.topodoc_drift_report).resolve()
        if config.topodoc_drift_report
        else None,
    )
